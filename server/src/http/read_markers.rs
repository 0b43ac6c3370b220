//! `PUT /api/v1/groups/{group_id}/read`: the caller's read marker in one timeline.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use tsunagu_api::{Problem, ReadMarker};

use super::access::membership;
use super::extract::{parse_id, ClientIp, Json};
use super::{AppState, AuthUser, Error};
use crate::audit::{self, Action, Entry};

/// Marks everything up to a post of a timeline as read. Markers only move forward: an older
/// post leaves the marker where it is.
#[utoipa::path(
    put,
    path = "/api/v1/groups/{group_id}/read",
    tag = "posts",
    security(("bearer" = [])),
    params(("group_id" = Uuid, Path, description = "Group id")),
    request_body = ReadMarker,
    responses(
        (status = 204, description = "Marked (or already further)"),
        (status = 400, description = "Malformed JSON (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 404, description = "No such group, timeline the caller may read, or post in that timeline (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not `application/json` (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn mark_read(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(group_id): Path<String>,
    Json(marker): Json<ReadMarker>,
) -> Result<StatusCode, Error> {
    let group_id = parse_id(&group_id)?;
    let me = membership(&state.db, group_id, auth.user_id).await?;
    me.require_timeline(marker.timeline)?;
    let post_ms: i64 = sqlx::query_scalar(
        "SELECT created_at_ms FROM posts WHERE id = ? AND group_id = ? AND timeline = ?",
    )
    .bind(marker.up_to.hyphenated())
    .bind(group_id.hyphenated())
    .bind(marker.timeline.as_str())
    .fetch_optional(&state.db)
    .await?
    .ok_or(Error::NotFound)?;
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "INSERT INTO read_markers (group_id, user_id, timeline, up_to_ms, up_to_id)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (group_id, user_id, timeline) DO UPDATE
             SET up_to_ms = excluded.up_to_ms, up_to_id = excluded.up_to_id
             WHERE (excluded.up_to_ms, excluded.up_to_id)
                 > (read_markers.up_to_ms, read_markers.up_to_id)",
    )
    .bind(group_id.hyphenated())
    .bind(auth.user_id.hyphenated())
    .bind(marker.timeline.as_str())
    .bind(post_ms)
    .bind(marker.up_to.hyphenated())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Entry::new(Action::ReadMarkerUpdate, Some(auth.user_id), ip)
            .group(group_id)
            .target(marker.up_to),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
