//! `GET /api/v1/health`: whether a load balancer should send this instance traffic.

use std::time::Duration;

use axum::extract::State;
use axum::Json;
use tsunagu_api::{Health, Problem};

use super::{AppState, Error};

/// How long the database may take to answer before the instance counts as unhealthy.
const DATABASE_WAIT: Duration = Duration::from_secs(2);

/// 200 while this instance serves and its database answers; 503 once it is shutting down (a
/// load balancer then stops sending it new requests while its open ones finish and its event
/// streams reconnect elsewhere) or when the database does not answer within 2 s. No
/// authentication, no audit: it touches no patient data.
#[utoipa::path(
    get,
    path = "/api/v1/health",
    tag = "meta",
    responses(
        (status = 200, description = "The instance takes traffic", body = Health),
        (status = 503, description = "Shutting down, or the database does not answer (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_health(State(state): State<AppState>) -> Result<Json<Health>, Error> {
    if state.live.is_closing() {
        return Err(Error::Unavailable("shutting down"));
    }
    match tokio::time::timeout(DATABASE_WAIT, state.store.ping()).await {
        Ok(Ok(())) => Ok(Json(Health {
            status: "ok".to_owned(),
        })),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: the database does not answer");
            Err(Error::Unavailable("the database does not answer"))
        }
        Err(_) => Err(Error::Unavailable("the database does not answer")),
    }
}
