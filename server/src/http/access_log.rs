//! `GET /api/v1/access-log` and `…/access-log.csv`: the access log for its reviewers — the
//! operator (every entry) and a facility's administrator (their staff's) — filtered, paged and
//! exported. Reading and exporting it are themselves logged.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tsunagu_api::{AccessLogPage, Problem, MAX_PAGE_LIMIT};
use utoipa::IntoParams;
use uuid::Uuid;

use super::common_responses::SessionErrors;
use super::extract::{ClientIp, Query};
use super::{AppState, AuthUser, Error, SecretBody};
use crate::audit::{Action, Entry};
use crate::domain::spreadsheet::write_sheet;
use crate::store::AccessLogQuery;

/// Most entries one export holds (narrow the filters for more).
const MAX_EXPORT_ROWS: i64 = 10_000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccessLogParams {
    /// Only what this account did.
    #[param(value_type = Option<Uuid>)]
    user_id: Option<Uuid>,
    /// Only what concerns this group.
    #[param(value_type = Option<Uuid>)]
    group_id: Option<Uuid>,
    /// Only actions containing this text (`session` for logins and logouts, `refused`…).
    action: Option<String>,
    /// From this time on (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    from: Option<DateTime<Utc>>,
    /// Before this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    to: Option<DateTime<Utc>>,
    /// Entries older than this id (the previous page's `next_before`).
    before: Option<i64>,
    /// Page size, at most 100.
    limit: Option<u32>,
}

impl AccessLogParams {
    fn query(&self, viewer: Uuid, limit: i64) -> AccessLogQuery {
        AccessLogQuery {
            viewer,
            user: self.user_id,
            group: self.group_id,
            action: self
                .action
                .as_deref()
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned),
            from_ms: self.from.map(|t| t.timestamp_millis()),
            to_ms: self.to.map(|t| t.timestamp_millis()),
            before: self.before,
            limit,
        }
    }
}

/// A page of the access log, newest first: who (account), what (action), which group and
/// target, when (server clock) and from where. The operator sees every entry; a facility's
/// administrator those of their facility's staff. A group's name shows only to a member of it.
#[utoipa::path(
    get,
    path = "/api/v1/access-log",
    tag = "access-log",
    security(("bearer" = [])),
    params(AccessLogParams),
    responses(
        (status = 200, description = "The entries, newest first", body = AccessLogPage),
        (status = 400, description = "A filter that is not a time, an id or a number (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the operator nor a facility's administrator (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn list_access_log(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Query(params): Query<AccessLogParams>,
) -> Result<Response, Error> {
    let limit = i64::from(params.limit.unwrap_or(50).clamp(1, MAX_PAGE_LIMIT));
    let items = state
        .store
        .access_log(&params.query(auth.user_id, limit))
        .await?;
    state
        .store
        .audit(Entry::new(Action::AccessLogRead, Some(auth.user_id), ip))
        .await?;
    let next_before = (items.len() as i64 == limit)
        .then(|| items.last().map(|e| e.id))
        .flatten();
    let mut response = axum::Json(AccessLogPage { items, next_before }).into_response();
    response.extensions_mut().insert(SecretBody);
    Ok(response)
}

/// The same entries as a CSV file Excel opens as it is (UTF-8 with BOM), at most 10,000 of
/// them; the export is itself logged.
#[utoipa::path(
    get,
    path = "/api/v1/access-log.csv",
    tag = "access-log",
    security(("bearer" = [])),
    params(AccessLogParams),
    responses(
        (status = 200, description = "The entries", body = String, content_type = "text/csv"),
        (status = 400, description = "A filter that is not a time, an id or a number (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the operator nor a facility's administrator (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn export_access_log(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Query(params): Query<AccessLogParams>,
) -> Result<Response, Error> {
    let items = state
        .store
        .access_log(&params.query(auth.user_id, MAX_EXPORT_ROWS))
        .await?;
    state
        .store
        .audit(Entry::new(Action::AccessLogExport, Some(auth.user_id), ip))
        .await?;
    let id = |u: Option<Uuid>| u.map(|u| u.to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = items
        .into_iter()
        .map(|e| {
            let (login_id, name) = e
                .user
                .map(|u| (u.login_id, u.display_name))
                .unwrap_or_default();
            vec![
                e.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                login_id,
                name,
                e.action,
                id(e.group_id),
                e.group_name.unwrap_or_default(),
                id(e.target_id),
                e.client_ip.unwrap_or_default(),
            ]
        })
        .collect();
    let file = write_sheet(
        &[
            "日時",
            "ログインID",
            "氏名",
            "操作",
            "グループID",
            "グループ名",
            "対象ID",
            "接続元",
        ],
        &rows,
    );
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"access-log.csv\"",
            ),
        ],
        file,
    )
        .into_response();
    response.extensions_mut().insert(SecretBody);
    Ok(response)
}
