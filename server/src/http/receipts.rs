//! Who read and who acknowledged a post (既読・見ました), acknowledging, and the caller's list
//! of urgent posts still waiting for their acknowledgement.

use axum::extract::{Path, State};
use sqlx::types::uuid::fmt::Hyphenated;
use tsunagu_api::{
    AckUpdate, Author, LiveEvent, Post, PostReceipts, Problem, Profession, Receipt, UrgentItem,
    UrgentList,
};

use super::access::membership;
use super::extract::{parse_id, ClientIp};
use super::posts::{fetch_post, select_posts_with, PostInGroupRow, GROUP_NAME_COLUMN};
use super::{AppState, AuthUser, Error};
use crate::audit::{self, Action, Entry};
use crate::events;
use crate::time::{from_ms, now_ms};

/// Most urgent posts listed at once.
const MAX_URGENT: i64 = 100;

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: Hyphenated,
    display_name: String,
    profession: String,
    facility_name: Option<String>,
    at_ms: Option<i64>,
}

impl PersonRow {
    fn author(self) -> Author {
        Author {
            id: self.id.into_uuid(),
            display_name: self.display_name,
            profession: Profession::parse(&self.profession),
            facility_name: self.facility_name,
        }
    }

    fn receipt(self) -> Receipt {
        let at = from_ms(self.at_ms.unwrap_or_default());
        Receipt {
            user: self.author(),
            at,
        }
    }
}

/// Who did it (`table` is `post_reads` or `post_acks`, `at` its time column), oldest first.
fn done_sql(table: &str, at: &str) -> String {
    format!(
        "SELECT u.id, u.display_name, u.profession, f.name AS facility_name, x.{at} AS at_ms
         FROM {table} x
         JOIN users u ON u.id = x.user_id
         LEFT JOIN facilities f ON f.id = u.facility_id
         WHERE x.post_id = ?
         ORDER BY x.{at}, u.id"
    )
}

/// Current members who may read the post's timeline, other than its author, who have not done
/// it. Binds: group, timeline, author, post.
fn not_done_sql(table: &str) -> String {
    format!(
        "SELECT u.id, u.display_name, u.profession, f.name AS facility_name, NULL AS at_ms
         FROM group_members m
         JOIN users u ON u.id = m.user_id
         LEFT JOIN facilities f ON f.id = u.facility_id
         WHERE m.group_id = ? AND (m.role <> 'family' OR ? = 'family') AND m.user_id <> ?
           AND NOT EXISTS (SELECT 1 FROM {table} x WHERE x.post_id = ? AND x.user_id = m.user_id)
         ORDER BY u.display_name_kana, u.id"
    )
}

/// Who read and who acknowledged a post, and who has not yet: members who may read its
/// timeline, the author excluded.
#[utoipa::path(
    get,
    path = "/api/v1/groups/{group_id}/posts/{post_id}/receipts",
    tag = "posts",
    security(("bearer" = [])),
    params(
        ("group_id" = Uuid, Path, description = "Group id"),
        ("post_id" = Uuid, Path, description = "Post id"),
    ),
    responses(
        (status = 200, description = "Readers and acknowledgers (oldest first), and the members still missing", body = PostReceipts),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 404, description = "No such post in a timeline the caller may read, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_receipts(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path((group_id, post_id)): Path<(String, String)>,
) -> Result<axum::Json<PostReceipts>, Error> {
    let group_id = parse_id(&group_id)?;
    let post_id = parse_id(&post_id)?;
    let me = membership(&state.db, group_id, auth.user_id).await?;
    // One read transaction: the four lists describe one moment.
    let mut tx = state.writer.begin().await?;
    let row = fetch_post(&mut *tx, None, group_id, post_id)
        .await?
        .ok_or(Error::NotFound)?;
    me.require_timeline(row.timeline())?;
    let timeline = row.timeline();
    let author = row.author_id();
    let mut lists = Vec::new();
    for (table, at) in [("post_reads", "read_at_ms"), ("post_acks", "acked_at_ms")] {
        let done: Vec<PersonRow> = sqlx::query_as(&done_sql(table, at))
            .bind(post_id.hyphenated())
            .fetch_all(&mut *tx)
            .await?;
        let missing: Vec<PersonRow> = sqlx::query_as(&not_done_sql(table))
            .bind(group_id.hyphenated())
            .bind(timeline.as_str())
            .bind(author.hyphenated())
            .bind(post_id.hyphenated())
            .fetch_all(&mut *tx)
            .await?;
        lists.push((done, missing));
    }
    audit::record(
        &mut *tx,
        Entry::new(Action::PostReceiptsRead, Some(auth.user_id), ip)
            .group(group_id)
            .target(post_id),
    )
    .await?;
    tx.commit().await?;
    let (acks, reads) = (lists.pop(), lists.pop());
    let (Some((read, not_read)), Some((acknowledged, not_acknowledged))) = (reads, acks) else {
        return Err(anyhow::anyhow!("receipt lists missing").into());
    };
    Ok(axum::Json(PostReceipts {
        post_id,
        read: read.into_iter().map(PersonRow::receipt).collect(),
        acknowledged: acknowledged.into_iter().map(PersonRow::receipt).collect(),
        not_read: not_read.into_iter().map(PersonRow::author).collect(),
        not_acknowledged: not_acknowledged
            .into_iter()
            .map(PersonRow::author)
            .collect(),
    }))
}

/// Acknowledges a post (見ました). Idempotent: acknowledging again changes nothing. Open event
/// streams get `ack.updated` the first time.
#[utoipa::path(
    put,
    path = "/api/v1/groups/{group_id}/posts/{post_id}/ack",
    tag = "posts",
    security(("bearer" = [])),
    params(
        ("group_id" = Uuid, Path, description = "Group id"),
        ("post_id" = Uuid, Path, description = "Post id"),
    ),
    responses(
        (status = 200, description = "The post, `acked_by_me` true", body = Post),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 403, description = "A system entry cannot be acknowledged (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post in a timeline the caller may read, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The post is deleted (`post_deleted`) or the group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn ack_post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path((group_id, post_id)): Path<(String, String)>,
) -> Result<axum::Json<Post>, Error> {
    let group_id = parse_id(&group_id)?;
    let post_id = parse_id(&post_id)?;
    let me = membership(&state.db, group_id, auth.user_id).await?;
    // Under the write lock, so a concurrent delete cannot slip in between check and insert.
    let mut tx = state.writer.begin().await?;
    let row = fetch_post(&mut *tx, None, group_id, post_id)
        .await?
        .ok_or(Error::NotFound)?;
    me.require_timeline(row.timeline())?;
    if row.is_system() {
        return Err(Error::Forbidden);
    }
    if row.is_deleted() {
        return Err(Error::PostDeleted);
    }
    // An archived group is read-only for acknowledgements too.
    me.require_writable()?;
    let timeline = row.timeline();
    let now = now_ms();
    let inserted = sqlx::query(
        "INSERT INTO post_acks (post_id, user_id, acked_at_ms) VALUES (?, ?, ?)
         ON CONFLICT (post_id, user_id) DO NOTHING",
    )
    .bind(post_id.hyphenated())
    .bind(auth.user_id.hyphenated())
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let post = fetch_post(&mut *tx, Some(auth.user_id), group_id, post_id)
        .await?
        .ok_or(Error::NotFound)?
        .into_post();
    let event = if inserted == 1 {
        let update = AckUpdate {
            group_id,
            timeline,
            post_id,
            user: crate::store::sqlite::author_in(&mut *tx, auth.user_id).await?,
            ack_count: post.ack_count,
            at: from_ms(now),
        };
        Some(
            events::append(
                &mut *tx,
                group_id,
                Some(timeline),
                &LiveEvent::AckUpdated(update),
            )
            .await?,
        )
    } else {
        None
    };
    audit::record(
        &mut *tx,
        Entry::new(Action::PostAck, Some(auth.user_id), ip)
            .group(group_id)
            .target(post_id),
    )
    .await?;
    tx.commit().await?;
    state.live.publish_all(event);
    Ok(axum::Json(post))
}

/// The urgent list; binds: viewer (group name), viewer (`acked_by_me`), caller (membership).
/// Per group of the caller's, a range of the partial index posts_urgent; then the few urgent
/// posts are sorted.
pub(super) fn urgent_sql() -> String {
    format!(
        "{} JOIN groups g ON g.id = p.group_id
         JOIN group_members m ON m.group_id = p.group_id AND m.user_id = ?
         WHERE p.importance = 'urgent' AND p.deleted_at_ms IS NULL
           AND p.author_id <> m.user_id AND (m.role <> 'family' OR p.timeline = 'family')
           AND NOT EXISTS (SELECT 1 FROM post_acks ua
                           WHERE ua.post_id = p.id AND ua.user_id = m.user_id)
         ORDER BY p.created_at_ms, p.id LIMIT {MAX_URGENT}",
        select_posts_with(GROUP_NAME_COLUMN)
    )
}

/// Urgent posts waiting for the caller's acknowledgement, across the caller's groups: urgent,
/// not deleted, not written by the caller, in timelines the caller may read; oldest first, at
/// most 100.
#[utoipa::path(
    get,
    path = "/api/v1/urgent",
    tag = "posts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Urgent posts not yet acknowledged by the caller, oldest first", body = UrgentList),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_urgent(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
) -> Result<axum::Json<UrgentList>, Error> {
    let me = auth.user_id.hyphenated();
    let rows: Vec<PostInGroupRow> = sqlx::query_as(&urgent_sql())
        .bind(me)
        .bind(me)
        .bind(me)
        .fetch_all(&state.db)
        .await?;
    state
        .writer
        .audit(Entry::new(Action::UrgentRead, Some(auth.user_id), ip))
        .await?;
    Ok(axum::Json(UrgentList {
        items: rows
            .into_iter()
            .map(|r| UrgentItem {
                group_name: r.group_name,
                post: r.post.into_post(),
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The urgent list starts from the caller's memberships and reaches posts through the
    /// partial urgent index, never scanning posts.
    #[tokio::test]
    async fn the_urgent_list_uses_the_urgent_index() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let db = crate::db::connect(&url).await.unwrap();
        let plan: Vec<String> = sqlx::query_as::<_, (i64, i64, i64, String)>(&format!(
            "EXPLAIN QUERY PLAN {}",
            urgent_sql()
        ))
        .bind("u")
        .bind("u")
        .bind("u")
        .fetch_all(&db.read)
        .await
        .unwrap()
        .into_iter()
        .map(|(.., detail)| detail)
        .collect();
        let plan = plan.join("\n");
        assert!(plan.contains("USING INDEX posts_urgent"), "{plan}");
        assert!(plan.contains("group_members_by_user"), "{plan}");
        assert!(
            !plan.contains("SCAN p\n") && !plan.ends_with("SCAN p"),
            "{plan}"
        );
        assert!(!plan.contains("SCAN ua"), "{plan}");
    }
}
