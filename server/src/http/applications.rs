//! `/api/v1/applications`: a facility applies online (利用申込, no login); the operator
//! (医師会事務局) reviews, approves (the facility and its administrator are created, with a
//! one-time activation link) or rejects with a reason.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tsunagu_api::{
    ActivationLink, ApplicationForm, ApplicationList, ApplicationReceipt, Approval, ErrorCode,
    PendingApplications, Problem, Rejection, MAX_APPLICATION_TEXT_CHARS,
};

use super::common_responses::{JsonBodyErrors, ServerErrors, SessionErrors};
use super::extract::{parse_id, ClientIp, Json};
use super::{AppState, AuthUser, Error, SecretBody};
use crate::store::NewActivation;
use crate::time::from_ms;
use tsunagu_api::onboarding_rules::normalise_application;

/// Submits a facility's application with the pledge its representative accepted. No login.
/// Queued for the operator. At most 10 submissions per client address within 15 minutes.
#[utoipa::path(
    post,
    path = "/api/v1/applications",
    tag = "applications",
    request_body = ApplicationForm,
    responses(
        (status = 201, description = "Queued for the operator", body = ApplicationReceipt),
        (status = 409, description = "The login ID is taken (`login_id_taken`); the pledge changed since it was read (`pledge_outdated`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field missing, too long or invalid (`field_required`, `field_too_long`, `field_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many applications from this address (`rate_limited`)", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until another is accepted"))),
        ServerErrors,
        JsonBodyErrors,
    )
)]
pub async fn submit_application(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(mut form): Json<ApplicationForm>,
) -> Result<Response, Error> {
    normalise_application(&mut form).map_err(|(field, code)| Error::Validation { field, code })?;
    // Every submission counts against the address, so the queue cannot be flooded.
    let attempt = state
        .throttles
        .check_join("application", ip)
        .await?
        .map_err(|refused| Error::RateLimited {
            retry_after_secs: refused.retry_after_secs(),
        })?;
    let result = state.store.submit_application(&form, ip).await;
    if let Err(e) = attempt.failed().await {
        tracing::error!(error = ?e, "counting an application failed");
    }
    let receipt = result?;
    Ok((StatusCode::CREATED, axum::Json(receipt)).into_response())
}

/// Every application, newest first, with its decision (the operator).
#[utoipa::path(
    get,
    path = "/api/v1/applications",
    tag = "applications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The applications", body = ApplicationList),
        (status = 403, description = "Not the operator (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn list_applications(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
) -> Result<axum::Json<ApplicationList>, Error> {
    let items = state.store.applications(auth.user_id, ip).await?;
    Ok(axum::Json(ApplicationList { items }))
}

/// How many applications wait (the operator): the console polls it to announce new ones.
#[utoipa::path(
    get,
    path = "/api/v1/applications/pending",
    tag = "applications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The number of pending applications", body = PendingApplications),
        (status = 403, description = "Not the operator (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn pending_applications(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<axum::Json<PendingApplications>, Error> {
    let count = state.store.pending_applications(auth.user_id).await?;
    Ok(axum::Json(PendingApplications { count }))
}

/// Approves a pending application (the operator): creates the facility and its administrator
/// (the representative, with the login ID applied for) and answers the administrator's
/// activation link, open 72 hours, single use. The link is shown only in this answer.
#[utoipa::path(
    post,
    path = "/api/v1/applications/{application_id}/approval",
    tag = "applications",
    security(("bearer" = [])),
    params(("application_id" = Uuid, Path, description = "The application")),
    responses(
        (status = 201, description = "Approved", body = Approval),
        (status = 403, description = "Not the operator (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Decided already (`application_decided`); the login ID was taken meanwhile (`login_id_taken`): reject with a reason", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn approve_application(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(application_id): Path<String>,
) -> Result<Response, Error> {
    let id = parse_id(&application_id)?;
    let (token, token_hash, expires_at_ms) = crate::token::activation_link();
    let approved = state
        .store
        .approve_application(
            auth.user_id,
            id,
            NewActivation {
                token_hash: &token_hash,
                expires_at_ms,
            },
            ip,
        )
        .await?;
    let approval = Approval {
        facility: approved.facility,
        activation: ActivationLink {
            user_id: approved.user_id,
            login_id: approved.login_id,
            token,
            expires_at: from_ms(expires_at_ms),
        },
    };
    let mut response = (StatusCode::CREATED, axum::Json(approval)).into_response();
    response.extensions_mut().insert(SecretBody);
    Ok(response)
}

/// Rejects a pending application with a reason (the operator).
#[utoipa::path(
    post,
    path = "/api/v1/applications/{application_id}/rejection",
    tag = "applications",
    security(("bearer" = [])),
    params(("application_id" = Uuid, Path, description = "The application")),
    request_body = Rejection,
    responses(
        (status = 200, description = "Rejected", body = tsunagu_api::Application),
        (status = 403, description = "Not the operator (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Decided already (`application_decided`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or too long (`field_required`, `field_too_long` on `reason`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
    )
)]
pub async fn reject_application(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(application_id): Path<String>,
    Json(rejection): Json<Rejection>,
) -> Result<axum::Json<tsunagu_api::Application>, Error> {
    let id = parse_id(&application_id)?;
    let reason = rejection.reason.trim();
    if reason.is_empty() {
        return Err(Error::Validation {
            field: "reason",
            code: ErrorCode::FieldRequired,
        });
    }
    if reason.chars().count() > MAX_APPLICATION_TEXT_CHARS {
        return Err(Error::Validation {
            field: "reason",
            code: ErrorCode::FieldTooLong,
        });
    }
    let app = state
        .store
        .reject_application(auth.user_id, id, reason, ip)
        .await?;
    Ok(axum::Json(app))
}
