//! `GET /api/v1/search`: posts containing a text, across the timelines the caller may read.

use axum::extract::State;
use serde::Deserialize;
use tsunagu_api::{ErrorCode, Problem, SearchHit, SearchPage, MAX_SEARCH_CHARS};
use utoipa::IntoParams;

use super::access::membership;
use super::extract::{parse_id, ClientIp, Query};
use super::groups::{invalid_cursor, page};
use super::posts::{select_posts_with, PostInGroupRow, GROUP_NAME_COLUMN};
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

/// A LIKE pattern finding `q` anywhere, with `%`, `_` and the escape character taken literally.
fn like_pattern(q: &str) -> String {
    let mut pattern = String::with_capacity(q.len() + 2);
    pattern.push('%');
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The search. Binds: viewer (group name), viewer (`acked_by_me`), caller (membership), the
/// LIKE pattern, [group id], [cursor ms, ms, id], limit.
///
/// Only live, person-written posts of groups the caller is in now, in timelines the caller may
/// read: the caller's memberships first, then each group's posts through an index, then the
/// folded bodies compared. The work is bounded by what the caller may read. The trigram index
/// (posts_fts) is not used: it finds matches in every group before membership can filter them,
/// so a common word in other groups made a search slow, and its time told the caller that
/// groups they cannot read contain the word.
fn search_sql(in_group: bool, before: bool) -> String {
    let mut sql = format!(
        "{} JOIN groups g ON g.id = p.group_id
         JOIN group_members m ON m.group_id = p.group_id AND m.user_id = ?
         WHERE COALESCE(p.search_text, p.body) LIKE ? ESCAPE '\\'
           AND p.system IS NULL AND p.deleted_at_ms IS NULL
           AND (m.role <> 'family' OR p.timeline = 'family')",
        select_posts_with(GROUP_NAME_COLUMN)
    );
    if in_group {
        sql.push_str(" AND p.group_id = ?");
    }
    if before {
        sql.push_str(" AND (p.created_at_ms < ? OR (p.created_at_ms = ? AND p.id < ?))");
    }
    sql.push_str(" ORDER BY p.created_at_ms DESC, p.id DESC LIMIT ?");
    sql
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
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 404, description = "`group_id` is not a group of the caller's (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`q` empty or longer than 100 characters (`field_invalid`, with `errors`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
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
        membership(&state.db, group_id, auth.user_id).await?;
    }
    let q = parse_query(params.q.as_deref())?;
    let limit = clamp_limit(params.limit);
    let before = params
        .before
        .as_deref()
        .map(|raw| Cursor::decode(raw).ok_or_else(invalid_cursor))
        .transpose()?;

    let sql = search_sql(group_id.is_some(), before.is_some());
    let me = auth.user_id.hyphenated();
    let mut query = sqlx::query_as(&sql)
        .bind(me)
        .bind(me)
        .bind(me)
        .bind(like_pattern(&q));
    if let Some(group_id) = group_id {
        query = query.bind(group_id.hyphenated());
    }
    if let Some(c) = before {
        query = query.bind(c.ms).bind(c.ms).bind(c.id.hyphenated());
    }
    let rows: Vec<PostInGroupRow> = query.bind(limit + 1).fetch_all(&state.db).await?;

    let mut entry = Entry::new(Action::PostsSearch, Some(auth.user_id), ip);
    if let Some(group_id) = group_id {
        entry = entry.group(group_id);
    }
    state.writer.audit(entry).await?;

    let (rows, next_cursor) = page(rows, limit, |r| r.post.cursor());
    Ok(axum::Json(SearchPage {
        items: rows
            .into_iter()
            .map(|r| {
                let post = r.post.into_post();
                SearchHit {
                    group_id: post.group_id,
                    group_name: r.group_name,
                    post,
                }
            })
            .collect(),
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

    #[test]
    fn user_text_cannot_become_wildcards() {
        assert_eq!(like_pattern("5%_\\"), r"%5\%\_\\%");
    }

    async fn plan(in_group: bool) -> String {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let db = crate::db::connect(&url).await.unwrap();
        let sql = format!("EXPLAIN QUERY PLAN {}", search_sql(in_group, true));
        let mut query = sqlx::query_as(&sql)
            .bind("u")
            .bind("u")
            .bind("u")
            .bind("%abc%");
        if in_group {
            query = query.bind("g");
        }
        let rows: Vec<(i64, i64, i64, String)> = query
            .bind(1_i64)
            .bind(1_i64)
            .bind("id")
            .bind(51_i64)
            .fetch_all(&db.read)
            .await
            .unwrap();
        rows.into_iter()
            .map(|(.., detail)| detail)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The search starts from the caller's memberships and reads only their groups' posts,
    /// each group through an index: matches in other groups cost nothing.
    #[tokio::test]
    async fn search_reads_only_the_callers_groups() {
        for in_group in [false, true] {
            let plan = plan(in_group).await;
            // All of the caller's groups, or the one asked for: either way the membership row
            // is found before any post is read.
            let first = plan.lines().next().unwrap_or_default();
            let start = if in_group { "SEARCH g " } else { "SEARCH m " };
            assert!(first.starts_with(start), "{plan}");
            assert!(
                plan.lines()
                    .nth(usize::from(in_group))
                    .unwrap_or_default()
                    .contains("user_id=?"),
                "memberships before posts: {plan}"
            );
            assert!(plan.contains("SEARCH p USING INDEX posts_"), "{plan}");
            assert!(
                !plan.contains("SCAN p\n") && !plan.ends_with("SCAN p"),
                "{plan}"
            );
            assert!(!plan.contains("posts_fts"), "no global index: {plan}");
        }
    }
}
