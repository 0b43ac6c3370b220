//! `GET /api/v1/me`: the logged-in user.

use axum::extract::State;
use axum::Json;
use tsunagu_api::{Me, Problem};

use super::{AppState, AuthUser, Error};

/// The user the bearer token belongs to.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The logged-in user", body = Me),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_me(State(state): State<AppState>, auth: AuthUser) -> Result<Json<Me>, Error> {
    let me = state
        .store
        .me(auth.user_id)
        .await?
        // The session was valid a moment ago; a user deleted since is simply logged out.
        .ok_or(Error::Unauthenticated)?;
    Ok(Json(me))
}
