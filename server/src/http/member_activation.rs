//! `POST /api/v1/groups/{group_id}/members/{user_id}/activation`: a family member who forgot
//! their password gets a new link from an admin of their group.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tsunagu_api::{ActivationLink, Problem, StaffActivation};

use super::common_responses::SessionErrors;
use super::extract::{parse_id, ClientIp};
use super::{AppState, AuthUser, Error, SecretBody};
use crate::store::NewActivation;
use crate::time::from_ms;

/// Issues a new activation link for a family member of the group (a forgotten password): until
/// it is used the account cannot log in; its password and two-factor login are cleared and its
/// sessions end. Only the group's admins, and only for the group's family members (a
/// professional's account is their facility administrator's).
#[utoipa::path(
    post,
    path = "/api/v1/groups/{group_id}/members/{user_id}/activation",
    tag = "members",
    security(("bearer" = [])),
    params(
        ("group_id" = Uuid, Path, description = "Group id"),
        ("user_id" = Uuid, Path, description = "The family member"),
    ),
    responses(
        (status = 201, description = "Reset; the link to hand over", body = StaffActivation),
        (status = 403, description = "Not an admin of the group (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group for the caller, or no such family member in it (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn reissue_family_activation(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path((group_id, user_id)): Path<(String, String)>,
) -> Result<Response, Error> {
    let group = parse_id(&group_id)?;
    let user = parse_id(&user_id)?;
    let (token, token_hash, expires_at_ms) = crate::token::activation_link();
    let staff = state
        .store
        .reissue_family_activation(
            auth.user_id,
            group,
            user,
            NewActivation {
                token_hash: &token_hash,
                expires_at_ms,
            },
            ip,
        )
        .await?;
    state.live.close_user(user);
    let activation = ActivationLink {
        user_id: staff.id,
        login_id: staff.login_id.clone(),
        token,
        expires_at: from_ms(expires_at_ms),
    };
    let mut response = (
        StatusCode::CREATED,
        axum::Json(StaffActivation { staff, activation }),
    )
        .into_response();
    response.extensions_mut().insert(SecretBody);
    Ok(response)
}
