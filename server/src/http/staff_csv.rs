//! A facility's staff list as a CSV file, as Excel in Japan reads and writes it: import (UTF-8
//! with or without BOM, or Shift_JIS/CP932; a preview with every row's problems; then all rows
//! or none) and export (UTF-8 with BOM).

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tsunagu_api::{
    ActivationLink, ImportProblem, ImportRow, NewStaff, Problem, StaffActivation, StaffImport,
    StaffMember,
};
use utoipa::IntoParams;

use super::common_responses::SessionErrors;
use super::extract::{parse_id, ClientIp, Query};
use super::{AppState, AuthUser, Error, SecretBody};
use crate::audit::{Action, Entry};
use crate::domain::staff_csv::{self, ExportRow, RowResult};
use crate::store::NewActivation;
use crate::time::from_ms;

/// Largest file accepted (the route's body limit).
pub const MAX_FILE_BYTES: usize = staff_csv::MAX_FILE_BYTES;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Only read and check the file (the preview): nothing is created.
    #[serde(default)]
    dry_run: bool,
}

/// Reads a staff list file: columns 氏名 (name), ふりがな (kana), 職種 (profession), ログインID
/// (login ID), in any order, Japanese or English headers; other columns are ignored. Every row
/// is checked (also against login IDs in use); with `dry_run` that report is the answer.
/// Without it, the accounts of all rows are created in one transaction, each waiting for its
/// activation link — or, if any row has a problem, none (422 `import_invalid`).
#[utoipa::path(
    post,
    path = "/api/v1/facilities/{facility_id}/staff/import",
    tag = "staff",
    security(("bearer" = [])),
    params(("facility_id" = Uuid, Path, description = "The facility"), ImportParams),
    request_body(content = String, content_type = "text/csv", description = "The file, at most 1 MiB and 1,000 rows"),
    responses(
        (status = 200, description = "The preview (`dry_run`)", body = StaffImport),
        (status = 201, description = "Every row created; their activation links", body = StaffImport),
        (status = 404, description = "No such facility, or not the caller's to manage (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A login ID was taken between the check and the import (`login_id_taken`): preview again", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 1 MiB (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file cannot be read (encoding, header, size), or a row has a problem and nothing was created (`import_invalid`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn import_staff(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(facility_id): Path<String>,
    Query(params): Query<ImportParams>,
    body: Bytes,
) -> Result<Response, Error> {
    let facility = parse_id(&facility_id)?;
    // Authorised (and audited as a read) before anything of the file is looked at.
    state.store.staff_of(auth.user_id, facility, ip).await?;
    let text = staff_csv::decode(&body).map_err(|e| Error::ImportInvalid(e.to_string()))?;
    let rows = staff_csv::parse(&text).map_err(|e| Error::ImportInvalid(e.to_string()))?;
    let mut report = report(&state, rows).await?;
    if params.dry_run {
        return Ok(axum::Json(report).into_response());
    }
    if report.invalid > 0 || report.valid == 0 {
        return Err(Error::ImportInvalid(format!(
            "{} of {} rows have problems; nothing was imported",
            report.invalid,
            report.rows.len()
        )));
    }
    let links: Vec<(String, String, i64)> = report
        .rows
        .iter()
        .map(|_| crate::token::activation_link())
        .collect();
    let staff: Vec<(NewStaff, NewActivation<'_>)> = report
        .rows
        .iter()
        .zip(&links)
        .filter_map(|(row, (_, hash, expires_at_ms))| {
            row.staff.clone().map(|s| {
                (
                    s,
                    NewActivation {
                        token_hash: hash,
                        expires_at_ms: *expires_at_ms,
                    },
                )
            })
        })
        .collect();
    let added = state
        .store
        .add_staff(auth.user_id, facility, &staff, true, ip)
        .await?;
    report.created = added
        .into_iter()
        .zip(links)
        .map(|(staff, (token, _, expires_at_ms))| activation(staff, token, expires_at_ms))
        .collect();
    let mut response = (StatusCode::CREATED, axum::Json(report)).into_response();
    response.extensions_mut().insert(SecretBody);
    Ok(response)
}

fn activation(staff: StaffMember, token: String, expires_at_ms: i64) -> StaffActivation {
    StaffActivation {
        activation: ActivationLink {
            user_id: staff.id,
            login_id: staff.login_id.clone(),
            token,
            expires_at: from_ms(expires_at_ms),
        },
        staff,
    }
}

/// Each row with its problems, the file's own and a login ID already in use.
async fn report(state: &AppState, rows: Vec<RowResult>) -> Result<StaffImport, Error> {
    let wanted: Vec<String> = rows
        .iter()
        .filter_map(|r| r.result.as_ref().ok().map(|s| s.login_id.clone()))
        .collect();
    let taken: HashSet<String> = state
        .store
        .taken_login_ids(&wanted)
        .await?
        .into_iter()
        .map(|id| id.to_ascii_lowercase())
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let line = u32::try_from(row.line).unwrap_or(u32::MAX);
        out.push(match row.result {
            Ok(s) if taken.contains(&s.login_id.to_ascii_lowercase()) => ImportRow {
                line,
                staff: None,
                problems: vec![ImportProblem {
                    field: "login_id".into(),
                    code: "login_id_taken".into(),
                }],
            },
            Ok(s) => ImportRow {
                line,
                staff: Some(NewStaff {
                    display_name: s.display_name,
                    display_name_kana: s.display_name_kana,
                    profession: s.profession,
                    login_id: s.login_id,
                }),
                problems: Vec::new(),
            },
            Err(errors) => ImportRow {
                line,
                staff: None,
                problems: errors
                    .iter()
                    .map(|e| ImportProblem {
                        field: e.field().into(),
                        code: e.code().into(),
                    })
                    .collect(),
            },
        });
    }
    let valid = out.iter().filter(|r| r.staff.is_some()).count() as u32;
    Ok(StaffImport {
        invalid: out.len() as u32 - valid,
        valid,
        rows: out,
        created: Vec::new(),
    })
}

/// The staff list as a CSV file Excel opens as it is: UTF-8 with BOM, CRLF, Japanese headers
/// (氏名, ふりがな, 職種, ログインID, 状態); the file imports back unchanged. Offboarded accounts are
/// left out. Audited as an export.
#[utoipa::path(
    get,
    path = "/api/v1/facilities/{facility_id}/staff.csv",
    tag = "staff",
    security(("bearer" = [])),
    params(("facility_id" = Uuid, Path, description = "The facility")),
    responses(
        (status = 200, description = "The staff list", body = String, content_type = "text/csv"),
        (status = 404, description = "No such facility, or not the caller's to manage (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn export_staff(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(facility_id): Path<String>,
) -> Result<Response, Error> {
    let facility = parse_id(&facility_id)?;
    let list = state.store.staff_of(auth.user_id, facility, ip).await?;
    state
        .store
        .audit(Entry::new(Action::StaffExport, Some(auth.user_id), ip).target(facility))
        .await?;
    let rows: Vec<ExportRow<'_>> = list
        .items
        .iter()
        .filter(|s| s.status != tsunagu_api::AccountStatus::Offboarded)
        .map(|s| ExportRow {
            display_name: &s.display_name,
            display_name_kana: &s.display_name_kana,
            profession: s.profession,
            login_id: &s.login_id,
            suspended: s.status == tsunagu_api::AccountStatus::Suspended,
        })
        .collect();
    let file = staff_csv::export(&rows);
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"staff.csv\"",
            ),
        ],
        file,
    )
        .into_response();
    response.extensions_mut().insert(SecretBody);
    Ok(response)
}
