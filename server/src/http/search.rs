//! `GET /api/v1/search`: posts containing a text, across the timelines the caller may read.

use axum::extract::State;
use serde::Deserialize;
use tsunagu_api::{ErrorCode, Problem, SearchPage, MAX_SEARCH_CHARS};
use utoipa::IntoParams;

use super::access::member;
use super::common_responses::SessionErrors;
use super::extract::{parse_id, ClientIp, Query};
use super::responses::page;
use super::{AppState, AuthUser, Error};
use crate::audit::{Action, Entry};
use crate::cursor::{clamp_limit, Cursor};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The text to find (a substring), 1 to 100 characters after trimming. Matching ignores
    /// full-/half-width, katakana/hiragana, letter case and spaces: `120` finds `１２０`,
    /// `かろなーる` finds `ｶﾛﾅｰﾙ`. Control characters (e.g. NUL) are ignored like spaces.
    /// Missing or empty is a 422 `field_invalid`.
    #[param(required = true, min_length = 1, max_length = 100)]
    q: Option<String>,
    /// Only this group; the caller must be a member.
    #[param(value_type = Option<Uuid>)]
    group_id: Option<String>,
    /// Page size, default 50; values outside 1..=100 are clamped.
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    before: Option<String>,
}

/// The folded query, matched against folded text (see migration 0004 and
/// `tsunagu_api::kana::fold`: control characters such as NUL fold away like spaces).
fn parse_query(q: Option<&str>) -> Result<String, Error> {
    let q = q.unwrap_or_default().trim();
    let folded = tsunagu_api::kana::fold(q);
    if folded.is_empty() || q.chars().count() > MAX_SEARCH_CHARS {
        return Err(Error::Validation {
            field: "q",
            code: ErrorCode::FieldInvalid,
        });
    }
    Ok(folded)
}

/// Posts containing `q` (a substring: Japanese needs no word boundaries), newest first, from
/// the timelines the caller may read. Deleted posts and system entries are not found; edited
/// posts by their current text.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    security(("bearer" = [])),
    params(SearchParams),
    responses(
        (status = 200, description = "One page of matching posts, newest first", body = SearchPage),
        (status = 400, description = "Invalid `limit` or cursor (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`group_id` is not a group of the caller's (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`q` empty or longer than 100 characters (`field_invalid`, with `errors`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn search(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Query(params): Query<SearchParams>,
) -> Result<axum::Json<SearchPage>, Error> {
    let group_id = params.group_id.as_deref().map(parse_id).transpose()?;
    if let Some(group_id) = group_id {
        member(&state, group_id, auth.user_id).await?;
    }
    let q = parse_query(params.q.as_deref())?;
    let limit = clamp_limit(params.limit);
    let before = params
        .before
        .as_deref()
        .map(|raw| Cursor::decode(raw).ok_or_else(Error::invalid_cursor))
        .transpose()?;

    // One more than the page: whether there is a next page.
    let hits = state
        .store
        .search_posts(auth.user_id, &q, group_id, before, limit + 1)
        .await?;

    let mut entry = Entry::new(Action::PostsSearch, Some(auth.user_id), ip);
    if let Some(group_id) = group_id {
        entry = entry.group(group_id);
    }
    state.store.audit(entry).await?;

    let (hits, next_cursor) = page(hits, limit, |(_, cursor)| *cursor);
    Ok(axum::Json(SearchPage {
        items: hits.into_iter().map(|(hit, _)| hit).collect(),
        next_cursor,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_trimmed_and_bounded_in_characters() {
        assert_eq!(parse_query(Some("  褥瘡 ")).unwrap(), "褥瘡");
        for bad in [None, Some(""), Some(" \n "), Some("\0"), Some(" \0\u{7} ")] {
            assert!(matches!(
                parse_query(bad),
                Err(Error::Validation { field: "q", .. })
            ));
        }
        // Queries are folded like the indexed text: width, kana, case and spaces.
        assert_eq!(parse_query(Some("ＢＰ")).unwrap(), "bp");
        assert_eq!(parse_query(Some("ｶﾛﾅｰﾙ")).unwrap(), "かろなーる");
        // A NUL would end the text for SQLite; it folds away like a space.
        assert_eq!(parse_query(Some("発赤\0なし")).unwrap(), "発赤なし");
        // 100 kanji are 300 bytes but exactly at the limit.
        assert!(parse_query(Some(&"褥".repeat(MAX_SEARCH_CHARS))).is_ok());
        assert!(parse_query(Some(&"褥".repeat(MAX_SEARCH_CHARS + 1))).is_err());
    }
}
