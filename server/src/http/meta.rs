//! `GET /api/v1/meta`: what this backend is and implements.

use axum::extract::State;
use axum::Json;
use tsunagu_api::{Limits, Meta, Problem, MAX_PAGE_LIMIT, MAX_POST_CHARS};

use super::{AppState, Error};

/// Backend name, version, optional capabilities and limits. No authentication: the login
/// screen reads it.
#[utoipa::path(
    get,
    path = "/api/v1/meta",
    tag = "meta",
    responses(
        (status = 200, description = "Backend identity, capabilities and limits", body = Meta),
        (status = 500, description = "The database did not answer (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_meta(State(state): State<AppState>) -> Result<Json<Meta>, Error> {
    let first_start = !state.store.has_operator().await?;
    let operator = state.store.settings().await?;
    Ok(Json(Meta {
        name: env!("CARGO_PKG_NAME").to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        api_version: "v1".to_owned(),
        // Optional parts of the contract implemented here; web_push and email only when
        // configured.
        capabilities: ["events", "search", "resumable_upload"]
            .into_iter()
            .chain(state.push.public_key().map(|_| "web_push"))
            .chain(state.email.available().then_some("email"))
            .map(str::to_owned)
            .collect(),
        limits: Limits {
            max_post_chars: MAX_POST_CHARS as u32,
            max_page_limit: MAX_PAGE_LIMIT,
            session_idle_timeout_seconds: state.settings.session_idle_timeout.as_secs() as u32,
            media: state.settings.media.limits.clone(),
        },
        first_start,
        idle_lock_seconds: state
            .settings
            .idle_lock_seconds
            .unwrap_or(operator.idle_lock_minutes.saturating_mul(60)),
        remember_device_days: if operator.remember_device {
            tsunagu_api::REMEMBER_DEVICE_DAYS
        } else {
            0
        },
    }))
}
