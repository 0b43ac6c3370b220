//! Post rows and the one place that turns them into wire `Post`s (with their counts, reply
//! quote and mentions), and the timeline queries over them.

use sqlx::types::uuid::fmt::Hyphenated;
use sqlx::SqliteExecutor;
use tsunagu_api::{ErrorCode, Importance, LiveEvent, Post, Timeline, MAX_MENTIONS};
use uuid::Uuid;

use super::write_tx::WriteTx;
use super::SqliteStore;
use crate::domain::membership::Denied;
use crate::store::rows::StoredResponse;
pub use crate::store::rows::{PostInGroupRow, PostRow};
use crate::store::{CreatePost, CreatedPost, PageAt, Refusal, StoreError, TimelinePage};
use crate::time::now_ms;

/// Posts with everything a `Post` shows joined in, so a page is ONE query: the author (and,
/// for system entries, the subject), the quoted post, and per-post counts and mentions as
/// correlated subqueries on primary keys — evaluated only for the rows the LIMIT keeps, never
/// a query per post. Its one bind is the viewer (for `acked_by_me`; NULL for nobody); callers
/// bind it first and append the `WHERE`.
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
        EXISTS (SELECT 1 FROM post_acks a WHERE a.post_id = p.id AND a.user_id = ?)
            AS acked_by_me,
        (SELECT json_group_array(json_object('user_id', mu.id, 'display_name', mu.display_name))
         FROM post_mentions pm JOIN users mu ON mu.id = pm.user_id
         WHERE pm.post_id = p.id) AS mentions
    FROM posts p
    JOIN users u ON u.id = p.author_id
    LEFT JOIN facilities f ON f.id = u.facility_id
    LEFT JOIN users su ON su.id = json_extract(p.system, '$.subject_id')
    LEFT JOIN facilities sf ON sf.id = su.facility_id
    LEFT JOIN posts rp ON rp.id = p.reply_to_id
    LEFT JOIN users rpu ON rpu.id = rp.author_id";

/// [`SELECT_POSTS_FROM`] with extra leading columns; their binds come before the viewer's.
pub fn select_posts_with(extra_columns: &str) -> String {
    SELECT_POSTS_FROM.replacen("SELECT ", &format!("SELECT {extra_columns}, "), 1)
}

/// The group's name as the viewer sees it (a direct message is named after the other person),
/// for queries that join `groups g`; one bind, the viewer.
pub const GROUP_NAME_COLUMN: &str = "CASE WHEN g.kind = 'direct' THEN
        COALESCE((SELECT ou.display_name FROM group_members o JOIN users ou ON ou.id = o.user_id
                  WHERE o.group_id = g.id AND o.user_id <> ? LIMIT 1), g.name)
        ELSE g.name END AS group_name";

/// One post of a group as `viewer` sees it (`None`: as nobody in particular, for events).
pub async fn fetch_post(
    db: impl SqliteExecutor<'_>,
    viewer: Option<Uuid>,
    group_id: Uuid,
    post_id: Uuid,
) -> Result<Option<PostRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "{SELECT_POSTS_FROM} WHERE p.group_id = ? AND p.id = ?"
    ))
    .bind(viewer.map(|v| v.hyphenated()))
    .bind(group_id.hyphenated())
    .bind(post_id.hyphenated())
    .fetch_optional(db)
    .await?)
}

/// One timeline of one group; binds are the viewer, the group id and the timeline.
pub fn select_posts(min_importance: Importance) -> String {
    // Spelled to match the partial index posts_important, which then serves the range scan.
    let importance = match min_importance {
        Importance::Normal => "",
        Importance::Important => " AND p.importance <> 'normal'",
        Importance::Urgent => " AND p.importance <> 'normal' AND p.importance = 'urgent'",
    };
    format!("{SELECT_POSTS_FROM} WHERE p.group_id = ? AND p.timeline = ?{importance}")
}

#[derive(Debug, Clone, Copy)]
pub enum Direction {
    /// No cursor: the newest posts.
    Newest,
    Before,
    After,
}

/// A page query; binds are the viewer, group id and timeline, then (for a cursor) ms, ms, id,
/// then the row limit. Each is a range scan of posts_by_timeline (group_id, timeline,
/// created_at_ms, id) — or of posts_important with `min_importance` — in the page's order:
/// the `created_at_ms <=`/`>=` bound is the index range, the OR breaks ties on the id.
pub fn timeline_sql(direction: Direction, min_importance: Importance) -> String {
    let select_posts = select_posts(min_importance);
    match direction {
        Direction::Newest => {
            format!("{select_posts} ORDER BY p.created_at_ms DESC, p.id DESC LIMIT ?")
        }
        Direction::Before => format!(
            "{select_posts} AND p.created_at_ms <= ? AND (p.created_at_ms < ? OR p.id < ?)
             ORDER BY p.created_at_ms DESC, p.id DESC LIMIT ?"
        ),
        Direction::After => format!(
            "{select_posts} AND p.created_at_ms >= ? AND (p.created_at_ms > ? OR p.id > ?)
             ORDER BY p.created_at_ms ASC, p.id ASC LIMIT ?"
        ),
    }
}

/// A timeline row with the viewer's read marker of the timeline beside it.
#[derive(sqlx::FromRow)]
struct PageRow {
    read_up_to: Option<Hyphenated>,
    #[sqlx(flatten)]
    post: PostRow,
}

impl SqliteStore {
    pub async fn timeline_page(
        &self,
        viewer: Uuid,
        group_id: Uuid,
        timeline: Timeline,
        at: PageAt,
        min_importance: Importance,
        limit: i64,
    ) -> Result<TimelinePage, StoreError> {
        let (direction, cursor) = match at {
            PageAt::Newest => (Direction::Newest, None),
            PageAt::Before(c) => (Direction::Before, Some(c)),
            PageAt::After(c) => (Direction::After, Some(c)),
        };
        // The read marker comes with the page, as a column (SQLite evaluates the uncorrelated
        // subquery once): one round trip to the database thread instead of two.
        let sql = timeline_sql(direction, min_importance).replacen(
            "SELECT ",
            "SELECT (SELECT up_to_id FROM read_markers
                     WHERE group_id = ? AND user_id = ? AND timeline = ?) AS read_up_to, ",
            1,
        );
        let mut query = sqlx::query_as(&sql)
            .bind(group_id.hyphenated())
            .bind(viewer.hyphenated())
            .bind(timeline.as_str())
            .bind(viewer.hyphenated())
            .bind(group_id.hyphenated())
            .bind(timeline.as_str());
        if let Some(c) = cursor {
            query = query.bind(c.ms).bind(c.ms).bind(c.id.hyphenated());
        }
        let rows: Vec<PageRow> = query.bind(limit).fetch_all(&self.read).await?;
        let read_up_to = match rows.first() {
            Some(row) => row.read_up_to,
            // An empty page: the marker on its own.
            None => {
                sqlx::query_scalar(
                    "SELECT up_to_id FROM read_markers
                     WHERE group_id = ? AND user_id = ? AND timeline = ?",
                )
                .bind(group_id.hyphenated())
                .bind(viewer.hyphenated())
                .bind(timeline.as_str())
                .fetch_optional(&self.read)
                .await?
            }
        };
        Ok(TimelinePage {
            posts: rows
                .into_iter()
                .map(|r| {
                    let cursor = r.post.cursor();
                    (r.post.into_post(), cursor)
                })
                .collect(),
            read_up_to: read_up_to.map(Hyphenated::into_uuid),
        })
    }

    pub async fn post(
        &self,
        viewer: Uuid,
        group_id: Uuid,
        post_id: Uuid,
    ) -> Result<Option<Post>, StoreError> {
        Ok(fetch_post(&self.read, Some(viewer), group_id, post_id)
            .await?
            .map(PostRow::into_post))
    }
}

/// Mentioned users, deduplicated in the order given; each must be a member who may read
/// `timeline` (in `family`, everyone; in `care`, professionals), at most [`MAX_MENTIONS`].
pub async fn check_mentions(
    db: impl SqliteExecutor<'_>,
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
    let ids = serde_json::to_string(&unique).map_err(anyhow::Error::from)?;
    let readers: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM group_members
         WHERE group_id = ? AND user_id IN (SELECT value FROM json_each(?))
           AND (role <> 'family' OR ? = 'family')",
    )
    .bind(group_id.hyphenated())
    .bind(&ids)
    .bind(timeline.as_str())
    .fetch_one(db)
    .await?;
    if usize::try_from(readers).ok() != Some(unique.len()) {
        return Err(invalid);
    }
    Ok(unique)
}

/// Replaces a post's mentions (one statement for the whole list).
pub async fn store_mentions(
    conn: &mut sqlx::SqliteConnection,
    post_id: Uuid,
    mentions: &[Uuid],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM post_mentions WHERE post_id = ?")
        .bind(post_id.hyphenated())
        .execute(&mut *conn)
        .await?;
    if !mentions.is_empty() {
        let ids = serde_json::to_string(mentions).map_err(anyhow::Error::from)?;
        sqlx::query(
            "INSERT INTO post_mentions (post_id, user_id) SELECT ?, value FROM json_each(?)",
        )
        .bind(post_id.hyphenated())
        .bind(ids)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Refuses a write by someone no longer a member (404, as for any group they are not in) or to
/// a group archived by now (409). The handler's membership was read before the write lock and
/// may predate a removal or an archiving; read here, on the write connection where those also
/// run, both stay as read until our commit, so nothing lands after the removal or the archive
/// entry (PostgreSQL reads the same under the group's row lock).
pub async fn require_writer(
    conn: &mut sqlx::SqliteConnection,
    group_id: Uuid,
    user: Uuid,
) -> Result<(), StoreError> {
    let row: Option<(bool, bool)> = sqlx::query_as(
        "SELECT g.archived,
                EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = g.id AND m.user_id = ?)
         FROM groups g WHERE g.id = ?",
    )
    .bind(user.hyphenated())
    .bind(group_id.hyphenated())
    .fetch_optional(conn)
    .await?;
    match row {
        None | Some((_, false)) => Err(Denied::NotFound.into()),
        Some((true, true)) => Err(Denied::Archived.into()),
        Some((false, true)) => Ok(()),
    }
}

impl SqliteStore {
    pub async fn create_post(&self, cmd: CreatePost<'_>) -> Result<CreatedPost, StoreError> {
        let CreatePost {
            author,
            group_id,
            timeline,
            post: new_post,
            idempotency,
            audit,
        } = cmd;
        // IMMEDIATE takes the write lock up front: the key lookup and the inserts see one state,
        // and a concurrent retry with the same key waits, then replays.
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        require_writer(tx.conn(), group_id, author).await?;

        if let Some((key, fingerprint)) = idempotency {
            let stored: Option<StoredResponse> = sqlx::query_as(
                "SELECT fingerprint, status, response_body FROM idempotency_keys
                 WHERE user_id = ? AND key = ?",
            )
            .bind(author.hyphenated())
            .bind(key.hyphenated())
            .fetch_optional(tx.conn())
            .await?;
            if let Some(stored) = stored {
                // Dropping `tx` rolls back: nothing was written.
                if stored.fingerprint != fingerprint {
                    return Err(Refusal::IdempotencyKeyReused.into());
                }
                let post: Post = serde_json::from_str(&stored.response_body)
                    .map_err(|e| anyhow::anyhow!("stored idempotent response unreadable: {e}"))?;
                let status = u16::try_from(stored.status).map_err(anyhow::Error::from)?;
                return Ok(CreatedPost {
                    status,
                    body: stored.response_body,
                    group_id: post.group_id,
                    post_id: post.id,
                });
            }
        }

        // Checked under the write lock (after the replay: a retry of a create that succeeded
        // replays even if the quoted post was deleted since), so a concurrent delete cannot slip
        // between the check and the insert.
        if let Some(reply_to) = new_post.reply_to {
            let live: Option<i64> = sqlx::query_scalar(
                "SELECT 1 FROM posts WHERE id = ? AND group_id = ? AND timeline = ?
                   AND system IS NULL AND deleted_at_ms IS NULL",
            )
            .bind(reply_to.hyphenated())
            .bind(group_id.hyphenated())
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
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(post_id.hyphenated())
        .bind(group_id.hyphenated())
        .bind(author.hyphenated())
        .bind(&new_post.body)
        .bind(crate::db::search_text(&new_post.body))
        .bind(created_at_ms)
        .bind(timeline.as_str())
        .bind(new_post.importance.unwrap_or_default().as_str())
        .bind(new_post.reply_to.map(|r| r.hyphenated()))
        .execute(tx.conn())
        .await?;
        store_mentions(tx.conn(), post_id, &mentions).await?;
        sqlx::query(
            "UPDATE groups SET last_post_at_ms = MAX(COALESCE(last_post_at_ms, 0), ?) WHERE id = ?",
        )
        .bind(created_at_ms)
        .bind(group_id.hyphenated())
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

        if let Some((key, fingerprint)) = idempotency {
            sqlx::query(
                "INSERT INTO idempotency_keys
                     (user_id, key, fingerprint, status, response_body, created_at_ms)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(author.hyphenated())
            .bind(key.hyphenated())
            .bind(fingerprint)
            .bind(i64::from(status))
            .bind(&body)
            .bind(now_ms())
            .execute(tx.conn())
            .await?;
        }
        tx.event(group_id, Some(timeline), &LiveEvent::PostCreated(post))
            .await?;
        tx.audit(audit(post_id)).await?;
        tx.commit().await?;
        Ok(CreatedPost {
            status,
            body,
            group_id,
            post_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every page is an index range scan in index order: no full scan, no sort, no OFFSET;
    /// the per-post counts, acknowledgement, mentions and quoted post are primary-key lookups.
    #[tokio::test]
    async fn timeline_queries_use_the_keyset_index() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let db = crate::db::connect_sqlite(&url).await.unwrap();
        for importance in [
            Importance::Normal,
            Importance::Important,
            Importance::Urgent,
        ] {
            for direction in [Direction::Newest, Direction::Before, Direction::After] {
                let case = format!("{direction:?} {importance:?}");
                let sql = format!("EXPLAIN QUERY PLAN {}", timeline_sql(direction, importance));
                let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(&sql)
                    .bind("viewer")
                    .bind("g")
                    .bind("care");
                if !matches!(direction, Direction::Newest) {
                    query = query.bind(1_i64).bind(1_i64).bind("id");
                }
                let plan: Vec<String> = query
                    .bind(51_i64)
                    .fetch_all(&db.read)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|(.., detail)| detail)
                    .collect();
                let plan = plan.join("\n");
                let index = if importance == Importance::Normal {
                    "posts_by_timeline"
                } else {
                    "posts_important"
                };
                assert!(
                    plan.contains(&format!(
                        "SEARCH p USING INDEX {index} (group_id=? AND timeline=?"
                    )),
                    "{case}: {plan}"
                );
                assert!(!plan.contains("TEMP B-TREE"), "{case}: {plan}");
                if !matches!(direction, Direction::Newest) {
                    assert!(plan.contains("created_at_ms"), "{case}: {plan}");
                }
                for table in ["r", "a", "pm", "rp", "mu"] {
                    assert!(
                        !plan.contains(&format!("SCAN {table}\n"))
                            && !plan.ends_with(&format!("SCAN {table}")),
                        "{case}: {table} is scanned: {plan}"
                    );
                }
                assert!(
                    plan.contains("SEARCH rp USING INDEX sqlite_autoindex_posts_1 (id=?)"),
                    "{case}: {plan}"
                );
            }
        }
    }
}
