//! Posts on PostgreSQL: the select every post read shares, the timeline queries, and creating
//! posts (with their idempotency keys) while writers run in parallel.

use sqlx::{PgConnection, PgExecutor};
use tsunagu_api::{ErrorCode, Importance, LiveEvent, Post, Timeline, MAX_MENTIONS};
use uuid::Uuid;

use super::write_tx::WriteTx;
use super::PgStore;
use crate::domain::membership::Denied;
use crate::store::rows::{PostRow, StoredResponse};
use crate::store::{
    CreatePost, CreatedPost, PageAt, Refusal, SessionPage, StoreError, TimelinePage,
};
use crate::time::now_ms;

/// Posts with everything a `Post` shows joined in, so a page is ONE query (see SQLite's
/// twin). `$1` is the viewer (for `acked_by_me`; NULL for nobody): callers bind it first,
/// number their own parameters from `$2`, and append the `WHERE`.
pub const SELECT_POSTS_FROM: &str = "SELECT p.id, p.group_id, p.body, p.created_at_ms,
        u.id AS author_id, u.display_name AS author_name, u.profession AS author_profession,
        f.name AS author_facility_name, p.timeline, p.system,
        su.id AS subject_id, su.display_name AS subject_name,
        su.profession AS subject_profession, sf.name AS subject_facility_name,
        p.importance, p.edited_at_ms, p.deleted_at_ms, p.version,
        rp.id AS reply_id, rpu.display_name AS reply_author_name,
        substr(rp.body, 1, 80) AS reply_excerpt, -- characters, not bytes
        rp.deleted_at_ms IS NOT NULL AS reply_deleted,
        (SELECT COUNT(*) FROM post_reads r
         WHERE r.post_id = p.id AND r.user_id <> p.author_id) AS read_count,
        (SELECT COUNT(*) FROM post_acks a WHERE a.post_id = p.id) AS ack_count,
        EXISTS (SELECT 1 FROM post_acks a WHERE a.post_id = p.id AND a.user_id = $1)
            AS acked_by_me,
        (SELECT COALESCE(json_agg(json_build_object('user_id', mu.id,
                                                    'display_name', mu.display_name)
                                  ORDER BY pm.user_id), '[]')::text
         FROM post_mentions pm JOIN users mu ON mu.id = pm.user_id
         WHERE pm.post_id = p.id) AS mentions,
        (SELECT COALESCE(json_agg(json_build_object('id', m.id, 'kind', m.kind,
                    'content_type', m.content_type, 'name', m.name, 'size', m.size,
                    'width', m.width, 'height', m.height,
                    'thumbnail', m.thumbnail_key IS NOT NULL)
                  ORDER BY m.position), '[]')::text
         FROM media m WHERE m.post_id = p.id AND m.poster_for IS NULL) AS attachments
    FROM posts p
    JOIN users u ON u.id = p.author_id
    LEFT JOIN facilities f ON f.id = u.facility_id
    LEFT JOIN users su ON su.id = (p.system::json ->> 'subject_id')::uuid
    LEFT JOIN facilities sf ON sf.id = su.facility_id
    LEFT JOIN posts rp ON rp.id = p.reply_to_id
    LEFT JOIN users rpu ON rpu.id = rp.author_id";

/// [`SELECT_POSTS_FROM`] with extra leading columns (which may use `$1`, the viewer).
pub fn select_posts_with(extra_columns: &str) -> String {
    SELECT_POSTS_FROM.replacen("SELECT ", &format!("SELECT {extra_columns}, "), 1)
}

/// The group's name as the viewer (`$1`) sees it (a direct message is named after the other
/// person), for queries that join `groups g`.
pub const GROUP_NAME_COLUMN: &str = "CASE WHEN g.kind = 'direct' THEN
        COALESCE((SELECT ou.display_name FROM group_members o JOIN users ou ON ou.id = o.user_id
                  WHERE o.group_id = g.id AND o.user_id <> $1 LIMIT 1), g.name)
        ELSE g.name END AS group_name";

/// One post of a group as `viewer` sees it (`None`: as nobody in particular, for events).
pub async fn fetch_post(
    db: impl PgExecutor<'_>,
    viewer: Option<Uuid>,
    group_id: Uuid,
    post_id: Uuid,
) -> Result<Option<PostRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "{SELECT_POSTS_FROM} WHERE p.group_id = $2 AND p.id = $3"
    ))
    .bind(viewer)
    .bind(group_id)
    .bind(post_id)
    .fetch_optional(db)
    .await?)
}

/// One timeline of one group; binds are the viewer, the group id and the timeline.
fn select_posts(min_importance: Importance) -> String {
    // Spelled to match the partial index posts_important, which then serves the range scan.
    let importance = match min_importance {
        Importance::Normal => "",
        Importance::Important => " AND p.importance <> 'normal'",
        Importance::Urgent => " AND p.importance <> 'normal' AND p.importance = 'urgent'",
    };
    format!("{SELECT_POSTS_FROM} WHERE p.group_id = $2 AND p.timeline = $3{importance}")
}

/// A page query; binds are the viewer, group id and timeline, then (for a cursor) its ms and
/// id, then the row limit. Each is a range scan of posts_by_timeline (or posts_important) in
/// the page's order, as on SQLite: the `created_at_ms <=`/`>=` bound is the index range, the
/// OR breaks ties on the id.
pub fn timeline_sql(at: &PageAt, min_importance: Importance) -> String {
    let select_posts = select_posts(min_importance);
    match at {
        PageAt::Newest => {
            format!("{select_posts} ORDER BY p.created_at_ms DESC, p.id DESC LIMIT $4")
        }
        PageAt::Before(_) => format!(
            "{select_posts} AND p.created_at_ms <= $4 AND (p.created_at_ms < $4 OR p.id < $5)
             ORDER BY p.created_at_ms DESC, p.id DESC LIMIT $6"
        ),
        PageAt::After(_) => format!(
            "{select_posts} AND p.created_at_ms >= $4 AND (p.created_at_ms > $4 OR p.id > $5)
             ORDER BY p.created_at_ms ASC, p.id ASC LIMIT $6"
        ),
    }
}

impl PgStore {
    /// See [`crate::store::Store::timeline_page`].
    pub async fn timeline_page(
        &self,
        viewer: Uuid,
        group_id: Uuid,
        timeline: Timeline,
        at: PageAt,
        min_importance: Importance,
        limit: i64,
    ) -> Result<TimelinePage, StoreError> {
        let sql = timeline_sql(&at, min_importance);
        let mut query = sqlx::query_as(&sql)
            .bind(viewer)
            .bind(group_id)
            .bind(timeline.as_str());
        if let PageAt::Before(c) | PageAt::After(c) = at {
            query = query.bind(c.ms).bind(c.id);
        }
        // One more than the page: whether more posts follow.
        let mut rows: Vec<PostRow> = query.bind(limit + 1).fetch_all(&self.pool).await?;
        let read_up_to: Option<Uuid> = sqlx::query_scalar(
            "SELECT up_to_id FROM read_markers
             WHERE group_id = $1 AND user_id = $2 AND timeline = $3",
        )
        .bind(group_id)
        .bind(viewer)
        .bind(timeline.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let kept = usize::try_from(limit).unwrap_or(usize::MAX);
        let next = if rows.len() > kept {
            rows.truncate(kept);
            rows.last().map(PostRow::cursor)
        } else {
            None
        };
        let posts: Vec<Post> = rows.into_iter().map(PostRow::into_post).collect();
        Ok(TimelinePage {
            items_json: serde_json::to_string(&posts).map_err(anyhow::Error::from)?,
            next,
            read_up_to,
        })
    }

    /// See [`crate::store::Store::session_timeline_page`]: the three reads in turn.
    pub async fn session_timeline_page(
        &self,
        token_hash: &str,
        group_id: Uuid,
        timeline: Option<Timeline>,
        at: PageAt,
        min_importance: Importance,
        limit: i64,
    ) -> Result<SessionPage, StoreError> {
        let owner = self.session_owner(token_hash).await?;
        let membership = match &owner {
            Some(owner) => self.membership(group_id, owner.user_id).await?,
            None => None,
        };
        let page = match (&owner, &membership) {
            (Some(owner), Some(membership)) => {
                let timeline = timeline.unwrap_or(membership.timelines()[0]);
                let page = self
                    .timeline_page(owner.user_id, group_id, timeline, at, min_importance, limit)
                    .await?;
                Some((timeline, page))
            }
            _ => None,
        };
        Ok(SessionPage {
            owner,
            membership,
            page,
        })
    }

    /// See [`crate::store::Store::post`].
    pub async fn post(
        &self,
        viewer: Uuid,
        group_id: Uuid,
        post_id: Uuid,
    ) -> Result<Option<Post>, StoreError> {
        Ok(fetch_post(&self.pool, Some(viewer), group_id, post_id)
            .await?
            .map(PostRow::into_post))
    }
}

/// PostgreSQL text cannot hold NUL (the insert would fail as a 500), and JSON lets a client
/// send `\u0000`: refused like any other invalid text of the field.
pub(super) fn refuse_nul(field: &'static str, text: &str) -> Result<(), StoreError> {
    if text.contains('\0') {
        Err(Refusal::Field(field, ErrorCode::FieldInvalid).into())
    } else {
        Ok(())
    }
}

/// How a post write holds its group's row until commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GroupLock {
    /// `FOR SHARE`: writes that leave the group row alone (edits, deletions, acks). They run
    /// in parallel with each other and wait for archiving and membership changes, which lock
    /// the row `FOR NO KEY UPDATE` (`membership_writes::lock_group`). Neither conflicts with
    /// the `KEY SHARE` lock of a foreign key check (an event's insert), so no one waits for us
    /// while holding the events lock.
    Share,
    /// `FOR NO KEY UPDATE`: a new post, which later updates the row (`last_post_at_ms`). Taken
    /// at once rather than upgraded from a share lock: two posters each holding a share lock
    /// and then both updating would deadlock. Posts of one group therefore queue one behind
    /// the other, which a care team's rate of posting never notices.
    Update,
}

/// The group row as a post write found it after locking it.
pub(super) struct LockedGroup {
    archived: bool,
    member: bool,
}

impl LockedGroup {
    /// The caller was removed after the handler looked them up: the group is gone for them.
    pub(super) fn require_member(&self) -> Result<(), Denied> {
        if self.member {
            Ok(())
        } else {
            Err(Denied::NotFound)
        }
    }

    /// Archived since the handler looked: read-only now.
    pub(super) fn require_writable(&self) -> Result<(), Denied> {
        if self.archived {
            Err(Denied::Archived)
        } else {
            Ok(())
        }
    }
}

/// Locks the group row (see [`GroupLock`]), then reads whether it is archived and whether
/// `user` is still a member. Archiving and membership changes lock the same row
/// `FOR NO KEY UPDATE` (`membership_writes::lock_group`), which conflicts with both modes, so
/// neither can commit between this and our commit: a post cannot land after the archive
/// entry, nor be written by someone removed meanwhile. The membership is read by a statement
/// of its own, after the lock is granted, so that it sees what committed while we waited (a
/// join in the locking statement would read the rows of the snapshot taken before the wait).
pub(super) async fn lock_group_for_write(
    conn: &mut PgConnection,
    group_id: Uuid,
    user: Uuid,
    lock: GroupLock,
) -> Result<LockedGroup, StoreError> {
    let sql = match lock {
        GroupLock::Share => "SELECT archived FROM groups WHERE id = $1 FOR SHARE",
        GroupLock::Update => "SELECT archived FROM groups WHERE id = $1 FOR NO KEY UPDATE",
    };
    let archived: bool = sqlx::query_scalar(sql)
        .bind(group_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(Denied::NotFound)?;
    let member: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM group_members WHERE group_id = $1 AND user_id = $2)",
    )
    .bind(group_id)
    .bind(user)
    .fetch_one(&mut *conn)
    .await?;
    Ok(LockedGroup { archived, member })
}

/// Mentioned users, deduplicated in the order given; each must be a member who may read
/// `timeline` (in `family`, everyone; in `care`, professionals), at most [`MAX_MENTIONS`].
/// Callers hold the group's lock ([`lock_group_for_write`]), so membership cannot change
/// before commit.
pub(super) async fn check_mentions(
    db: impl PgExecutor<'_>,
    group_id: Uuid,
    timeline: Timeline,
    mentions: &[Uuid],
) -> Result<Vec<Uuid>, StoreError> {
    let mut unique = Vec::with_capacity(mentions.len());
    for id in mentions {
        if !unique.contains(id) {
            unique.push(*id);
        }
    }
    let invalid = StoreError::from(Refusal::Field("mentions", ErrorCode::FieldInvalid));
    if unique.len() > MAX_MENTIONS {
        return Err(invalid);
    }
    if unique.is_empty() {
        return Ok(unique);
    }
    let readers: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM group_members
         WHERE group_id = $1 AND user_id = ANY($2)
           AND (role <> 'family' OR $3 = 'family')",
    )
    .bind(group_id)
    .bind(&unique)
    .bind(timeline.as_str())
    .fetch_one(db)
    .await?;
    if usize::try_from(readers).ok() != Some(unique.len()) {
        return Err(invalid);
    }
    Ok(unique)
}

/// Replaces a post's mentions (one statement for the whole list).
pub(super) async fn store_mentions(
    conn: &mut PgConnection,
    post_id: Uuid,
    mentions: &[Uuid],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM post_mentions WHERE post_id = $1")
        .bind(post_id)
        .execute(&mut *conn)
        .await?;
    if !mentions.is_empty() {
        sqlx::query("INSERT INTO post_mentions (post_id, user_id) SELECT $1, unnest($2::uuid[])")
            .bind(post_id)
            .bind(mentions)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// How often a key claim is retried when the row it lost to is gone by the time it is read
/// (pruned in between).
const KEY_CLAIM_ATTEMPTS: usize = 3;

/// Claims an idempotency key for this request: `None` if this transaction now owns it (the
/// caller writes the answer into the row before committing), or the stored answer to replay.
///
/// The claim is the insert itself, `ON CONFLICT (user_id, key) DO NOTHING`: a concurrent
/// request with the same key blocks on our uncommitted row until we commit (then it finds the
/// row and replays our answer) or roll back (then its insert succeeds and it creates the post).
/// So exactly one request creates the post, and the others return its answer byte for byte.
/// The placeholder status and body are never seen: the row becomes visible only at commit,
/// with the answer in it.
async fn claim_key(
    conn: &mut PgConnection,
    author: Uuid,
    key: &str,
    fingerprint: &str,
) -> Result<Option<CreatedPost>, StoreError> {
    for _ in 0..KEY_CLAIM_ATTEMPTS {
        let claimed = sqlx::query(
            "INSERT INTO idempotency_keys
                 (user_id, key, fingerprint, status, response_body, created_at_ms)
             VALUES ($1, $2, $3, 0, '', $4)
             ON CONFLICT (user_id, key) DO NOTHING",
        )
        .bind(author)
        .bind(key)
        .bind(fingerprint)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if claimed == 1 {
            return Ok(None);
        }
        // A new statement: its snapshot includes the commit the insert waited for.
        let stored: Option<StoredResponse> = sqlx::query_as(
            "SELECT fingerprint, status, response_body FROM idempotency_keys
             WHERE user_id = $1 AND key = $2",
        )
        .bind(author)
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(stored) = stored else { continue };
        if stored.fingerprint != fingerprint {
            return Err(Refusal::IdempotencyKeyReused.into());
        }
        let post: Post = serde_json::from_str(&stored.response_body)
            .map_err(|e| anyhow::anyhow!("stored idempotent response unreadable: {e}"))?;
        let status = u16::try_from(stored.status).map_err(anyhow::Error::from)?;
        return Ok(Some(CreatedPost {
            status,
            body: stored.response_body,
            group_id: post.group_id,
            post_id: post.id,
            replayed: true,
        }));
    }
    Err(anyhow::anyhow!("idempotency key claim kept losing to rows that vanished").into())
}

impl PgStore {
    /// See [`crate::store::Store::create_post`]. Safe with writers in parallel because it
    /// first locks the group row ([`GroupLock::Update`]: no archiving or membership change
    /// until commit, so the quoted post's and the mentions' checks hold too, since deletions
    /// share-lock the same row), then claims the idempotency key by inserting it
    /// ([`claim_key`]).
    pub async fn create_post(&self, cmd: CreatePost<'_>) -> Result<CreatedPost, StoreError> {
        let CreatePost {
            author,
            group_id,
            timeline,
            post: new_post,
            idempotency,
            max_post_bytes,
            audit,
        } = cmd;
        refuse_nul("body", &new_post.body)?;
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        let group = lock_group_for_write(tx.conn(), group_id, author, GroupLock::Update).await?;
        group.require_member()?;
        group.require_writable()?;

        let key = idempotency.map(|(key, fingerprint)| (key.hyphenated().to_string(), fingerprint));
        if let Some((key, fingerprint)) = &key {
            if let Some(replay) = claim_key(tx.conn(), author, key, fingerprint).await? {
                // Dropping `tx` rolls back: nothing was written.
                return Ok(replay);
            }
        }

        // After the replay: a retry of a create that succeeded replays even if the quoted post
        // was deleted since.
        if let Some(reply_to) = new_post.reply_to {
            let live: Option<i32> = sqlx::query_scalar(
                "SELECT 1 FROM posts WHERE id = $1 AND group_id = $2 AND timeline = $3
                   AND system IS NULL AND deleted_at_ms IS NULL",
            )
            .bind(reply_to)
            .bind(group_id)
            .bind(timeline.as_str())
            .fetch_optional(tx.conn())
            .await?;
            if live.is_none() {
                return Err(Refusal::Field("reply_to", ErrorCode::FieldInvalid).into());
            }
        }
        let mentions = check_mentions(tx.conn(), group_id, timeline, &new_post.mentions).await?;

        // The id's embedded timestamp is the creation time, so id order and time order agree.
        let post_id = Uuid::now_v7();
        let created_at_ms = post_id
            .get_timestamp()
            .map(|t| {
                let (secs, nanos) = t.to_unix();
                (secs * 1000 + u64::from(nanos) / 1_000_000) as i64
            })
            .unwrap_or_else(now_ms);

        sqlx::query(
            "INSERT INTO posts (id, group_id, author_id, body, search_text, created_at_ms, timeline,
                                importance, reply_to_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(post_id)
        .bind(group_id)
        .bind(author)
        .bind(&new_post.body)
        .bind(crate::db::search_text(&new_post.body))
        .bind(created_at_ms)
        .bind(timeline.as_str())
        .bind(new_post.importance.unwrap_or_default().as_str())
        .bind(new_post.reply_to)
        .execute(tx.conn())
        .await?;
        store_mentions(tx.conn(), post_id, &mentions).await?;
        super::media::attach(
            tx.conn(),
            author,
            group_id,
            timeline,
            post_id,
            &new_post.attachments,
            max_post_bytes,
        )
        .await?;
        sqlx::query(
            "UPDATE groups SET last_post_at_ms = GREATEST(COALESCE(last_post_at_ms, 0), $1)
             WHERE id = $2",
        )
        .bind(created_at_ms)
        .bind(group_id)
        .execute(tx.conn())
        .await?;
        // A new post: nobody has read or acknowledged it, so the caller's view and everyone's
        // (the event) are the same.
        let post = fetch_post(tx.conn(), None, group_id, post_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the inserted post is missing"))?
            .into_post();
        let body = serde_json::to_string(&post).map_err(anyhow::Error::from)?;
        let status = 201;

        if let Some((key, _)) = &key {
            sqlx::query(
                "UPDATE idempotency_keys SET status = $3, response_body = $4
                 WHERE user_id = $1 AND key = $2",
            )
            .bind(author)
            .bind(key)
            .bind(i64::from(status))
            .bind(&body)
            .execute(tx.conn())
            .await?;
        }
        tx.event(group_id, Some(timeline), &LiveEvent::PostCreated(post));
        tx.audit(audit(post_id)).await?;
        tx.commit().await?;
        Ok(CreatedPost {
            status,
            body,
            group_id,
            post_id,
            replayed: false,
        })
    }
}
