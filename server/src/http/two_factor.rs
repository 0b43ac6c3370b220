//! `POST /api/v1/me/two-factor` and `…/confirm`: enrolling an authenticator app. Login with
//! the code is `POST /api/v1/sessions` (its `code`).

use axum::extract::State;
use tsunagu_api::{
    ErrorCode, Problem, RecoveryCodes, TwoFactorConfirm, TwoFactorEnrolment, TwoFactorStart,
};

use super::common_responses::SessionErrors;
use super::extract::{ClientIp, Json};
use super::{AppState, AuthUser, Error, SecretBody};
use crate::audit::{Action, Entry};
use crate::two_factor;

/// Starts enrolment: checks the password, issues a new secret (replacing one not yet
/// confirmed) and answers it as a QR code and as text. Two-factor login is on only after
/// `…/confirm`.
#[utoipa::path(
    post,
    path = "/api/v1/me/two-factor",
    tag = "me",
    security(("bearer" = [])),
    request_body = TwoFactorStart,
    responses(
        (status = 200, description = "The secret for the authenticator app", body = TwoFactorEnrolment),
        (status = 409, description = "Two-factor login is on already (`two_factor_enabled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password is wrong (`invalid_credentials` on `password`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many password checks at once (`rate_limited`)", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until another attempt may be accepted"))),
        SessionErrors,
    )
)]
pub async fn start_two_factor(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Json(start): Json<TwoFactorStart>,
) -> Result<axum::response::Response, Error> {
    let me = state
        .store
        .me(auth.user_id)
        .await?
        .ok_or(Error::Unauthenticated)?;
    let account = state
        .store
        .login_user(&me.login_id)
        .await?
        .ok_or(Error::Unauthenticated)?;
    if account.totp_secret.is_some() {
        return Err(Error::TwoFactorEnabled);
    }
    if !state
        .hashing
        .verify(start.password, account.password_hash)
        .await?
    {
        return Err(Error::Validation {
            field: "password",
            code: ErrorCode::InvalidCredentials,
        });
    }
    let secret = two_factor::new_secret();
    if !state.store.begin_two_factor(auth.user_id, &secret).await? {
        return Err(Error::TwoFactorEnabled);
    }
    state
        .store
        .audit(Entry::new(Action::TwoFactorEnrol, Some(auth.user_id), ip))
        .await?;
    let otpauth_uri = two_factor::otpauth_uri(&secret, &me.login_id)
        .ok_or_else(|| anyhow::anyhow!("otpauth URI"))?;
    let qr_svg = two_factor::qr_svg(&otpauth_uri).ok_or_else(|| anyhow::anyhow!("QR code"))?;
    let mut response =
        axum::response::IntoResponse::into_response(axum::Json(TwoFactorEnrolment {
            secret,
            otpauth_uri,
            qr_svg,
        }));
    response.extensions_mut().insert(SecretBody);
    Ok(response)
}

/// Turns two-factor login on with the first code the app shows, and answers the recovery
/// codes, once.
#[utoipa::path(
    post,
    path = "/api/v1/me/two-factor/confirm",
    tag = "me",
    security(("bearer" = [])),
    request_body = TwoFactorConfirm,
    responses(
        (status = 200, description = "On; the recovery codes, shown once", body = RecoveryCodes),
        (status = 404, description = "No enrolment was started (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Two-factor login is on already (`two_factor_enabled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The code is wrong or expired (`invalid_two_factor_code` on `code`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn confirm_two_factor(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Json(confirm): Json<TwoFactorConfirm>,
) -> Result<axum::response::Response, Error> {
    let (secret, on) = state
        .store
        .two_factor_secret(auth.user_id)
        .await?
        .ok_or(Error::NotFound)?;
    if on {
        return Err(Error::TwoFactorEnabled);
    }
    let step = two_factor::matching_step(&secret, &confirm.code, crate::time::now_secs()).ok_or(
        Error::Validation {
            field: "code",
            code: ErrorCode::InvalidTwoFactorCode,
        },
    )?;
    let codes = two_factor::new_recovery_codes();
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| two_factor::recovery_code_hash(c))
        .collect();
    let enabled = state
        .store
        .enable_two_factor(
            auth.user_id,
            step,
            &hashes,
            Entry::new(Action::TwoFactorEnable, Some(auth.user_id), ip),
        )
        .await?;
    if !enabled {
        return Err(Error::TwoFactorEnabled);
    }
    let mut response = axum::response::IntoResponse::into_response(axum::Json(RecoveryCodes {
        recovery_codes: codes,
    }));
    response.extensions_mut().insert(SecretBody);
    Ok(response)
}
