//! The directory of professionals and facilities (professionals and operators only).

use axum::extract::State;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use tsunagu_api::{DirectoryPage, FacilityKind, FacilityList, Problem, Profession};
use utoipa::IntoParams;
use uuid::Uuid;

use super::common_responses::SessionErrors;
use super::extract::{ClientIp, Query};
use super::{AppState, AuthUser, Error};
use crate::audit::{Action, Entry};
use crate::cursor::clamp_limit;
use crate::store::DirectoryQuery;

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
        (status = 404, description = "Family accounts have no directory (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
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
        .map(|raw| decode_cursor(raw).ok_or_else(Error::invalid_cursor))
        .transpose()?;
    let q = params.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let query = DirectoryQuery {
        q,
        facility_id: params.facility_id,
        facility_kind: params.facility_kind,
        profession: params.profession,
        after: before,
        // One more than the page: whether there is a next page.
        limit: limit + 1,
    };
    let mut items = state.store.directory_people(&query).await?;
    state
        .store
        .audit(Entry::new(Action::DirectorySearch, Some(auth.user_id), ip))
        .await?;
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

/// Every facility, by kind then kana, with how many enabled professionals work there.
#[utoipa::path(
    get,
    path = "/api/v1/directory/facilities",
    tag = "directory",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every facility", body = FacilityList),
        (status = 404, description = "Family accounts have no directory (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn list_facilities(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
) -> Result<axum::Json<FacilityList>, Error> {
    require_professional(&auth)?;
    let items = state.store.facilities().await?;
    state
        .store
        .audit(Entry::new(Action::FacilitiesRead, Some(auth.user_id), ip))
        .await?;
    Ok(axum::Json(FacilityList { items }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips() {
        let id = Uuid::now_v7();
        assert_eq!(
            decode_cursor(&encode_cursor("たなか みさき", id)),
            Some(("たなか みさき".to_owned(), id))
        );
        assert_eq!(decode_cursor("garbage"), None);
    }
}
