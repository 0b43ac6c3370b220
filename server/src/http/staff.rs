//! A facility's staff, managed by its administrator (事業所管理者) or the operator: the list,
//! new accounts with their activation links, a new link for a lost phone or password, and
//! offboarding a leaver (スタッフ解除).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tsunagu_api::{ActivationLink, NewStaff, Problem, StaffActivation, StaffList, StaffMember};

use super::common_responses::{JsonBodyErrors, SessionErrors};
use super::extract::{parse_id, ClientIp, Json};
use super::{AppState, AuthUser, Error, SecretBody};
use crate::store::NewActivation;
use crate::time::from_ms;
use tsunagu_api::onboarding_rules::normalise_staff;

/// The staff of a facility by kana, with each account's status (the facility's administrator,
/// or the operator).
#[utoipa::path(
    get,
    path = "/api/v1/facilities/{facility_id}/staff",
    tag = "staff",
    security(("bearer" = [])),
    params(("facility_id" = Uuid, Path, description = "The facility")),
    responses(
        (status = 200, description = "The staff", body = StaffList),
        (status = 404, description = "No such facility, or not the caller's to manage (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn list_staff(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(facility_id): Path<String>,
) -> Result<axum::Json<StaffList>, Error> {
    let facility = parse_id(&facility_id)?;
    Ok(axum::Json(
        state.store.staff_of(auth.user_id, facility, ip).await?,
    ))
}

/// Adds a staff account (name, kana, profession, login ID), waiting for activation, and answers
/// its activation link (72 hours, single use), shown only in this answer.
#[utoipa::path(
    post,
    path = "/api/v1/facilities/{facility_id}/staff",
    tag = "staff",
    security(("bearer" = [])),
    params(("facility_id" = Uuid, Path, description = "The facility")),
    request_body = NewStaff,
    responses(
        (status = 201, description = "Added; the link to hand over", body = StaffActivation),
        (status = 404, description = "No such facility, or not the caller's to manage (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The login ID is taken (`login_id_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field missing, too long or invalid (`field_required`, `field_too_long`, `field_invalid`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
    )
)]
pub async fn add_staff(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(facility_id): Path<String>,
    Json(mut new): Json<NewStaff>,
) -> Result<Response, Error> {
    let facility = parse_id(&facility_id)?;
    normalise_staff(&mut new).map_err(|(field, code)| Error::Validation { field, code })?;
    let (token, token_hash, expires_at_ms) = crate::token::activation_link();
    let link = NewActivation {
        token_hash: &token_hash,
        expires_at_ms,
    };
    let mut added = state
        .store
        .add_staff(auth.user_id, facility, &[(new, link)], false, ip)
        .await?;
    let staff = added
        .pop()
        .ok_or_else(|| anyhow::anyhow!("no account was added"))?;
    Ok(with_link(staff, token, expires_at_ms, StatusCode::CREATED))
}

/// Answers a staff account with its new link; the link is a secret, never cached or logged.
fn with_link(
    staff: StaffMember,
    token: String,
    expires_at_ms: i64,
    status: StatusCode,
) -> Response {
    let activation = ActivationLink {
        user_id: staff.id,
        login_id: staff.login_id.clone(),
        token,
        expires_at: from_ms(expires_at_ms),
    };
    let mut response = (status, axum::Json(StaffActivation { staff, activation })).into_response();
    response.extensions_mut().insert(SecretBody);
    response
}

/// Issues a new activation link for a staff account (a lost phone, a forgotten password, or a
/// link that expired): until it is used the account cannot log in; its password and
/// two-factor login are cleared, its sessions end and older links close. The facility's
/// administrator for their staff, the operator for anyone but operators.
#[utoipa::path(
    post,
    path = "/api/v1/users/{user_id}/activation",
    tag = "staff",
    security(("bearer" = [])),
    params(("user_id" = Uuid, Path, description = "The account")),
    responses(
        (status = 201, description = "Reset; the link to hand over", body = StaffActivation),
        (status = 403, description = "One's own account, or an operator's (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, offboarded, or not the caller's to manage (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn reissue_activation(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(user_id): Path<String>,
) -> Result<Response, Error> {
    let user = parse_id(&user_id)?;
    let (token, token_hash, expires_at_ms) = crate::token::activation_link();
    let staff = state
        .store
        .reissue_activation(
            auth.user_id,
            user,
            NewActivation {
                token_hash: &token_hash,
                expires_at_ms,
            },
            ip,
        )
        .await?;
    state.live.close_user(user);
    Ok(with_link(staff, token, expires_at_ms, StatusCode::CREATED))
}

/// Offboards a leaver (スタッフ解除): removed from every group (each timeline shows it), sessions
/// and event streams ended, the account closed for good; what they wrote stays, under their
/// name. Who may: as for suspending.
#[utoipa::path(
    post,
    path = "/api/v1/users/{user_id}/offboarding",
    tag = "staff",
    security(("bearer" = [])),
    params(("user_id" = Uuid, Path, description = "The account")),
    responses(
        (status = 204, description = "Offboarded"),
        (status = 403, description = "One's own account, or an operator's (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not the caller's to manage (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn offboard_user(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(user_id): Path<String>,
) -> Result<StatusCode, Error> {
    let user = parse_id(&user_id)?;
    state.store.offboard(auth.user_id, user, ip).await?;
    state.live.close_user(user);
    Ok(StatusCode::NO_CONTENT)
}
