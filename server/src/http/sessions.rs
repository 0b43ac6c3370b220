//! `POST /api/v1/sessions` (log in), `DELETE /api/v1/sessions/current` (log out) and
//! `PUT /api/v1/session/media-cookie` (the session as a cookie for media elements).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tsunagu_api::{LoginRequest, Problem, Session, MEDIA_COOKIE};

use super::common_responses::{ServerErrors, SessionErrors};
use super::extract::{ClientIp, Json};
use super::{AppState, AuthUser, Error, SecretBody};
use crate::audit::{Action, Entry};
use crate::password::HashError;
use crate::store::NewSession;
use crate::time::{from_ms, now_ms, now_secs};
use crate::two_factor;

/// Logs in with login ID and password and returns a new bearer token. An account with
/// two-factor login also needs `code`: the 6-digit code of its authenticator app (each time
/// step logs in once) or one of its recovery codes (each once).
///
/// Failed attempts slow down further ones from the same address for the same login ID: five
/// are answered at once, then each waits twice as long as the last (1 s, 2 s, 4 s … up to
/// 15 minutes), until a correct password. Failures from other addresses never block an
/// address that has none of its own. An address with very many failures for any login IDs
/// waits up to 30 s between attempts. A throttled attempt, or one that finds the server busy
/// checking other passwords, is refused before the password is checked.
#[utoipa::path(
    post,
    path = "/api/v1/sessions",
    tag = "sessions",
    request_body = LoginRequest,
    responses(
        (status = 201, description = "Logged in", body = Session),
        (status = 400, description = "Malformed JSON body (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown login ID or wrong password (`invalid_credentials`); right password of an account with two-factor login but no `code` (`two_factor_required`); a wrong, expired or already used code (`invalid_two_factor_code`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"tsunagu\"`"))),
        (status = 403, description = "Right password of an account the operator's policy requires two-factor login of, without it set up (`two_factor_setup_required`): a new activation link sets it up", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body larger than 256 KiB (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not `application/json` (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts, or too many logins at once (`rate_limited`)", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until another attempt may be accepted"))),
        ServerErrors,
    )
)]
pub async fn create_session(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(login): Json<LoginRequest>,
) -> Result<Response, Error> {
    // Decided and counted before the password is checked, in one step: concurrent attempts
    // cannot all slip through while the first ones are still being verified.
    let attempt = match state.throttles.check_login(&login.login_id, ip).await? {
        Ok(attempt) => attempt,
        Err(refused) => {
            if refused.audit {
                let user_id = state.store.user_id_by_login(&login.login_id).await?;
                state
                    .store
                    .audit(Entry::new(Action::SessionLoginThrottled, user_id, ip))
                    .await?;
            }
            return Err(Error::RateLimited {
                retry_after_secs: refused.retry_after_secs(),
            });
        }
    };

    let user = state.store.login_user(&login.login_id).await?;
    let user_id = user.as_ref().map(|u| u.me.id);

    // Verify even when the user is unknown, against a hash of a random password, so both cases
    // cost the same time and answer the same.
    let phc = user
        .as_ref()
        .map_or_else(|| state.dummy_hash.to_string(), |u| u.password_hash.clone());
    let password_ok = match state.hashing.verify(login.password, phc).await {
        Ok(ok) => ok,
        Err(HashError::Busy) => {
            // Not the client's failure: the attempt is released uncounted.
            attempt.release().await?;
            if state.throttles.audit_busy() {
                state
                    .store
                    .audit(Entry::new(Action::SessionLoginBusy, user_id, ip))
                    .await?;
            }
            return Err(HashError::Busy.into());
        }
        Err(e) => return Err(e.into()),
    };
    let user = match user {
        Some(user) if password_ok => user,
        _ => {
            attempt.failed().await?;
            state
                .store
                .audit(Entry::new(Action::SessionLoginFailed, user_id, ip))
                .await?;
            return Err(Error::InvalidCredentials);
        }
    };
    // Read once: the policy, and whether devices may be remembered.
    let settings =
        if user.totp_secret.is_none() || login.remember_device || login.device_token.is_some() {
            Some(state.store.settings().await?)
        } else {
            None
        };
    let remembering = settings.as_ref().is_some_and(|s| s.remember_device);
    if user.totp_secret.is_none() {
        let policy = settings.clone().unwrap_or_default().two_factor;
        let facility_kind = user.me.facility.as_ref().map(|f| f.kind);
        if policy.requires(facility_kind, user.me.profession) {
            // The password was right, so this is no guess to count; the account is set up
            // again through a new activation link from its facility's administrator.
            attempt.release().await?;
            state
                .store
                .audit(Entry::new(Action::SessionLoginNeedsTwoFactor, user_id, ip))
                .await?;
            return Err(Error::TwoFactorSetupRequired);
        }
    }
    let mut device_token = None;
    // A device remembered after an earlier login with a code, while the operator allows it.
    let trusted = match (&user.totp_secret, &login.device_token) {
        (Some(_), Some(token)) if remembering => {
            state
                .store
                .is_trusted_device(user.me.id, &crate::token::hash(token))
                .await?
        }
        _ => false,
    };
    if let (Some(secret), false) = (&user.totp_secret, trusted) {
        let code = login
            .code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        let Some(code) = code else {
            // The password was right: not a failure to count, but not a login yet.
            attempt.release().await?;
            return Err(Error::TwoFactorRequired);
        };
        let accepted = if two_factor::is_one_time_code(code) {
            match two_factor::matching_step(secret, code, now_secs()) {
                // Refused when this code's step (or a later one) logged in before.
                Some(step) => state.store.accept_totp_step(user.me.id, step).await?,
                None => false,
            }
        } else {
            let hash = two_factor::recovery_code_hash(code);
            let used = state.store.use_recovery_code(user.me.id, &hash).await?;
            if used {
                state
                    .store
                    .audit(Entry::new(Action::TwoFactorRecoveryUsed, user_id, ip))
                    .await?;
            }
            used
        };
        if !accepted {
            attempt.failed().await?;
            state
                .store
                .audit(Entry::new(Action::SessionLoginFailed, user_id, ip))
                .await?;
            return Err(Error::InvalidTwoFactorCode);
        }
        if login.remember_device && remembering {
            let token = crate::token::generate();
            let days = i64::from(tsunagu_api::REMEMBER_DEVICE_DAYS);
            state
                .store
                .remember_device(
                    user.me.id,
                    &crate::token::hash(&token),
                    now_ms() + days * 86_400_000,
                )
                .await?;
            device_token = Some(token);
        }
    }
    attempt.succeeded().await?;

    let token = crate::token::generate();
    let now = now_ms();
    let expires_at_ms = now + state.settings.session_max_lifetime.as_millis() as i64;
    state
        .store
        .create_session(NewSession {
            token_hash: &crate::token::hash(&token),
            user_id: user.me.id,
            now_ms: now,
            expires_at_ms,
            client_ip: ip,
        })
        .await?;

    let session = Session {
        token,
        expires_at: from_ms(expires_at_ms),
        idle_timeout_seconds: state.settings.session_idle_timeout.as_secs() as u32,
        user: user.me,
        device_token,
    };
    let mut response = (StatusCode::CREATED, axum::Json(session)).into_response();
    response.extensions_mut().insert(SecretBody);
    Ok(response)
}

/// Logs out: the presented token stops working at once.
#[utoipa::path(
    delete,
    path = "/api/v1/sessions/current",
    tag = "sessions",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out; the media cookie is cleared",
            headers(("Set-Cookie" = String, description = "`tsunagu_media` emptied"))),
        SessionErrors,
    )
)]
pub async fn delete_current_session(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
) -> Result<Response, Error> {
    state
        .store
        .delete_session(
            &auth.token_hash,
            Entry::new(Action::SessionDelete, Some(auth.user_id), ip),
        )
        .await?;
    state.live.close_session(auth.user_id, &auth.token_hash);
    let clear =
        format!("{MEDIA_COOKIE}=; Path={MEDIA_COOKIE_PATH}; Max-Age=0; HttpOnly; SameSite=Strict");
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            HeaderValue::from_str(&clear).map_err(anyhow::Error::from)?,
        )],
    )
        .into_response())
}

/// Where the media cookie is sent: the files only.
const MEDIA_COOKIE_PATH: &str = "/api/v1/media";

/// Sets the `tsunagu_media` cookie for the bearer's session, so `<img>`, `<video>` and
/// `<audio>` elements (which cannot send a header) may fetch `/api/v1/media/...`. The cookie
/// is HttpOnly, `SameSite=Strict`, sent only under `/api/v1/media`, `Secure` over HTTPS, and
/// ends with the session (logging out clears it).
#[utoipa::path(
    put,
    path = "/api/v1/session/media-cookie",
    tag = "sessions",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Cookie set",
            headers(("Set-Cookie" = String, description = "`tsunagu_media=...; Path=/api/v1/media; HttpOnly; SameSite=Strict`"))),
        SessionErrors,
    )
)]
pub async fn put_media_cookie(
    State(state): State<AppState>,
    auth: AuthUser,
    request: Request,
) -> Result<Response, Error> {
    let _ = auth;
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .map(|(_, token)| token.trim().to_owned())
        .ok_or(Error::Unauthenticated)?;
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let https =
        crate::proxy::forwarded_https(peer, request.headers(), &state.settings.trusted_proxies);
    let max_age = state.settings.session_max_lifetime.as_secs();
    let cookie = format!(
        "{MEDIA_COOKIE}={token}; Path={MEDIA_COOKIE_PATH}; Max-Age={max_age}; HttpOnly; SameSite=Strict{}",
        if https { "; Secure" } else { "" }
    );
    let mut response = (
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            HeaderValue::from_str(&cookie).map_err(anyhow::Error::from)?,
        )],
    )
        .into_response();
    response.extensions_mut().insert(SecretBody);
    Ok(response)
}
