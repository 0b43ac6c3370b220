//! `POST /api/v1/direct`: open the direct message with a person, or reuse the one there is.

use axum::extract::State;
use axum::http::StatusCode;
use tsunagu_api::{ErrorCode, Group, OpenDirect, Problem};

use super::common_responses::{JsonBodyErrors, SessionErrors};
use super::extract::{ClientIp, Json};
use super::{AppState, AuthUser, Error};
use crate::audit::{Action, Entry};

/// Opens a direct message with a registered professional: 201 with a new group, or 200 with
/// the existing one (a pair never has two). Its name is the other person's, per viewer.
#[utoipa::path(
    post,
    path = "/api/v1/direct",
    tag = "groups",
    security(("bearer" = [])),
    request_body = OpenDirect,
    responses(
        (status = 200, description = "The existing direct message with this person", body = Group),
        (status = 201, description = "A new direct message", body = Group),
        (status = 403, description = "Family accounts cannot open direct messages (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such enabled professional (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "With yourself (`field_invalid`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
    )
)]
pub async fn open_direct(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Json(open): Json<OpenDirect>,
) -> Result<(StatusCode, axum::Json<Group>), Error> {
    if auth.is_family {
        return Err(Error::Forbidden);
    }
    if open.user_id == auth.user_id {
        return Err(Error::Validation {
            field: "user_id",
            code: ErrorCode::FieldInvalid,
        });
    }
    let peer = open.user_id;
    let audit = |group_id| {
        Entry::new(Action::DirectOpen, Some(auth.user_id), ip)
            .group(group_id)
            .target(peer)
    };
    let (group, created) = state
        .store
        .open_direct(auth.user_id, peer, audit)
        .await?
        .ok_or(Error::NotFound)?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(group)))
}
