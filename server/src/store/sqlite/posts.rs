//! Post rows and the one place that turns them into wire `Post`s (with their counts, reply
//! quote and mentions), and the timeline queries over them.

use std::sync::LazyLock;

use sqlx::types::uuid::fmt::Hyphenated;
use sqlx::SqliteExecutor;
use tsunagu_api::{
    ErrorCode, Importance, LiveEvent, Post, Profession, SystemEventKind, Timeline, MAX_MENTIONS,
};
use uuid::Uuid;

use super::users::{session_owner, SELECT_SESSION_OWNER};
use super::write_tx::WriteTx;
use super::SqliteStore;
use crate::cursor::Cursor;
use crate::domain::membership::Denied;
use crate::store::id::Id;
use crate::store::rows::{MembershipRow, SessionRow, StoredResponse, SELECT_MEMBERSHIP};
pub use crate::store::rows::{PostInGroupRow, PostRow};
use crate::store::{
    CreatePost, CreatedPost, PageAt, Refusal, SessionPage, StoreError, TimelinePage,
};
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
         WHERE pm.post_id = p.id) AS mentions,
        (SELECT json_group_array(json_object('id', m.id, 'kind', m.kind,
                    'content_type', m.content_type, 'name', m.name, 'size', m.size,
                    'width', m.width, 'height', m.height,
                    'thumbnail', json(CASE WHEN m.thumbnail_key IS NOT NULL
                                           THEN 'true' ELSE 'false' END)))
         FROM (SELECT * FROM media m WHERE m.post_id = p.id AND m.poster_for IS NULL
               ORDER BY m.position) AS m) AS attachments
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

/// `'a', 'b', …`: the wire names of an enum, for `IN (…)`.
fn wire_list(names: impl IntoIterator<Item = &'static str>) -> String {
    names
        .into_iter()
        .map(|name| format!("'{name}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A millisecond column as `rfc3339_millis` writes it (`2026-01-02T03:04:05.678Z`).
fn rfc3339_millis(ms: &str) -> String {
    let frac = format!("((({ms}) % 1000 + 1000) % 1000)");
    format!(
        "(strftime('%Y-%m-%dT%H:%M:%S', (({ms}) - {frac}) / 1000, 'unixepoch')
          || printf('.%03dZ', {frac}))"
    )
}

/// The wire `Author` of a joined user and facility, as `serde_json` writes it.
fn author_json(user: &str, facility: &str) -> String {
    let professions = wire_list(Profession::ALL.iter().map(|p| p.as_str()));
    let other = Profession::Other.as_str();
    format!(
        "json_object('id', {user}.id, 'display_name', {user}.display_name,
            'profession', CASE WHEN {user}.profession IN ({professions})
                          THEN {user}.profession ELSE '{other}' END,
            'facility_name', {facility}.name)"
    )
}

/// One post of [`SELECT_POSTS_FROM`]'s joins (`p`, `u`, `f`, `su`, `sf`, `rp`, `rpu`) as the
/// JSON text of the wire `Post` that [`PostRow::into_post`] makes of the same row, byte for
/// byte as `serde_json` writes it: the same fields in the same order, the same fallbacks for
/// values the wire types do not know, and the same string escapes (SQLite's JSON writer and
/// serde_json escape alike). `?3` is the viewer. A test compares the two on every kind of post.
fn post_json() -> String {
    let timelines = wire_list(Timeline::ALL.iter().map(|t| t.as_str()));
    let default_timeline = Timeline::default().as_str();
    let importances = wire_list(Importance::ALL.iter().map(|i| i.as_str()));
    let default_importance = Importance::default().as_str();
    let kinds = wire_list(SystemEventKind::ALL.iter().map(|k| k.as_str()));
    let unknown = SystemEventKind::Unknown.as_str();
    let author = author_json("u", "f");
    let subject = author_json("su", "sf");
    let created_at = rfc3339_millis("p.created_at_ms");
    let edited_at = rfc3339_millis("p.edited_at_ms");
    let deleted_at = rfc3339_millis("p.deleted_at_ms");
    // `StoredSystem` reads: an object whose `kind` is a string and whose `detail` is a string,
    // null or missing; anything else is an unknown kind without detail.
    let stored = "(json_valid(p.system) AND json_type(p.system) = 'object'
                   AND json_type(p.system, '$.kind') = 'text'
                   AND IFNULL(json_type(p.system, '$.detail'), 'null') IN ('null', 'text'))";
    // Attachments as `Attachment` writes them: `width`/`height` only when known (both are, or
    // neither), and the key only when there are any (`skip_serializing_if`). It is appended as
    // text: the object ends with `acked_by_me`'s boolean, so `rtrim` takes off exactly its
    // closing brace, and nothing re-renders the rest.
    let attachment = |dims: &str| {
        format!(
            "json_object('id', m.id, 'kind', m.kind, 'content_type', m.content_type,
                'name', m.name, 'size', m.size{dims},
                'thumbnail', json(CASE WHEN m.thumbnail_key IS NOT NULL
                                       THEN 'true' ELSE 'false' END))"
        )
    };
    let with_dims = attachment(", 'width', m.width, 'height', m.height");
    let without_dims = attachment("");
    let attachments = format!(
        "(SELECT json_group_array(json(CASE WHEN m.width IS NOT NULL AND m.height IS NOT NULL
                                            THEN {with_dims} ELSE {without_dims} END))
          FROM (SELECT * FROM media m WHERE m.post_id = p.id AND m.poster_for IS NULL
                ORDER BY m.position) AS m)"
    );
    format!(
        "rtrim(json_object(
            'id', p.id,
            'group_id', p.group_id,
            'author', {author},
            'body', CASE WHEN p.deleted_at_ms IS NULL THEN p.body ELSE '' END,
            'created_at', {created_at},
            'timeline', CASE WHEN p.timeline IN ({timelines}) THEN p.timeline
                        ELSE '{default_timeline}' END,
            'system', CASE WHEN p.system IS NOT NULL THEN json_object(
                'kind', CASE WHEN CASE WHEN json_valid(p.system) THEN {stored} END
                             THEN CASE WHEN json_extract(p.system, '$.kind') IN ({kinds})
                                       THEN json_extract(p.system, '$.kind')
                                       ELSE '{unknown}' END
                             ELSE '{unknown}' END,
                'actor', {author},
                'subject', CASE WHEN su.id IS NOT NULL AND su.display_name IS NOT NULL
                                     AND su.profession IS NOT NULL THEN {subject} END,
                'detail', CASE WHEN CASE WHEN json_valid(p.system) THEN {stored} END
                               THEN json_extract(p.system, '$.detail') END) END,
            'importance', CASE WHEN p.importance IN ({importances}) THEN p.importance
                          ELSE '{default_importance}' END,
            'reply_to', CASE WHEN p.deleted_at_ms IS NULL AND rp.id IS NOT NULL THEN json_object(
                'id', rp.id,
                'author_name', IFNULL(rpu.display_name, ''),
                'excerpt', CASE WHEN rp.deleted_at_ms IS NULL
                                THEN IFNULL(substr(rp.body, 1, 80), '') ELSE '' END,
                'deleted', json(CASE WHEN rp.deleted_at_ms IS NULL THEN 'false' ELSE 'true' END))
                END,
            'mentions', json(CASE WHEN p.deleted_at_ms IS NULL THEN
                (SELECT json_group_array(json_object('user_id', mu.id,
                                                     'display_name', mu.display_name))
                 FROM post_mentions pm JOIN users mu ON mu.id = pm.user_id
                 WHERE pm.post_id = p.id) ELSE '[]' END),
            'edited_at', CASE WHEN p.edited_at_ms IS NOT NULL THEN {edited_at} END,
            'deleted_at', CASE WHEN p.deleted_at_ms IS NOT NULL THEN {deleted_at} END,
            'version', CASE WHEN p.version BETWEEN 0 AND 4294967295 THEN p.version ELSE 1 END,
            'read_count', MIN((SELECT COUNT(*) FROM post_reads r
                               WHERE r.post_id = p.id AND r.user_id <> p.author_id), 4294967295),
            'ack_count', MIN((SELECT COUNT(*) FROM post_acks a WHERE a.post_id = p.id), 4294967295),
            'acked_by_me', json(CASE WHEN EXISTS (SELECT 1 FROM post_acks a
                                                  WHERE a.post_id = p.id AND a.user_id = ?3)
                                THEN 'true' ELSE 'false' END)), '}}')
          || IFNULL(',\"attachments\":' || CASE WHEN p.deleted_at_ms IS NULL
                AND EXISTS (SELECT 1 FROM media m WHERE m.post_id = p.id AND m.poster_for IS NULL)
                THEN {attachments} END, '') || '}}'"
    )
}

/// What a page query reads besides the page: see [`PAGE`] and [`SESSION_PAGE`].
struct PageQuery {
    /// Common table expressions before the page's own, each followed by a comma.
    with: &'static str,
    /// The viewer's id, for `acked_by_me` and the read marker.
    viewer: &'static str,
    /// The timeline read.
    timeline: &'static str,
    /// Columns before the page's, each followed by a comma.
    columns: &'static str,
    /// The `FROM` of those columns.
    from: &'static str,
}

/// A page on its own: ?2 is the timeline, ?3 the viewer.
const PAGE: PageQuery = PageQuery {
    with: "",
    viewer: "?3",
    timeline: "?2",
    columns: "",
    from: "",
};

/// A page with the session of token hash ?3 and its owner's membership of the group
/// ([`SessionPageRow`]): ?2 is the timeline asked for, or NULL for the membership's default.
/// The default mirrors `Membership::timelines()[0]` (`family` for family members, `care`
/// otherwise); the handler decides, and reads again in the rare case it disagrees.
const SESSION_PAGE: PageQuery = PageQuery {
    with: "s AS MATERIALIZED ({SELECT_SESSION_OWNER} ?3),
           m AS MATERIALIZED ({SELECT_MEMBERSHIP}
                              WHERE m.group_id = ?1 AND m.user_id = (SELECT user_id FROM s)),
           t AS MATERIALIZED (SELECT COALESCE(?2, CASE WHEN role = 'family' THEN 'family'
                                                       ELSE 'care' END) AS timeline FROM m),",
    viewer: "(SELECT user_id FROM s)",
    timeline: "(SELECT timeline FROM t)",
    columns: "s.user_id, s.profession, s.last_seen_ms, s.expires_at_ms,
              m.role, m.kind, m.archived, m.physician_rule, m.attending_physician_id,
              (SELECT timeline FROM t) AS page_timeline,",
    from: " FROM (SELECT 1) AS one LEFT JOIN s ON 1 LEFT JOIN m ON 1",
};

/// The page query of [`timeline_page_in`] (with [`PAGE`]) and [`session_timeline_page_in`]
/// (with [`SESSION_PAGE`]): ONE row with the read marker, whether more posts follow the page,
/// the cursor of its last post and the page's posts as one JSON array, so a page is one round
/// trip to the database thread and one value handed over (not one message and two dozen
/// values per post). Binds: ?1 group, ?4 page size, ?5 and ?6 the cursor's ms and id, ?2 and
/// ?3 as `query` says. The page's ids come from an index-only range scan of posts_by_timeline
/// (or posts_important) in page order, with their rowids (in the index too), so each post's
/// row is one lookup by rowid rather than two (the id's index, then the table).
fn page_json_sql(direction: Direction, min_importance: Importance, query: &PageQuery) -> String {
    let importance = match min_importance {
        Importance::Normal => "",
        Importance::Important => " AND p.importance <> 'normal'",
        Importance::Urgent => " AND p.importance <> 'normal' AND p.importance = 'urgent'",
    };
    let (range, order, reverse) = match direction {
        Direction::Newest => ("", "DESC", "ASC"),
        Direction::Before => (
            " AND p.created_at_ms <= ?5 AND (p.created_at_ms < ?5 OR p.id < ?6)",
            "DESC",
            "ASC",
        ),
        Direction::After => (
            " AND p.created_at_ms >= ?5 AND (p.created_at_ms > ?5 OR p.id > ?6)",
            "ASC",
            "DESC",
        ),
    };
    let PageQuery {
        with,
        viewer,
        timeline,
        columns,
        from,
    } = query;
    let with = with
        .replace("{SELECT_SESSION_OWNER}", SELECT_SESSION_OWNER)
        .replace("{SELECT_MEMBERSHIP}", SELECT_MEMBERSHIP);
    let page = format!(
        "FROM posts p WHERE p.group_id = ?1 AND p.timeline = {timeline}{importance}{range}
         ORDER BY p.created_at_ms {order}, p.id {order}"
    );
    let post = post_json().replace("?3", viewer);
    format!(
        "WITH {with} kept AS MATERIALIZED (SELECT p.rowid AS rid, p.id, p.created_at_ms {page} LIMIT ?4)
         SELECT {columns}
            (SELECT up_to_id FROM read_markers
             WHERE group_id = ?1 AND user_id = {viewer} AND timeline = {timeline}) AS read_up_to,
            (SELECT COUNT(*) FROM (SELECT 1 {page} LIMIT ?4 + 1)) > ?4 AS more,
            (SELECT created_at_ms FROM kept
             ORDER BY created_at_ms {reverse}, id {reverse} LIMIT 1) AS last_ms,
            (SELECT id FROM kept ORDER BY created_at_ms {reverse}, id {reverse} LIMIT 1) AS last_id,
            (SELECT '[' || IFNULL(group_concat({post}, ','
                                  ORDER BY k.created_at_ms {order}, k.id {order}), '') || ']'
             FROM kept k
             JOIN posts p ON p.rowid = k.rid
             JOIN users u ON u.id = p.author_id
             LEFT JOIN facilities f ON f.id = u.facility_id
             LEFT JOIN users su ON su.id = json_extract(p.system, '$.subject_id')
             LEFT JOIN facilities sf ON sf.id = su.facility_id
             LEFT JOIN posts rp ON rp.id = p.reply_to_id
             LEFT JOIN users rpu ON rpu.id = rp.author_id) AS items{from}"
    )
}

/// [`page_json_sql`]'s row.
#[derive(sqlx::FromRow)]
struct PageJsonRow {
    read_up_to: Option<Hyphenated>,
    more: bool,
    last_ms: Option<i64>,
    last_id: Option<Hyphenated>,
    items: String,
}

/// [`page_json_sql`] with [`SESSION_PAGE`]'s columns.
#[derive(sqlx::FromRow)]
struct SessionPageRow {
    user_id: Option<Id>,
    profession: Option<String>,
    last_seen_ms: Option<i64>,
    expires_at_ms: Option<i64>,
    role: Option<String>,
    kind: Option<String>,
    archived: Option<bool>,
    physician_rule: Option<String>,
    attending_physician_id: Option<Id>,
    page_timeline: Option<String>,
    #[sqlx(flatten)]
    page: PageJsonRow,
}

/// Page queries, built once: by direction, then by least importance.
type PageSql = LazyLock<[[String; 3]; 3]>;

fn page_sqls(query: &PageQuery) -> [[String; 3]; 3] {
    [Direction::Newest, Direction::Before, Direction::After].map(|direction| {
        [
            Importance::Normal,
            Importance::Important,
            Importance::Urgent,
        ]
        .map(|importance| page_json_sql(direction, importance, query))
    })
}

static PAGE_SQL: PageSql = LazyLock::new(|| page_sqls(&PAGE));
static SESSION_PAGE_SQL: PageSql = LazyLock::new(|| page_sqls(&SESSION_PAGE));

/// The query of a page at `at` of at least `min_importance` among `sqls`.
fn page_sql(sqls: &PageSql, at: PageAt, min_importance: Importance) -> (&str, Option<Cursor>) {
    let (direction, cursor) = match at {
        PageAt::Newest => (0, None),
        PageAt::Before(c) => (1, Some(c)),
        PageAt::After(c) => (2, Some(c)),
    };
    let importance = match min_importance {
        Importance::Normal => 0,
        Importance::Important => 1,
        Importance::Urgent => 2,
    };
    (&sqls[direction][importance], cursor)
}

impl PageJsonRow {
    fn into_page(self) -> TimelinePage {
        let next = match (self.more, self.last_ms, self.last_id) {
            (true, Some(ms), Some(id)) => Some(Cursor {
                ms,
                id: id.into_uuid(),
            }),
            _ => None,
        };
        TimelinePage {
            items_json: self.items,
            next,
            read_up_to: self.read_up_to.map(Hyphenated::into_uuid),
        }
    }
}

/// A page of a timeline as `viewer` sees it, `limit` posts at most (see
/// [`crate::store::Store::timeline_page`]).
pub async fn timeline_page_in(
    db: impl SqliteExecutor<'_>,
    viewer: Uuid,
    group_id: Uuid,
    timeline: Timeline,
    at: PageAt,
    min_importance: Importance,
    limit: i64,
) -> Result<TimelinePage, StoreError> {
    let (sql, cursor) = page_sql(&PAGE_SQL, at, min_importance);
    let mut query = sqlx::query_as(sql)
        .bind(group_id.hyphenated())
        .bind(timeline.as_str())
        .bind(viewer.hyphenated())
        .bind(limit);
    if let Some(c) = cursor {
        query = query.bind(c.ms).bind(c.id.hyphenated());
    }
    let row: PageJsonRow = query.fetch_one(db).await?;
    Ok(row.into_page())
}

/// See [`crate::store::Store::session_timeline_page`]: one statement.
pub async fn session_timeline_page_in(
    db: impl SqliteExecutor<'_>,
    token_hash: &str,
    group_id: Uuid,
    timeline: Option<Timeline>,
    at: PageAt,
    min_importance: Importance,
    limit: i64,
) -> Result<SessionPage, StoreError> {
    let (sql, cursor) = page_sql(&SESSION_PAGE_SQL, at, min_importance);
    let mut query = sqlx::query_as(sql)
        .bind(group_id.hyphenated())
        .bind(timeline.map(Timeline::as_str))
        .bind(token_hash)
        .bind(limit);
    if let Some(c) = cursor {
        query = query.bind(c.ms).bind(c.id.hyphenated());
    }
    let row: SessionPageRow = query.fetch_one(db).await?;
    let owner = match (
        row.user_id,
        row.profession,
        row.last_seen_ms,
        row.expires_at_ms,
    ) {
        (Some(user_id), Some(profession), Some(last_seen_ms), Some(expires_at_ms)) => {
            Some(session_owner(SessionRow {
                user_id,
                profession,
                last_seen_ms,
                expires_at_ms,
            }))
        }
        _ => None,
    };
    let membership = match (owner.is_some(), row.role, row.kind, row.archived) {
        (true, Some(role), Some(kind), Some(archived)) => Some(
            MembershipRow {
                role,
                kind,
                archived,
                physician_rule: row.physician_rule,
                attending_physician_id: row.attending_physician_id,
            }
            .into_membership(),
        ),
        _ => None,
    };
    let page = match (&membership, row.page_timeline.as_deref().map(str::parse)) {
        (Some(_), Some(Ok(timeline))) => Some((timeline, row.page.into_page())),
        _ => None,
    };
    Ok(SessionPage {
        owner,
        membership,
        page,
    })
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
        timeline_page_in(
            &self.read,
            viewer,
            group_id,
            timeline,
            at,
            min_importance,
            limit,
        )
        .await
    }

    pub async fn session_timeline_page(
        &self,
        token_hash: &str,
        group_id: Uuid,
        timeline: Option<Timeline>,
        at: PageAt,
        min_importance: Importance,
        limit: i64,
    ) -> Result<SessionPage, StoreError> {
        session_timeline_page_in(
            &self.read,
            token_hash,
            group_id,
            timeline,
            at,
            min_importance,
            limit,
        )
        .await
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
            max_post_bytes,
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
                    replayed: true,
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
            replayed: false,
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

    /// The page as SQLite writes it is the page as `PostRow::into_post` and serde_json write
    /// it, byte for byte: every kind of post (tombstones, edits, quotes of live and deleted
    /// posts, mentions, system entries of every stored shape, unknown professions, strings
    /// that need escaping, timestamps before 1970), every direction, importance and page size.
    #[tokio::test]
    async fn the_page_json_is_what_serde_writes_for_the_posts() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("json.db").display());
        let db = crate::db::connect_sqlite(&url).await.unwrap();
        let w = db.writer.pool();
        let id = || Uuid::now_v7().hyphenated().to_string();
        let (fac, a, b, c, g) = (id(), id(), id(), id(), id());
        let odd = "q\"b\\s/\u{1}\u{8}\u{c}\n\r\t\u{1f}\u{7f} 😀 ü ' <tag> \u{2028}";
        sqlx::query(
            "INSERT INTO facilities (id, name, name_kana, kind, created_at_ms)
                     VALUES (?, ?, 'x', 'clinic', 0)",
        )
        .bind(&fac)
        .bind(format!("はなまる{odd}"))
        .execute(w)
        .await
        .unwrap();
        for (user, name, profession, facility) in [
            (&a, format!("看護 {odd}"), "nurse", Some(&fac)),
            (&b, "B".to_owned(), "astronaut", None),
            (&c, "家族".to_owned(), "family", None),
        ] {
            sqlx::query(
                "INSERT INTO users (id, login_id, password_hash, display_name, display_name_kana,
                                    profession, facility_id, created_at_ms)
                 VALUES (?, ?, 'x', ?, 'x', ?, ?, 0)",
            )
            .bind(user)
            .bind(user)
            .bind(name)
            .bind(profession)
            .bind(facility)
            .execute(w)
            .await
            .unwrap();
        }
        sqlx::query(
            "INSERT INTO groups (id, kind, name, created_by, created_at_ms)
             VALUES (?, 'patient', 'g', ?, 0)",
        )
        .bind(&g)
        .bind(&a)
        .execute(w)
        .await
        .unwrap();
        let long = "あいうえお".repeat(20) + odd;
        let systems = [
            format!(
                r#"{{"kind":"member_added","actor_id":"{a}","subject_id":"{b}","detail":null}}"#
            ),
            format!(
                r#"{{"kind":"role_changed","subject_id":"{a}","detail":{}}}"#,
                serde_json::to_string(&format!("admin {odd}")).unwrap()
            ),
            r#"{"kind":"no_such_kind","subject_id":"nobody"}"#.to_owned(),
            r#"{"kind":5}"#.to_owned(),
            r#"{"kind":"member_left","detail":7}"#.to_owned(),
            r#"{"detail":"x"}"#.to_owned(),
            r#"{"kind":"group_created","detail":"\ud83d\ude00 \u0001"}"#.to_owned(),
            "[1,2]".to_owned(),
            "\"text\"".to_owned(),
            "{}".to_owned(),
        ];
        // (timeline, ms, author, body, system, importance, reply_to index, edited, deleted)
        let mut posts: Vec<String> = Vec::new();
        let mut ms = -3_i64;
        for i in 0..40 {
            let post = id();
            let timeline = if i % 7 == 3 { "family" } else { "care" };
            let author = [&a, &b, &c][i % 3];
            let system = (i % 4 == 1).then(|| systems[(i / 4) % systems.len()].clone());
            let importance = ["normal", "important", "urgent", "normal"][i % 4];
            let reply = (i % 5 == 2).then(|| posts[i / 2].clone());
            let body = match i % 3 {
                0 => odd.to_owned(),
                1 => long.clone(),
                _ => format!("post {i}"),
            };
            // Ties: pairs of posts share a millisecond.
            if i % 2 == 0 {
                ms += [1, 999, 1_000, 1_001, 86_400_000][i % 5];
            }
            sqlx::query(
                "INSERT INTO posts (id, group_id, author_id, body, created_at_ms, timeline, system,
                                    importance, reply_to_id, edited_at_ms, deleted_at_ms, version)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&post)
            .bind(&g)
            .bind(author)
            .bind(if system.is_some() {
                String::new()
            } else {
                body
            })
            .bind(ms)
            .bind(timeline)
            .bind(&system)
            .bind(importance)
            .bind(reply)
            .bind((i % 6 == 4).then_some(ms + 12_345))
            .bind((i % 9 == 5).then_some(ms + 67_890))
            .bind(1 + (i % 3) as i64)
            .execute(w)
            .await
            .unwrap();
            for (k, user) in [&a, &b, &c].into_iter().enumerate() {
                if (i + k) % 3 == 0 {
                    sqlx::query("INSERT INTO post_mentions VALUES (?, ?)")
                        .bind(&post)
                        .bind(user)
                        .execute(w)
                        .await
                        .unwrap();
                }
                if (i + k) % 4 == 0 {
                    sqlx::query("INSERT INTO post_acks VALUES (?, ?, 0)")
                        .bind(&post)
                        .bind(user)
                        .execute(w)
                        .await
                        .unwrap();
                }
                if (i + k) % 2 == 0 {
                    sqlx::query("INSERT INTO post_reads VALUES (?, ?, 0)")
                        .bind(&post)
                        .bind(user)
                        .execute(w)
                        .await
                        .unwrap();
                }
            }
            posts.push(post);
        }
        sqlx::query("INSERT INTO read_markers VALUES (?, ?, 'care', 0, ?)")
            .bind(&g)
            .bind(&a)
            .bind(&posts[7])
            .execute(w)
            .await
            .unwrap();

        let group = Uuid::parse_str(&g).unwrap();
        let mut compared = 0;
        for viewer in [&a, &c] {
            let viewer = Uuid::parse_str(viewer).unwrap();
            for timeline in [Timeline::Care, Timeline::Family] {
                for importance in Importance::ALL.iter().copied() {
                    let all: Vec<PostRow> =
                        sqlx::query_as(&timeline_sql(Direction::Newest, importance))
                            .bind(viewer.hyphenated())
                            .bind(group.hyphenated())
                            .bind(timeline.as_str())
                            .bind(1000_i64)
                            .fetch_all(&db.read)
                            .await
                            .unwrap();
                    let mut ats = vec![(Direction::Newest, PageAt::Newest)];
                    for row in &all {
                        ats.push((Direction::Before, PageAt::Before(row.cursor())));
                        ats.push((Direction::After, PageAt::After(row.cursor())));
                    }
                    for (direction, at) in ats {
                        for limit in [1_i64, 2, 3, 100] {
                            let sql = timeline_sql(direction, importance);
                            let mut query = sqlx::query_as(&sql)
                                .bind(viewer.hyphenated())
                                .bind(group.hyphenated())
                                .bind(timeline.as_str());
                            if let PageAt::Before(c) | PageAt::After(c) = at {
                                query = query.bind(c.ms).bind(c.ms).bind(c.id.hyphenated());
                            }
                            let mut rows: Vec<PostRow> =
                                query.bind(limit + 1).fetch_all(&db.read).await.unwrap();
                            let next = (rows.len() > limit as usize).then(|| {
                                rows.truncate(limit as usize);
                                rows.last().unwrap().cursor()
                            });
                            let expected: Vec<Post> =
                                rows.into_iter().map(PostRow::into_post).collect();
                            let page = timeline_page_in(
                                &db.read, viewer, group, timeline, at, importance, limit,
                            )
                            .await
                            .unwrap();
                            let case = format!("{direction:?} {importance:?} {timeline:?} {limit}");
                            assert_eq!(
                                page.items_json,
                                serde_json::to_string(&expected).unwrap(),
                                "{case}"
                            );
                            assert_eq!(
                                page.next.map(|c| c.encode()),
                                next.map(|c| c.encode()),
                                "{case}"
                            );
                            let marker = (viewer.hyphenated().to_string() == a
                                && timeline == Timeline::Care)
                                .then(|| Uuid::parse_str(&posts[7]).unwrap());
                            assert_eq!(page.read_up_to, marker, "{case}");
                            compared += 1;
                        }
                    }
                }
            }
        }
        assert!(compared > 500, "{compared}");

        // The session, the membership and the page in one statement are what the three reads
        // return one by one: for a member, a family member, a non-member, a disabled user and
        // an unknown token, for each timeline asked for and none.
        let d = id();
        sqlx::query(
            "INSERT INTO users (id, login_id, password_hash, display_name, display_name_kana,
                                profession, created_at_ms, disabled)
             VALUES (?, ?, 'x', 'D', 'x', 'nurse', 0, 1)",
        )
        .bind(&d)
        .bind(&d)
        .execute(w)
        .await
        .unwrap();
        for (user, role) in [(&a, "admin"), (&c, "family"), (&d, "member")] {
            sqlx::query("INSERT INTO group_members VALUES (?, ?, ?, 0)")
                .bind(&g)
                .bind(user)
                .bind(role)
                .execute(w)
                .await
                .unwrap();
        }
        for user in [&a, &b, &c, &d] {
            sqlx::query("INSERT INTO sessions VALUES (?, ?, 1, 2, 3)")
                .bind(format!("hash of {user}"))
                .bind(user)
                .execute(w)
                .await
                .unwrap();
        }
        for user in [&a, &b, &c, &d, &"nobody".to_owned()] {
            let token_hash = format!("hash of {user}");
            for timeline in [None, Some(Timeline::Care), Some(Timeline::Family)] {
                let at = PageAt::Newest;
                let read = session_timeline_page_in(
                    &db.read,
                    &token_hash,
                    group,
                    timeline,
                    at,
                    Importance::Normal,
                    3,
                )
                .await
                .unwrap();
                let owner: Option<SessionRow> =
                    sqlx::query_as(&format!("{SELECT_SESSION_OWNER} ?"))
                        .bind(&token_hash)
                        .fetch_optional(&db.read)
                        .await
                        .unwrap();
                let owner = owner.map(session_owner);
                assert_eq!(format!("{:?}", read.owner), format!("{owner:?}"), "{user}");
                let membership = match &owner {
                    Some(o) => crate::store::sqlite::membership_in(&db.read, group, o.user_id)
                        .await
                        .unwrap(),
                    None => None,
                };
                assert_eq!(
                    format!("{:?}", read.membership),
                    format!("{membership:?}"),
                    "{user}"
                );
                match (owner, membership) {
                    (Some(o), Some(m)) => {
                        let expected_timeline = timeline.unwrap_or(m.timelines()[0]);
                        let expected = timeline_page_in(
                            &db.read,
                            o.user_id,
                            group,
                            expected_timeline,
                            at,
                            Importance::Normal,
                            3,
                        )
                        .await
                        .unwrap();
                        let (read_timeline, page) = read.page.expect("a member's page");
                        assert_eq!(read_timeline, expected_timeline, "{user}");
                        assert_eq!(page.items_json, expected.items_json, "{user}");
                        assert_eq!(
                            page.next.map(|c| c.encode()),
                            expected.next.map(|c| c.encode())
                        );
                        assert_eq!(page.read_up_to, expected.read_up_to, "{user}");
                    }
                    _ => assert!(read.page.is_none(), "{user}"),
                }
            }
        }
    }
}
