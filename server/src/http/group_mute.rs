//! `PUT /api/v1/groups/{group_id}/mute`: a member's mute of a group's pushes (urgent posts
//! still notify).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use tsunagu_api::{GroupMute, Problem};

use super::access::member;
use super::common_responses::{JsonBodyErrors, SessionErrors};
use super::extract::{parse_id, ClientIp, Json};
use super::{AppState, AuthUser, Error};
use crate::audit::{Action, Entry};

/// Mutes or unmutes the group for the caller: a muted group sends them no push, except for
/// urgent (至急) posts. The group's `muted` shows it.
#[utoipa::path(
    put,
    path = "/api/v1/groups/{group_id}/mute",
    tag = "push",
    security(("bearer" = [])),
    params(("group_id" = Uuid, Path, description = "Group id")),
    request_body = GroupMute,
    responses(
        (status = 204, description = "Muted or unmuted"),
        (status = 404, description = "No such group, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
    )
)]
pub async fn put_mute(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(group_id): Path<String>,
    Json(mute): Json<GroupMute>,
) -> Result<StatusCode, Error> {
    let group_id = parse_id(&group_id)?;
    member(&state, group_id, auth.user_id).await?;
    let action = if mute.muted {
        Action::GroupMute
    } else {
        Action::GroupUnmute
    };
    state
        .store
        .set_group_muted(
            group_id,
            auth.user_id,
            mute.muted,
            Entry::new(action, Some(auth.user_id), ip).group(group_id),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
