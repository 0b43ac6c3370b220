//! `/api/v1/settings`: how the deployment runs, set by the operator — who must use two-factor
//! login, and after how long the app locks its screen.

use axum::extract::State;
use tsunagu_api::{ErrorCode, Problem, Settings};

use super::common_responses::{JsonBodyErrors, SessionErrors};
use super::extract::{ClientIp, Json};
use super::{AppState, AuthUser, Error};

/// Longest idle lock the operator may set, in minutes.
const MAX_IDLE_LOCK_MINUTES: u32 = 120;

/// The settings (the operator).
#[utoipa::path(
    get,
    path = "/api/v1/settings",
    tag = "settings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = Settings),
        (status = 403, description = "Not the operator (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn get_settings(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<axum::Json<Settings>, Error> {
    let me = state
        .store
        .me(auth.user_id)
        .await?
        .ok_or(Error::Unauthenticated)?;
    if !me.is_operator {
        return Err(Error::Forbidden);
    }
    Ok(axum::Json(state.store.settings().await?))
}

/// Saves the settings (the operator). A two-factor policy takes effect at each account's next
/// login: one that must use it and has not set it up is refused (`two_factor_setup_required`)
/// until a new activation link sets it up. The operator's own account must have it first if
/// the policy covers it, so the operator cannot lock themselves out.
#[utoipa::path(
    put,
    path = "/api/v1/settings",
    tag = "settings",
    security(("bearer" = [])),
    request_body = Settings,
    responses(
        (status = 200, description = "Saved", body = Settings),
        (status = 403, description = "Not the operator (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Idle lock out of 1–120 minutes (`field_invalid` on `idle_lock_minutes`); a policy covering the operator, who has no two-factor login (`two_factor_setup_required` on `two_factor`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
    )
)]
pub async fn put_settings(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Json(settings): Json<Settings>,
) -> Result<axum::Json<Settings>, Error> {
    let me = state
        .store
        .me(auth.user_id)
        .await?
        .ok_or(Error::Unauthenticated)?;
    if !me.is_operator {
        return Err(Error::Forbidden);
    }
    if !(1..=MAX_IDLE_LOCK_MINUTES).contains(&settings.idle_lock_minutes) {
        return Err(Error::Validation {
            field: "idle_lock_minutes",
            code: ErrorCode::FieldInvalid,
        });
    }
    let covers_me = settings
        .two_factor
        .requires(me.facility.as_ref().map(|f| f.kind), me.profession);
    if covers_me && !me.two_factor {
        return Err(Error::Validation {
            field: "two_factor",
            code: ErrorCode::TwoFactorSetupRequired,
        });
    }
    state
        .store
        .put_settings(auth.user_id, &settings, ip)
        .await?;
    Ok(axum::Json(settings))
}
