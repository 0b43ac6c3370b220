//! `/api/v1/pledge`: the confidentiality pledge (連携守秘誓約書) applicants and new accounts
//! accept; the operator publishes new versions.

use axum::extract::State;
use tsunagu_api::{ErrorCode, Pledge, PledgeText, Problem, MAX_PLEDGE_CHARS};

use super::common_responses::{JsonBodyErrors, ServerErrors, SessionErrors};
use super::extract::{ClientIp, Json};
use super::{AppState, AuthUser, Error};

/// The pledge in force, with its version. No login: applicants read it before applying.
#[utoipa::path(
    get,
    path = "/api/v1/pledge",
    tag = "applications",
    responses(
        (status = 200, description = "The pledge in force", body = Pledge),
        ServerErrors,
    )
)]
pub async fn get_pledge(State(state): State<AppState>) -> Result<axum::Json<Pledge>, Error> {
    Ok(axum::Json(state.store.pledge().await?))
}

/// Publishes a new version of the pledge (the operator). What was accepted before stays on
/// record with its version; applications and activations from now on accept this one.
#[utoipa::path(
    put,
    path = "/api/v1/pledge",
    tag = "applications",
    security(("bearer" = [])),
    request_body = PledgeText,
    responses(
        (status = 200, description = "Published", body = Pledge),
        (status = 403, description = "Not the operator (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long (`field_required`, `field_too_long` on `text`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
    )
)]
pub async fn put_pledge(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Json(body): Json<PledgeText>,
) -> Result<axum::Json<Pledge>, Error> {
    let text = body.text.trim();
    let code = if text.is_empty() {
        Some(ErrorCode::FieldRequired)
    } else if text.chars().count() > MAX_PLEDGE_CHARS {
        Some(ErrorCode::FieldTooLong)
    } else {
        None
    };
    if let Some(code) = code {
        return Err(Error::Validation {
            field: "text",
            code,
        });
    }
    Ok(axum::Json(
        state.store.publish_pledge(auth.user_id, text, ip).await?,
    ))
}
