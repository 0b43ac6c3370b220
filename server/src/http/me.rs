//! `GET /api/v1/me`: the logged-in user.

use axum::extract::State;
use axum::Json;
use tsunagu_api::Me;

use super::common_responses::SessionErrors;
use super::{AppState, AuthUser, Error};

/// The user the bearer token belongs to.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The logged-in user", body = Me),
        SessionErrors,
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
