//! `POST` and `DELETE /api/v1/users/{user_id}/suspension`: suspending and reactivating an
//! account (the operator; a facility's admin for its staff).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use tsunagu_api::Problem;

use super::common_responses::SessionErrors;
use super::extract::{parse_id, ClientIp};
use super::{AppState, AuthUser, Error};

/// Suspends an account: it cannot log in, its sessions end and its open event streams close at
/// once. What it wrote stays. The operator may suspend anyone but an operator; a facility's
/// administrator the staff of that facility; to anyone else the account does not exist.
#[utoipa::path(
    post,
    path = "/api/v1/users/{user_id}/suspension",
    tag = "users",
    security(("bearer" = [])),
    params(("user_id" = Uuid, Path, description = "The account")),
    responses(
        (status = 204, description = "Suspended (also when it was already)"),
        (status = 403, description = "One's own account, or an operator's (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not the caller's to suspend (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn suspend_user(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(user_id): Path<String>,
) -> Result<StatusCode, Error> {
    set_suspended(&state, ip, &auth, &user_id, true).await
}

/// Reactivates a suspended account: it can log in again (its old sessions stay ended).
#[utoipa::path(
    delete,
    path = "/api/v1/users/{user_id}/suspension",
    tag = "users",
    security(("bearer" = [])),
    params(("user_id" = Uuid, Path, description = "The account")),
    responses(
        (status = 204, description = "Active (also when it was already)"),
        (status = 403, description = "One's own account, or an operator's (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not the caller's to reactivate (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn reactivate_user(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(user_id): Path<String>,
) -> Result<StatusCode, Error> {
    set_suspended(&state, ip, &auth, &user_id, false).await
}

async fn set_suspended(
    state: &AppState,
    ip: Option<std::net::IpAddr>,
    auth: &AuthUser,
    user_id: &str,
    suspended: bool,
) -> Result<StatusCode, Error> {
    let target = parse_id(user_id)?;
    state
        .store
        .set_suspended(auth.user_id, target, suspended, ip)
        .await?;
    if suspended {
        // This instance's streams end now; another instance's (PostgreSQL) at its next
        // delivery or heartbeat, when it finds the session gone.
        state.live.close_user(target);
    }
    Ok(StatusCode::NO_CONTENT)
}
