//! `GET /api/v1/operator/dashboard` and `…/dashboard.csv`: the operator's adoption dashboard —
//! the seed's table of registered facilities by type, users by profession, weekly activity,
//! new patient groups and the facilities that never started — and its tables as CSV files.
//! Counted by aggregate queries on every request (see `domain::dashboard` for the windows and
//! `store::sqlite::dashboard` for what counts). Reading and exporting it are logged.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tsunagu_api::{AdoptionDashboard, ErrorCode, Problem, MAX_NEVER_ACTIVE_LISTED};
use utoipa::IntoParams;

use super::common_responses::SessionErrors;
use super::extract::{ClientIp, Query};
use super::{AppState, AuthUser, Error};
use crate::audit::{Action, Entry};
use crate::domain::dashboard::{self, Table, Window};
use crate::domain::spreadsheet::write_sheet;

/// Most never-active facilities a CSV export lists (the dashboard lists 200).
const MAX_NEVER_ACTIVE_EXPORTED: i64 = 10_000;

/// Refuses anyone but the operator (403 `forbidden`, as the other operator resources).
async fn require_operator(state: &AppState, auth: &AuthUser) -> Result<(), Error> {
    let me = state
        .store
        .me(auth.user_id)
        .await?
        .ok_or(Error::Unauthenticated)?;
    if me.is_operator {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

async fn count(state: &AppState, now_ms: i64, listed: i64) -> Result<AdoptionDashboard, Error> {
    let window = Window::at(now_ms);
    let counts = state.store.dashboard_counts(&window, listed).await?;
    Ok(dashboard::assemble(now_ms, &window, counts))
}

/// The adoption dashboard (the operator), counted now. Days, weeks (from Monday) and months are
/// Japan time. A facility is *registered* once it exists (approved, or created by the
/// operator; pending applications are not facilities yet), suspended ones included. An account
/// is *active* on a day it made an authenticated request (logging in included); days before
/// activity was recorded are those it wrote a post or logged in. A facility is *active in the
/// last 7 days* (today and the 6 days before) when one of its staff was, and *never active*
/// when none of its staff ever was. *Users* are accounts that are activated and not
/// offboarded (suspended ones included), the operator's not; family accounts count under the
/// profession `family` and under no facility. *Posts* are person-written posts (system
/// entries not; deleted ones yes) counted by the author's facility at the time of counting;
/// posts of accounts without a facility are in no kind's count.
#[utoipa::path(
    get,
    path = "/api/v1/operator/dashboard",
    tag = "operator",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The dashboard", body = AdoptionDashboard),
        (status = 403, description = "Not the operator (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn get_dashboard(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
) -> Result<axum::Json<AdoptionDashboard>, Error> {
    require_operator(&state, &auth).await?;
    let dashboard = count(
        &state,
        crate::time::now_ms(),
        MAX_NEVER_ACTIVE_LISTED as i64,
    )
    .await?;
    state
        .store
        .audit(Entry::new(Action::DashboardRead, Some(auth.user_id), ip))
        .await?;
    Ok(axum::Json(dashboard))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// Which table: `facilities` (with a total row), `professions`, `weeks`,
    /// `patient_groups` or `never_active` (every such facility, up to 10,000).
    table: String,
}

/// One table of the dashboard as a CSV file Excel in Japan opens as it is (UTF-8 with BOM,
/// CRLF), with Japanese headers and labels; the export is logged.
#[utoipa::path(
    get,
    path = "/api/v1/operator/dashboard.csv",
    tag = "operator",
    security(("bearer" = [])),
    params(ExportParams),
    responses(
        (status = 200, description = "The table", body = String, content_type = "text/csv"),
        (status = 400, description = "No `table` (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the operator (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown table (`field_invalid` on `table`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn export_dashboard(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Query(params): Query<ExportParams>,
) -> Result<Response, Error> {
    require_operator(&state, &auth).await?;
    let table = Table::parse(&params.table).ok_or(Error::Validation {
        field: "table",
        code: ErrorCode::FieldInvalid,
    })?;
    let now = crate::time::now_ms();
    let listed = if table == Table::NeverActive {
        MAX_NEVER_ACTIVE_EXPORTED
    } else {
        MAX_NEVER_ACTIVE_LISTED as i64
    };
    let dashboard = count(&state, now, listed).await?;
    state
        .store
        .audit(Entry::new(Action::DashboardExport, Some(auth.user_id), ip))
        .await?;
    let (header, rows) = dashboard::table(table, &dashboard);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let file = write_sheet(&header, &rows);
    let disposition = format!(
        "attachment; filename=\"{}\"",
        table.file_name(dashboard::jst_day(now))
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        file,
    )
        .into_response())
}
