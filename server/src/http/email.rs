//! `/api/v1/me/email-notifications`: the caller's notification address, its confirmation by a
//! mailed code, and how often mail comes. A mail says only that a group has something new and
//! links to it (see `crate::email::text`).
//!
//! Without SMTP configured the state reads `available: false` and every change but `DELETE`
//! answers 404 `email_not_configured`; forgetting an address always works.

use axum::extract::State;
use axum::http::StatusCode;
use tsunagu_api::{
    ConfirmEmailAddress, EmailMode, EmailNotifications, ErrorCode, Problem, SetEmailAddress,
    SetEmailMode,
};

use super::common_responses::{JsonBodyErrors, SessionErrors};
use super::extract::{ClientIp, Json};
use super::{AppState, AuthUser, Error};
use crate::audit::{Action, Entry};
use crate::email::{self, CODES_PER_WINDOW, CODE_TRIES, CODE_VALID_MINUTES, CODE_WINDOW};
use crate::store::{CodeQueued, EmailCodeRequest};

async fn current(state: &AppState, user: uuid::Uuid) -> Result<EmailNotifications, Error> {
    let stored = state.store.email_settings(user).await?;
    Ok(EmailNotifications {
        available: state.email.available(),
        address: stored.address,
        confirmed: stored.confirmed,
        mode: stored.mode,
        digest_every_minutes: state.settings.email.digest_every_minutes(),
    })
}

fn require_mail(state: &AppState) -> Result<(), Error> {
    if state.email.available() {
        Ok(())
    } else {
        Err(Error::EmailNotConfigured)
    }
}

/// The caller's notification address and mode, and whether this server sends mail at all.
#[utoipa::path(
    get,
    path = "/api/v1/me/email-notifications",
    tag = "email",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's address, whether it is confirmed, the mode, and the digest period; `available` false when the server sends no mail", body = EmailNotifications),
        SessionErrors,
    )
)]
pub async fn get_email(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<axum::Json<EmailNotifications>, Error> {
    Ok(axum::Json(current(&state, auth.user_id).await?))
}

/// Gives a new address: stored unconfirmed with the mode off, and a code of
/// `EMAIL_CODE_DIGITS` digits is mailed to it, valid 30 minutes and for 5 tries. Another `PUT`
/// (the same address again, or another) replaces the code. At most 5 code mails an hour per
/// user.
#[utoipa::path(
    put,
    path = "/api/v1/me/email-notifications/address",
    tag = "email",
    security(("bearer" = [])),
    request_body = SetEmailAddress,
    responses(
        (status = 200, description = "Stored unconfirmed; the code is on its way", body = EmailNotifications),
        (status = 404, description = "The server sends no mail (`email_not_configured`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a mail address, or longer than 254 bytes (`field_invalid`, `errors` names `address`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many code mails lately (`rate_limited`)", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until another code may be mailed"))),
        SessionErrors,
        JsonBodyErrors,
    )
)]
pub async fn put_address(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Json(body): Json<SetEmailAddress>,
) -> Result<axum::Json<EmailNotifications>, Error> {
    require_mail(&state)?;
    let address = email::normalize_address(&body.address).ok_or(Error::Validation {
        field: "address",
        code: ErrorCode::FieldInvalid,
    })?;
    let code = email::new_code();
    let now = chrono::Utc::now();
    let expires_at = now + chrono::Duration::minutes(CODE_VALID_MINUTES);
    let text = email::text::code_mail(&code, expires_at, CODE_VALID_MINUTES);
    let queued = state
        .store
        .set_email_address(
            auth.user_id,
            EmailCodeRequest {
                address,
                code_hash: email::code_hash(auth.user_id, &code),
                expires_at_ms: expires_at.timestamp_millis(),
                tries: CODE_TRIES,
                window_ms: i64::try_from(CODE_WINDOW.as_millis()).unwrap_or(i64::MAX),
                max_per_window: CODES_PER_WINDOW,
                now_ms: now.timestamp_millis(),
                subject: text.subject,
                body: text.body,
            },
            Entry::new(Action::EmailAddressSet, Some(auth.user_id), ip),
        )
        .await?;
    match queued {
        CodeQueued::Queued => state.email.wake(),
        CodeQueued::RateLimited { retry_after_ms } => {
            return Err(Error::RateLimited {
                retry_after_secs: u64::try_from(retry_after_ms).unwrap_or(0).div_ceil(1000),
            })
        }
    }
    Ok(axum::Json(current(&state, auth.user_id).await?))
}

/// Confirms the address with the mailed code. The mode stays off until chosen.
#[utoipa::path(
    post,
    path = "/api/v1/me/email-notifications/confirm",
    tag = "email",
    security(("bearer" = [])),
    request_body = ConfirmEmailAddress,
    responses(
        (status = 200, description = "Confirmed", body = EmailNotifications),
        (status = 404, description = "The server sends no mail (`email_not_configured`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The code is wrong, expired, was tried 5 times, or no address waits for one (`invalid_email_code`, `errors` names `code`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
    )
)]
pub async fn confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Json(body): Json<ConfirmEmailAddress>,
) -> Result<axum::Json<EmailNotifications>, Error> {
    require_mail(&state)?;
    let invalid = Error::Validation {
        field: "code",
        code: ErrorCode::InvalidEmailCode,
    };
    // A code that is not six digits cannot be right, but still uses up a try.
    let code = email::normalize_code(&body.code).unwrap_or_default();
    let confirmed = state
        .store
        .confirm_email(
            auth.user_id,
            &email::code_hash(auth.user_id, &code),
            crate::time::now_ms(),
            Entry::new(Action::EmailConfirm, Some(auth.user_id), ip),
        )
        .await?;
    if !confirmed {
        return Err(invalid);
    }
    Ok(axum::Json(current(&state, auth.user_id).await?))
}

/// Chooses how often mail comes: `immediate` (one per new post the caller may read; a muted
/// group only for urgent posts), `digest` (at most one per digest period, listing the groups
/// with unread posts since the previous one), or `off`.
#[utoipa::path(
    put,
    path = "/api/v1/me/email-notifications/mode",
    tag = "email",
    security(("bearer" = [])),
    request_body = SetEmailMode,
    responses(
        (status = 200, description = "The mode is set", body = EmailNotifications),
        (status = 404, description = "The server sends no mail (`email_not_configured`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`immediate` or `digest` without a confirmed address (`email_not_confirmed`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
    )
)]
pub async fn put_mode(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Json(body): Json<SetEmailMode>,
) -> Result<axum::Json<EmailNotifications>, Error> {
    require_mail(&state)?;
    let every_ms = i64::try_from(state.settings.email.digest_every.as_millis()).unwrap_or(i64::MAX);
    let set = state
        .store
        .set_email_mode(
            auth.user_id,
            body.mode,
            crate::time::now_ms(),
            every_ms,
            Entry::new(Action::EmailModeSet, Some(auth.user_id), ip),
        )
        .await?;
    if !set && body.mode != EmailMode::Off {
        return Err(Error::EmailNotConfirmed);
    }
    Ok(axum::Json(current(&state, auth.user_id).await?))
}

/// Forgets the caller's address and mode; mails not yet sent are dropped. Idempotent, and
/// works also when the server sends no mail.
#[utoipa::path(
    delete,
    path = "/api/v1/me/email-notifications",
    tag = "email",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "No address (any more)"),
        SessionErrors,
    )
)]
pub async fn delete_email(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
) -> Result<StatusCode, Error> {
    state
        .store
        .forget_email(
            auth.user_id,
            Entry::new(Action::EmailForget, Some(auth.user_id), ip),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
