//! `POST` and `DELETE /api/v1/facilities/{facility_id}/suspension`: the operator suspends and
//! reactivates a whole facility (one that left the network, or a breach under investigation).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use tsunagu_api::Problem;

use super::common_responses::SessionErrors;
use super::extract::{parse_id, ClientIp};
use super::{AppState, AuthUser, Error};

/// Suspends a facility: every active staff account of it is suspended with it (it cannot log
/// in; its sessions and open event streams end at once; what it wrote stays), and no staff can
/// be added until it is reactivated. The operator only.
#[utoipa::path(
    post,
    path = "/api/v1/facilities/{facility_id}/suspension",
    tag = "staff",
    security(("bearer" = [])),
    params(("facility_id" = Uuid, Path, description = "The facility")),
    responses(
        (status = 204, description = "Suspended (also when it was already)"),
        (status = 403, description = "Not the operator (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn suspend_facility(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(facility_id): Path<String>,
) -> Result<StatusCode, Error> {
    let facility = parse_id(&facility_id)?;
    let changed = state
        .store
        .set_facility_suspended(auth.user_id, facility, true, ip)
        .await?;
    for user in changed {
        state.live.close_user(user);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Reactivates a facility and exactly the accounts suspended with it (one suspended on its own
/// stays suspended). The operator only.
#[utoipa::path(
    delete,
    path = "/api/v1/facilities/{facility_id}/suspension",
    tag = "staff",
    security(("bearer" = [])),
    params(("facility_id" = Uuid, Path, description = "The facility")),
    responses(
        (status = 204, description = "Active (also when it was already)"),
        (status = 403, description = "Not the operator (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn reactivate_facility(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(facility_id): Path<String>,
) -> Result<StatusCode, Error> {
    let facility = parse_id(&facility_id)?;
    state
        .store
        .set_facility_suspended(auth.user_id, facility, false, ip)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
