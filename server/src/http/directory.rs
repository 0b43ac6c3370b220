//! The directory of professionals and facilities (professionals and operators only).

use axum::extract::State;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use sqlx::types::uuid::fmt::Hyphenated;
use tsunagu_api::{
    DirectoryPage, DirectoryPerson, FacilityKind, FacilityList, FacilityRef, FacilitySummary,
    Problem, Profession,
};
use utoipa::IntoParams;
use uuid::Uuid;

use super::extract::{ClientIp, Query};
use super::groups::invalid_cursor;
use super::{AppState, AuthUser, Error};
use crate::audit::{Action, Entry};
use crate::cursor::clamp_limit;
use tsunagu_api::kana::katakana_to_hiragana as fold_kana;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryParams {
    /// Substring of the name, its kana reading (katakana is read as hiragana) or the facility's
    /// name.
    q: Option<String>,
    /// Only staff of this facility.
    #[param(value_type = Option<Uuid>)]
    facility_id: Option<Uuid>,
    /// Only staff of facilities of this kind.
    #[param(value_type = Option<FacilityKind>)]
    facility_kind: Option<FacilityKind>,
    /// Only this profession.
    #[param(value_type = Option<Profession>)]
    profession: Option<Profession>,
    /// Page size, default 50; values outside 1..=100 are clamped.
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    before: Option<String>,
}

/// Keyset cursor of the directory: the last person's kana and id.
fn encode_cursor(kana: &str, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}{kana}", id.hyphenated()))
}

fn decode_cursor(raw: &str) -> Option<(String, Uuid)> {
    let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let id = Uuid::try_parse(text.get(..36)?).ok()?;
    Some((text[36..].to_owned(), id))
}

/// `%`, `_` and the escape character itself match literally.
fn like_pattern(q: &str) -> String {
    let mut pattern = String::from("%");
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: Hyphenated,
    display_name: String,
    display_name_kana: String,
    profession: String,
    facility_id: Hyphenated,
    facility_name: String,
    facility_kind: String,
}

/// Refuses family accounts as if the directory did not exist.
fn require_professional(auth: &AuthUser) -> Result<(), Error> {
    if auth.is_family {
        Err(Error::NotFound)
    } else {
        Ok(())
    }
}

/// Registered professionals, by kana reading. Disabled and family accounts never appear.
#[utoipa::path(
    get,
    path = "/api/v1/directory/people",
    tag = "directory",
    security(("bearer" = [])),
    params(DirectoryParams),
    responses(
        (status = 200, description = "One page of people, by kana then id", body = DirectoryPage),
        (status = 400, description = "Invalid parameter or cursor (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 404, description = "Family accounts have no directory (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn search_people(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Query(params): Query<DirectoryParams>,
) -> Result<axum::Json<DirectoryPage>, Error> {
    require_professional(&auth)?;
    let limit = clamp_limit(params.limit);
    let before = params
        .before
        .as_deref()
        .map(|raw| decode_cursor(raw).ok_or_else(invalid_cursor))
        .transpose()?;
    let q = params.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let raw = q.map(like_pattern);
    let folded = q.map(|q| like_pattern(&fold_kana(q)));
    let rows: Vec<PersonRow> = sqlx::query_as(
        "SELECT u.id, u.display_name, u.display_name_kana, u.profession,
                f.id AS facility_id, f.name AS facility_name, f.kind AS facility_kind
         FROM users u JOIN facilities f ON f.id = u.facility_id
         WHERE u.disabled = 0 AND u.profession <> 'family'
           AND (? IS NULL OR u.display_name LIKE ? ESCAPE '\\' OR f.name LIKE ? ESCAPE '\\'
                OR u.display_name_kana LIKE ? ESCAPE '\\' OR f.name_kana LIKE ? ESCAPE '\\')
           AND (? IS NULL OR f.id = ?)
           AND (? IS NULL OR f.kind = ?)
           AND (? IS NULL OR u.profession = ?)
           AND (? IS NULL OR u.display_name_kana > ? OR (u.display_name_kana = ? AND u.id > ?))
         ORDER BY u.display_name_kana, u.id
         LIMIT ?",
    )
    .bind(&raw)
    .bind(&raw)
    .bind(&raw)
    .bind(&folded)
    .bind(&folded)
    .bind(params.facility_id.map(|f| f.hyphenated()))
    .bind(params.facility_id.map(|f| f.hyphenated()))
    .bind(params.facility_kind.map(FacilityKind::as_str))
    .bind(params.facility_kind.map(FacilityKind::as_str))
    .bind(params.profession.map(Profession::as_str))
    .bind(params.profession.map(Profession::as_str))
    .bind(before.as_ref().map(|_| 1_i64))
    .bind(before.as_ref().map(|(kana, _)| kana.clone()))
    .bind(before.as_ref().map(|(kana, _)| kana.clone()))
    .bind(before.as_ref().map(|(_, id)| id.hyphenated().to_string()))
    .bind(limit + 1)
    .fetch_all(&state.db)
    .await?;
    state
        .writer
        .audit(Entry::new(Action::DirectorySearch, Some(auth.user_id), ip))
        .await?;
    let mut items: Vec<DirectoryPerson> = rows
        .into_iter()
        .map(|r| DirectoryPerson {
            id: r.id.into_uuid(),
            display_name: r.display_name,
            display_name_kana: r.display_name_kana,
            profession: Profession::parse(&r.profession),
            facility: FacilityRef {
                id: r.facility_id.into_uuid(),
                name: r.facility_name,
                kind: FacilityKind::parse(&r.facility_kind),
            },
        })
        .collect();
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items
            .last()
            .map(|p| encode_cursor(&p.display_name_kana, p.id))
    } else {
        None
    };
    Ok(axum::Json(DirectoryPage { items, next_cursor }))
}

#[derive(sqlx::FromRow)]
struct FacilityRow {
    id: Hyphenated,
    name: String,
    name_kana: String,
    kind: String,
    staff_count: i64,
}

/// Every facility, by kind then kana, with how many enabled professionals work there.
#[utoipa::path(
    get,
    path = "/api/v1/directory/facilities",
    tag = "directory",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every facility", body = FacilityList),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 404, description = "Family accounts have no directory (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_facilities(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
) -> Result<axum::Json<FacilityList>, Error> {
    require_professional(&auth)?;
    let rows: Vec<FacilityRow> = sqlx::query_as(
        "SELECT f.id, f.name, f.name_kana, f.kind,
                (SELECT COUNT(*) FROM users u
                 WHERE u.facility_id = f.id AND u.disabled = 0 AND u.profession <> 'family')
                    AS staff_count
         FROM facilities f ORDER BY f.kind, f.name_kana, f.id",
    )
    .fetch_all(&state.db)
    .await?;
    state
        .writer
        .audit(Entry::new(Action::FacilitiesRead, Some(auth.user_id), ip))
        .await?;
    Ok(axum::Json(FacilityList {
        items: rows
            .into_iter()
            .map(|r| FacilitySummary {
                id: r.id.into_uuid(),
                name: r.name,
                name_kana: r.name_kana,
                kind: FacilityKind::parse(&r.kind),
                staff_count: r.staff_count.try_into().unwrap_or(u32::MAX),
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_like_wildcards_are_escaped() {
        let id = Uuid::now_v7();
        assert_eq!(
            decode_cursor(&encode_cursor("たなか みさき", id)),
            Some(("たなか みさき".to_owned(), id))
        );
        assert_eq!(decode_cursor("garbage"), None);
        assert_eq!(like_pattern("a%_\\"), "%a\\%\\_\\\\%");
    }
}
