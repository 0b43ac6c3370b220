//! `PUT /api/v1/groups/{group_id}/read`: the caller's read marker in one timeline, and the
//! per-post read receipts (既読) it implies.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use tsunagu_api::{Problem, ReadMarker};

use super::common_responses::{JsonBodyErrors, SessionErrors};
use super::extract::{parse_id, ClientIp, Json};
use super::{AppState, AuthUser, Error};
use crate::audit::{Action, Entry};

/// Marks everything up to a post of a timeline as read. Markers only move forward: an older
/// post leaves the marker where it is.
///
/// When the marker moves, every post it passes (not the caller's own, not system entries)
/// gets the caller's read receipt, and open event streams get `read.updated`.
#[utoipa::path(
    put,
    path = "/api/v1/groups/{group_id}/read",
    tag = "posts",
    security(("bearer" = [])),
    params(("group_id" = Uuid, Path, description = "Group id")),
    request_body = ReadMarker,
    responses(
        (status = 204, description = "Marked (or already further)"),
        (status = 404, description = "No such group, timeline the caller may read, or post in that timeline (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
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
    let me = state
        .store
        .membership(group_id, auth.user_id)
        .await?
        .ok_or(Error::NotFound)?;
    me.require_timeline(marker.timeline)?;
    let audit = Entry::new(Action::ReadMarkerUpdate, Some(auth.user_id), ip)
        .group(group_id)
        .target(marker.up_to);
    let found = state
        .store
        .mark_read(group_id, marker.timeline, auth.user_id, marker.up_to, audit)
        .await?;
    if !found {
        return Err(Error::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}
