//! Changing a post after the fact: edit (with `If-Match`), soft delete, and the history that
//! keeps every version. Only the author changes a post; nothing is physically deleted.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use sqlx::types::uuid::fmt::Hyphenated;
use tsunagu_api::{
    Author, Importance, LiveEvent, MemberRole, Post, PostEdit, PostHistory, PostRevision, Problem,
    Profession, RevisionKind,
};
use uuid::Uuid;

use super::access::{membership, Membership};
use super::extract::{parse_id, ClientIp, Json};
use super::posts::{etag, fetch_post, PostRow};
use super::{AppState, AuthUser, Error};
use crate::audit::{self, Action, Entry};
use crate::events;
use crate::store::sqlite::posts::{check_mentions, store_mentions};
use crate::time::{from_ms, now_ms};

/// What an `If-Match` header asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum IfMatch {
    Absent,
    /// `*`: any current version (RFC 9110 §13.1.1).
    Any,
    /// The listed strong entity tags; anything unparsable (or weak) matches nothing.
    Tags(Vec<String>),
}

impl IfMatch {
    fn parse(headers: &HeaderMap) -> Self {
        let values: Vec<&str> = headers
            .get_all(header::IF_MATCH)
            .iter()
            .map(|v| v.to_str().unwrap_or(""))
            .collect();
        if values.is_empty() {
            return Self::Absent;
        }
        let tags: Vec<String> = values
            .iter()
            .flat_map(|v| v.split(','))
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        if tags.iter().any(|t| t == "*") {
            Self::Any
        } else {
            Self::Tags(tags)
        }
    }

    /// Strong comparison against `"<version>"`: `W/"3"` never matches (RFC 9110 §13.1.1).
    fn matches(&self, version: i64) -> bool {
        match self {
            Self::Absent | Self::Any => true,
            Self::Tags(tags) => {
                let current = format!("\"{version}\"");
                tags.contains(&current)
            }
        }
    }
}

/// The post in this group whose timeline the caller may read, as the caller sees it, or 404.
async fn readable_post(
    db: &mut sqlx::SqliteConnection,
    me: &Membership,
    caller: Uuid,
    group_id: Uuid,
    post_id: Uuid,
) -> Result<PostRow, Error> {
    let row = fetch_post(&mut *db, Some(caller), group_id, post_id)
        .await?
        .ok_or(Error::NotFound)?;
    me.require_timeline(row.timeline())?;
    Ok(row)
}

/// Only the author changes a post; system entries belong to nobody.
fn require_author(row: &PostRow, caller: Uuid) -> Result<(), Error> {
    if row.is_system() || row.author_id() != caller {
        Err(Error::Forbidden)
    } else {
        Ok(())
    }
}

/// The caller's post and everyone else's view of it (the event carries no one's ack).
fn views(row: PostRow) -> (Post, Post) {
    let mine = row.into_post();
    let shared = Post {
        acked_by_me: false,
        ..mine.clone()
    };
    (mine, shared)
}

/// Edits a post (its author): new text, and optionally a new importance and mention list.
///
/// Send the version you edited as `If-Match: "<version>"` (the post's `ETag`); if someone
/// changed it since, the answer is 412 and nothing changes. Every version is kept in the
/// history. Open event streams get `post.updated`.
#[utoipa::path(
    patch,
    path = "/api/v1/groups/{group_id}/posts/{post_id}",
    tag = "posts",
    security(("bearer" = [])),
    params(
        ("group_id" = Uuid, Path, description = "Group id"),
        ("post_id" = Uuid, Path, description = "Post id"),
        ("If-Match" = String, Header, description = "`\"<version>\"`: the version being edited (required)"),
    ),
    request_body = PostEdit,
    responses(
        (status = 200, description = "The edited post", body = Post,
            headers(("ETag" = String, description = "`\"<version>\"` of the new version"))),
        (status = 400, description = "Malformed JSON (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 403, description = "Not the author, or a system entry (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post in a timeline the caller may read, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The post is deleted (`post_deleted`), or the group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` is not the current version (`precondition_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not `application/json` (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long body (`post_empty`, `post_too_long`), or `mentions` not members who may read the timeline or more than 50 (`field_invalid`), with `errors`", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No `If-Match` (`precondition_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path((group_id, post_id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(edit): Json<PostEdit>,
) -> Result<Response, Error> {
    let group_id = parse_id(&group_id)?;
    let post_id = parse_id(&post_id)?;
    let me = membership(&state.db, group_id, auth.user_id).await?;
    let if_match = IfMatch::parse(&headers);

    // The write lock first: the version compared is the version replaced.
    let mut tx = state.writer.begin().await?;
    let row = readable_post(&mut tx, &me, auth.user_id, group_id, post_id).await?;
    require_author(&row, auth.user_id)?;
    if if_match == IfMatch::Absent {
        return Err(Error::PreconditionRequired);
    }
    me.require_writable()?;
    if row.is_deleted() {
        return Err(Error::PostDeleted);
    }
    if !if_match.matches(row.version()) {
        return Err(Error::PreconditionFailed);
    }
    tsunagu_api::validate_post_body(&edit.body).map_err(|code| Error::Validation {
        field: "body",
        code,
    })?;
    let mentions = match &edit.mentions {
        Some(list) => Some(check_mentions(&mut *tx, group_id, row.timeline(), list).await?),
        None => None,
    };

    // The version bump makes the trigger store the revision (kind `edited`).
    sqlx::query(
        "UPDATE posts SET body = ?, search_text = ?, importance = COALESCE(?, importance),
             edited_at_ms = ?, version = version + 1
         WHERE id = ?",
    )
    .bind(&edit.body)
    .bind(crate::db::search_text(&edit.body))
    .bind(edit.importance.map(Importance::as_str))
    .bind(now_ms())
    .bind(post_id.hyphenated())
    .execute(&mut *tx)
    .await?;
    if let Some(mentions) = mentions {
        store_mentions(&mut tx, post_id, &mentions).await?;
    }
    let row = readable_post(&mut tx, &me, auth.user_id, group_id, post_id).await?;
    let timeline = row.timeline();
    let (post, shared) = views(row);
    let event = events::append(
        &mut *tx,
        group_id,
        Some(timeline),
        &LiveEvent::PostUpdated(shared),
    )
    .await?;
    audit::record(
        &mut *tx,
        Entry::new(Action::PostUpdate, Some(auth.user_id), ip)
            .group(group_id)
            .target(post_id),
    )
    .await?;
    tx.commit().await?;
    state.live.publish(event);
    Ok(([etag(post.version)], axum::Json(post)).into_response())
}

/// Deletes a post (its author): it stays in the timeline as a tombstone (削除されました) with
/// an empty body; its earlier text stays in the history for the group's admins.
///
/// `If-Match` is optional; when sent and stale, 412. Deleting a deleted post answers the
/// tombstone again (a retried delete succeeds). Open event streams get `post.deleted`.
#[utoipa::path(
    delete,
    path = "/api/v1/groups/{group_id}/posts/{post_id}",
    tag = "posts",
    security(("bearer" = [])),
    params(
        ("group_id" = Uuid, Path, description = "Group id"),
        ("post_id" = Uuid, Path, description = "Post id"),
        ("If-Match" = Option<String>, Header, description = "`\"<version>\"`: delete only if still this version"),
    ),
    responses(
        (status = 200, description = "The tombstone", body = Post,
            headers(("ETag" = String, description = "`\"<version>\"` of the tombstone"))),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 403, description = "Not the author, or a system entry (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post in a timeline the caller may read, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` is not the current version (`precondition_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path((group_id, post_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let group_id = parse_id(&group_id)?;
    let post_id = parse_id(&post_id)?;
    let me = membership(&state.db, group_id, auth.user_id).await?;
    let if_match = IfMatch::parse(&headers);

    let mut tx = state.writer.begin().await?;
    let row = readable_post(&mut tx, &me, auth.user_id, group_id, post_id).await?;
    require_author(&row, auth.user_id)?;
    me.require_writable()?;
    if row.is_deleted() {
        tx.rollback().await?;
        let post = row.into_post();
        return Ok(([etag(post.version)], axum::Json(post)).into_response());
    }
    if !if_match.matches(row.version()) {
        return Err(Error::PreconditionFailed);
    }
    // The text goes from the row (so no reader, preview or search can show it) but stays in
    // post_revisions; the version bump makes the trigger store the `deleted` revision.
    sqlx::query(
        "UPDATE posts SET body = '', deleted_at_ms = ?, version = version + 1 WHERE id = ?",
    )
    .bind(now_ms())
    .bind(post_id.hyphenated())
    .execute(&mut *tx)
    .await?;
    let row = readable_post(&mut tx, &me, auth.user_id, group_id, post_id).await?;
    let timeline = row.timeline();
    let (post, shared) = views(row);
    let event = events::append(
        &mut *tx,
        group_id,
        Some(timeline),
        &LiveEvent::PostDeleted(shared),
    )
    .await?;
    audit::record(
        &mut *tx,
        Entry::new(Action::PostDelete, Some(auth.user_id), ip)
            .group(group_id)
            .target(post_id),
    )
    .await?;
    tx.commit().await?;
    state.live.publish(event);
    Ok(([etag(post.version)], axum::Json(post)).into_response())
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    version: i64,
    kind: String,
    at_ms: i64,
    body: String,
    importance: String,
    by_id: Hyphenated,
    by_name: String,
    by_profession: String,
    by_facility_name: Option<String>,
}

impl RevisionRow {
    fn into_revision(self) -> PostRevision {
        PostRevision {
            version: u32::try_from(self.version).unwrap_or(1),
            kind: match self.kind.as_str() {
                "edited" => RevisionKind::Edited,
                "deleted" => RevisionKind::Deleted,
                _ => RevisionKind::Created,
            },
            by: Author {
                id: self.by_id.into_uuid(),
                display_name: self.by_name,
                profession: Profession::parse(&self.by_profession),
                facility_name: self.by_facility_name,
            },
            at: from_ms(self.at_ms),
            body: self.body,
            importance: Importance::parse(&self.importance).unwrap_or_default(),
        }
    }
}

/// Every version of a post, oldest first, deleted ones included: for the group's admins and
/// the author (what was said, and when it changed, stays accountable).
#[utoipa::path(
    get,
    path = "/api/v1/groups/{group_id}/posts/{post_id}/history",
    tag = "posts",
    security(("bearer" = [])),
    params(
        ("group_id" = Uuid, Path, description = "Group id"),
        ("post_id" = Uuid, Path, description = "Post id"),
    ),
    responses(
        (status = 200, description = "Every revision, oldest first (empty for system entries)", body = PostHistory),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 403, description = "Neither an admin of the group nor the author (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post in a timeline the caller may read, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_history(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path((group_id, post_id)): Path<(String, String)>,
) -> Result<axum::Json<PostHistory>, Error> {
    let group_id = parse_id(&group_id)?;
    let post_id = parse_id(&post_id)?;
    let me = membership(&state.db, group_id, auth.user_id).await?;
    let mut conn = state.db.acquire().await?;
    let row = readable_post(&mut conn, &me, auth.user_id, group_id, post_id).await?;
    if me.role != MemberRole::Admin && row.author_id() != auth.user_id {
        return Err(Error::Forbidden);
    }
    let rows: Vec<RevisionRow> = sqlx::query_as(
        "SELECT r.version, r.kind, r.at_ms, r.body, r.importance,
                u.id AS by_id, u.display_name AS by_name, u.profession AS by_profession,
                f.name AS by_facility_name
         FROM post_revisions r
         JOIN users u ON u.id = r.by_user_id
         LEFT JOIN facilities f ON f.id = u.facility_id
         WHERE r.post_id = ?
         ORDER BY r.version",
    )
    .bind(post_id.hyphenated())
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    state
        .writer
        .audit(
            Entry::new(Action::PostHistoryRead, Some(auth.user_id), ip)
                .group(group_id)
                .target(post_id),
        )
        .await?;
    Ok(axum::Json(PostHistory {
        items: rows.into_iter().map(RevisionRow::into_revision).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(header::IF_MATCH, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn if_match_compares_strong_version_tags() {
        assert_eq!(IfMatch::parse(&headers(&[])), IfMatch::Absent);
        assert!(IfMatch::parse(&headers(&["\"3\""])).matches(3));
        assert!(!IfMatch::parse(&headers(&["\"2\""])).matches(3));
        assert!(IfMatch::parse(&headers(&["\"1\", \"3\""])).matches(3));
        assert!(IfMatch::parse(&headers(&["\"1\"", "\"3\""])).matches(3));
        assert!(IfMatch::parse(&headers(&["*"])).matches(7));
        // Weak tags never match a strong comparison; a bare number is not an entity tag.
        assert!(!IfMatch::parse(&headers(&["W/\"3\""])).matches(3));
        assert!(!IfMatch::parse(&headers(&["3"])).matches(3));
    }
}
