//! One-time activation links, opened without a login: `GET /api/v1/activation/{token}` says
//! whose account it is; `…/two-factor` starts enrolling an authenticator app;
//! `POST /api/v1/activation/{token}` sets the password, accepts the pledge, turns two-factor
//! login on with the first code, and logs in.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tsunagu_api::{
    Activate, Activated, ActivationInfo, ErrorCode, Problem, Session, TwoFactorEnrolment,
};

use super::common_responses::{JsonBodyErrors, ServerErrors};
use super::extract::{ClientIp, Json};
use super::{AppState, Error, SecretBody};
use crate::audit::{Action, Entry};
use crate::store::{Activation, ActivationTarget, NewSession};
use crate::time::{from_ms, now_ms, now_secs};
use crate::two_factor;

/// The account of an open link; anything else is one and the same 404.
async fn open(state: &AppState, token: &str) -> Result<ActivationTarget, Error> {
    state
        .store
        .activation(&crate::token::hash(token))
        .await?
        .ok_or(Error::ActivationInvalid)
}

/// Whether the operator's policy requires two-factor login of this account.
async fn required(state: &AppState, target: &ActivationTarget) -> Result<bool, Error> {
    let policy = state.store.settings().await?.two_factor;
    Ok(policy.requires(target.facility.as_ref().map(|f| f.kind), target.profession))
}

/// Whose account the link activates, whether two-factor login is required of it, and the
/// pledge to accept. No login.
#[utoipa::path(
    get,
    path = "/api/v1/activation/{token}",
    tag = "activation",
    params(("token" = String, Path, description = "The secret of the link")),
    responses(
        (status = 200, description = "The link is open", body = ActivationInfo),
        (status = 404, description = "Unknown, used, replaced or expired: one answer for all (`activation_invalid`)", body = Problem, content_type = "application/problem+json"),
        ServerErrors,
    )
)]
pub async fn activation_info(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> Result<Response, Error> {
    let target = open(&state, &token).await?;
    let two_factor_required = required(&state, &target).await?;
    let pledge = state.store.pledge().await?;
    state
        .store
        .audit(Entry::new(Action::ActivationRead, None, ip).target(target.user_id))
        .await?;
    let mut response = axum::Json(ActivationInfo {
        login_id: target.login_id,
        display_name: target.display_name,
        facility: target.facility,
        two_factor_required,
        pledge,
        expires_at: from_ms(target.expires_at_ms),
    })
    .into_response();
    response.extensions_mut().insert(SecretBody);
    Ok(response)
}

/// Starts enrolling an authenticator app on an open link: a new secret (replacing one started
/// before), as a QR code and as text. Confirmed by the first code in the activation itself.
#[utoipa::path(
    post,
    path = "/api/v1/activation/{token}/two-factor",
    tag = "activation",
    params(("token" = String, Path, description = "The secret of the link")),
    responses(
        (status = 200, description = "The secret for the authenticator app", body = TwoFactorEnrolment),
        (status = 404, description = "Unknown, used, replaced or expired (`activation_invalid`)", body = Problem, content_type = "application/problem+json"),
        ServerErrors,
    )
)]
pub async fn start_activation_two_factor(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> Result<Response, Error> {
    let target = open(&state, &token).await?;
    let secret = two_factor::new_secret();
    if !state
        .store
        .begin_activation_two_factor(&crate::token::hash(&token), &secret)
        .await?
    {
        return Err(Error::ActivationInvalid);
    }
    state
        .store
        .audit(Entry::new(Action::TwoFactorEnrol, Some(target.user_id), ip))
        .await?;
    let otpauth_uri = two_factor::otpauth_uri(&secret, &target.login_id)
        .ok_or_else(|| anyhow::anyhow!("otpauth URI"))?;
    let qr_svg = two_factor::qr_svg(&otpauth_uri).ok_or_else(|| anyhow::anyhow!("QR code"))?;
    let mut response = axum::Json(TwoFactorEnrolment {
        secret,
        otpauth_uri,
        qr_svg,
    })
    .into_response();
    response.extensions_mut().insert(SecretBody);
    Ok(response)
}

/// Activates the account and logs it in: the password under the MHLW rule (8+ characters with
/// two-factor login, otherwise 13+ mixing letters, digits and symbols, never containing the
/// login ID), the pledge version accepted, and — when enrolment was started on this link — the
/// first code, which turns two-factor login on and answers the recovery codes once. Where the
/// operator requires two-factor login, the code is required. Single use.
///
/// Refused attempts on unknown links are throttled per link and per client address: 10 within
/// 15 minutes.
#[utoipa::path(
    post,
    path = "/api/v1/activation/{token}",
    tag = "activation",
    params(("token" = String, Path, description = "The secret of the link")),
    request_body = Activate,
    responses(
        (status = 201, description = "Activated and logged in", body = Activated),
        (status = 404, description = "Unknown, used, replaced or expired (`activation_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The pledge changed since it was read (`pledge_outdated`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A weak password (`password_too_weak` on `password`); two-factor login required but not set up or no code (`two_factor_required` on `code`); a wrong or expired code (`invalid_two_factor_code` on `code`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many refused attempts, or too many password operations at once (`rate_limited`)", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until another attempt is accepted"))),
        ServerErrors,
        JsonBodyErrors,
    )
)]
pub async fn activate(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Json(body): Json<Activate>,
) -> Result<Response, Error> {
    let attempt = state
        .throttles
        .check_join(&token, ip)
        .await?
        .map_err(|refused| Error::RateLimited {
            retry_after_secs: refused.retry_after_secs(),
        })?;
    let result = activate_inner(&state, ip, &token, body).await;
    let resolved = if matches!(result, Err(Error::ActivationInvalid)) {
        attempt.failed().await
    } else {
        attempt.release().await
    };
    if let Err(e) = resolved {
        tracing::error!(error = ?e, "resolving an activation attempt failed");
    }
    result
}

fn field(field: &'static str, code: ErrorCode) -> Error {
    Error::Validation { field, code }
}

async fn activate_inner(
    state: &AppState,
    ip: Option<std::net::IpAddr>,
    token: &str,
    body: Activate,
) -> Result<Response, Error> {
    let target = open(state, token).await?;
    let code = body
        .code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    // The code confirms an enrolment started on this link; without one there is nothing to
    // confirm, and where the policy requires it, no activation.
    let step = match (code, &target.pending_secret) {
        (Some(code), Some(secret)) => Some(
            two_factor::matching_step(secret, code, now_secs())
                .ok_or_else(|| field("code", ErrorCode::InvalidTwoFactorCode))?,
        ),
        (Some(_), None) => return Err(field("code", ErrorCode::TwoFactorRequired)),
        (None, _) => None,
    };
    if step.is_none() && required(state, &target).await? {
        return Err(field("code", ErrorCode::TwoFactorRequired));
    }
    tsunagu_api::password_policy::check(&body.password, &target.login_id, step.is_some())
        .map_err(|_| field("password", ErrorCode::PasswordTooWeak))?;
    let password_hash = state.hashing.hash(body.password).await?;
    let (codes, hashes) = if step.is_some() {
        let codes = two_factor::new_recovery_codes();
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| two_factor::recovery_code_hash(c))
            .collect();
        (codes, hashes)
    } else {
        (Vec::new(), Vec::new())
    };
    let session_token = crate::token::generate();
    let session_hash = crate::token::hash(&session_token);
    let now = now_ms();
    let expires_at_ms = now + state.settings.session_max_lifetime.as_millis() as i64;
    let me = state
        .store
        .activate(Activation {
            token_hash: &crate::token::hash(token),
            password_hash: &password_hash,
            pledge_version: body.pledge_version,
            two_factor: step.map(|s| (s, hashes.as_slice())),
            session: NewSession {
                token_hash: &session_hash,
                user_id: target.user_id,
                now_ms: now,
                expires_at_ms,
                client_ip: ip,
            },
        })
        .await?;
    let activated = Activated {
        session: Session {
            token: session_token,
            expires_at: from_ms(expires_at_ms),
            idle_timeout_seconds: state.settings.session_idle_timeout.as_secs() as u32,
            user: me,
            device_token: None,
        },
        recovery_codes: codes,
    };
    let mut response = (StatusCode::CREATED, axum::Json(activated)).into_response();
    response.extensions_mut().insert(SecretBody);
    Ok(response)
}
