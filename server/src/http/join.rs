//! One-time links, opened without a login: `GET /api/v1/join/{token}` says what the link is
//! for; `POST /api/v1/join/{token}` creates the family account, joins the group and logs in.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tsunagu_api::{ErrorCode, JoinAsFamily, JoinInfo, Problem, Session};

use super::common_responses::{JsonBodyErrors, ServerErrors};
use super::extract::{ClientIp, Json};
use super::{AppState, Error, SecretBody};
use crate::audit::{Action, Entry};
use crate::store::{JoinFamily, OpenLink};
use crate::time::{from_ms, now_ms};
use tsunagu_api::MAX_NAME_CHARS;

/// Longest login ID accepted.
const MAX_LOGIN_ID_CHARS: usize = 64;

/// The open link with this token; anything else is one and the same 404.
async fn open_link(state: &AppState, token: &str) -> Result<OpenLink, Error> {
    state
        .store
        .open_link(&crate::token::hash(token))
        .await?
        .ok_or(Error::InvitationInvalid)
}

/// What a link invites to, so the person can decide. No login.
#[utoipa::path(
    get,
    path = "/api/v1/join/{token}",
    tag = "join",
    params(("token" = String, Path, description = "The secret of the link")),
    responses(
        (status = 200, description = "The link is open", body = JoinInfo),
        (status = 404, description = "Unknown, used, revoked or expired: one answer for all (`invitation_invalid`)", body = Problem, content_type = "application/problem+json"),
        ServerErrors,
    )
)]
pub async fn join_info(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> Result<axum::Json<JoinInfo>, Error> {
    let link = open_link(&state, &token).await?;
    state
        .store
        .audit(
            Entry::new(Action::JoinRead, None, ip)
                .group(link.group_id)
                .target(link.id),
        )
        .await?;
    Ok(axum::Json(JoinInfo {
        kind: link.kind,
        group_name: link.group_name,
        invited_by: link.invited_by.ok_or(Error::InvitationInvalid)?,
        expires_at: from_ms(link.expires_at_ms),
    }))
}

fn validation(field: &'static str, code: ErrorCode) -> Error {
    Error::Validation { field, code }
}

/// Accepts a family link: creates the family account (profession `family`, no facility), makes
/// it a `family` member of the group, and logs it in. Single use.
///
/// Refused attempts (an unknown link, a taken login ID) are throttled per link and per client
/// address: 10 within 15 minutes. A taken login ID is written to the audit log.
#[utoipa::path(
    post,
    path = "/api/v1/join/{token}",
    tag = "join",
    params(("token" = String, Path, description = "The secret of the link")),
    request_body = JoinAsFamily,
    responses(
        (status = 201, description = "Joined and logged in", body = Session),
        (status = 404, description = "Unknown, used, revoked or expired (`invitation_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The login ID is taken (`login_id_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A registration link, completed by the registration flow (`invitation_invalid`); a field missing or too long (`field_required`, `field_too_long`); a weak password (`password_too_weak`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many refused attempts, or too many password operations at once (`rate_limited`)", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until another attempt is accepted"))),
        ServerErrors,
        JsonBodyErrors,
    )
)]
pub async fn join_as_family(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Json(join): Json<JoinAsFamily>,
) -> Result<Response, Error> {
    // Counted before the link is looked up, so concurrent attempts cannot outrun the limit.
    let attempt = state
        .throttles
        .check_join(&token, ip)
        .await?
        .map_err(|refused| Error::RateLimited {
            retry_after_secs: refused.retry_after_secs(),
        })?;
    let result = join_inner(&state, ip, &token, join).await;
    // A taken login ID counts like an unknown link: a valid link must not be an unlimited
    // oracle of which login IDs exist.
    let resolved = if matches!(result, Err(Error::InvitationInvalid | Error::LoginIdTaken)) {
        attempt.failed().await
    } else {
        attempt.release().await
    };
    // The answer stands (an account may have been created): an attempt left unresolved stops
    // counting after a minute, and until then errs on the side of refusing.
    if let Err(e) = resolved {
        tracing::error!(error = ?e, "resolving a family-link attempt failed");
    }
    result
}

/// Audits a refusal for a taken login ID (the link stays open).
fn refused(link: &OpenLink, ip: Option<std::net::IpAddr>) -> Entry {
    Entry::new(Action::JoinRefused, None, ip)
        .group(link.group_id)
        .target(link.id)
}

async fn join_inner(
    state: &AppState,
    ip: Option<std::net::IpAddr>,
    token: &str,
    join: JoinAsFamily,
) -> Result<Response, Error> {
    let link = open_link(state, token).await?;
    if link.kind != tsunagu_api::InvitationKind::Family {
        return Err(Error::InvitationWrongKind);
    }
    let display_name = join.display_name.trim().to_owned();
    if display_name.is_empty() {
        return Err(validation("display_name", ErrorCode::FieldRequired));
    }
    if display_name.chars().count() > MAX_NAME_CHARS {
        return Err(validation("display_name", ErrorCode::FieldTooLong));
    }
    let login_id = join.login_id.trim().to_owned();
    if login_id.is_empty() {
        return Err(validation("login_id", ErrorCode::FieldRequired));
    }
    if login_id.chars().count() > MAX_LOGIN_ID_CHARS {
        return Err(validation("login_id", ErrorCode::FieldTooLong));
    }
    tsunagu_api::validate_password(&join.password).map_err(|code| validation("password", code))?;
    // Checked again when the account is written; this spares the hashing when it is taken.
    if state.store.user_id_by_login(&login_id).await?.is_some() {
        state.store.audit(refused(&link, ip)).await?;
        return Err(Error::LoginIdTaken);
    }
    // Slow: hashed before any write, within the server's bound on hashing.
    let password_hash = state.hashing.hash(join.password).await?;
    let token = crate::token::generate();
    let token_hash = crate::token::hash(&token);
    let expires_at_ms = now_ms() + state.settings.session_max_lifetime.as_millis() as i64;
    let user = state
        .store
        .join_family(JoinFamily {
            link: &link,
            login_id: &login_id,
            password_hash: &password_hash,
            display_name: &display_name,
            relationship: join.relationship,
            session_token_hash: &token_hash,
            session_expires_at_ms: expires_at_ms,
            client_ip: ip,
        })
        .await?;

    let session = Session {
        token,
        expires_at: from_ms(expires_at_ms),
        idle_timeout_seconds: state.settings.session_idle_timeout.as_secs() as u32,
        user,
        device_token: None,
    };
    let mut response = (StatusCode::CREATED, axum::Json(session)).into_response();
    response.extensions_mut().insert(SecretBody);
    Ok(response)
}
