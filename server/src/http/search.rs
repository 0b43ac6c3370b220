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

/// The trigram index finds substrings of at least this many characters; shorter queries
/// (Japanese words are often two characters: 褥瘡, 発熱) are matched with LIKE instead.
const TRIGRAM: usize = 3;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The text to find (a substring), 1 to 100 characters after trimming. Matching ignores
    /// full-/half-width, katakana/hiragana, letter case and spaces: `120` finds `１２０`,
    /// `かろなーる` finds `ｶﾛﾅｰﾙ`.
    q: Option<String>,
    /// Only this group; the caller must be a member.
    #[param(value_type = Option<Uuid>)]
    group_id: Option<String>,
    /// Page size, default 50; values outside 1..=100 are clamped.
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    before: Option<String>,
}

/// How the text is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Matcher {
    /// FTS5 trigram MATCH of the quoted query.
    Trigram,
    /// LIKE over the folded bodies in the caller's readable timelines.
    Like,
}

/// The folded query (matched against folded text, see migration 0004) and how to match it:
/// the trigram index needs 3 characters, shorter queries scan the caller's timelines.
fn parse_query(q: Option<&str>) -> Result<(String, Matcher), Error> {
    let q = q.unwrap_or_default().trim();
    let folded = tsunagu_api::kana::fold(q);
    let chars = folded.chars().count();
    if chars == 0 || q.chars().count() > MAX_SEARCH_CHARS {
        return Err(Error::Validation {
            field: "q",
            code: ErrorCode::FieldInvalid,
        });
    }
    let matcher = if chars >= TRIGRAM {
        Matcher::Trigram
    } else {
        Matcher::Like
    };
    Ok((folded, matcher))
}

/// The query as one FTS5 string: inside double quotes (doubled within) everything — `AND`,
/// `NEAR`, `*`, `^`, column filters — is plain text to find.
fn fts5_string(q: &str) -> String {
    format!("\"{}\"", q.replace('"', "\"\""))
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
/// FTS5 string or LIKE pattern, [group id], [cursor ms, ms, id], limit.
///
/// Only live, person-written posts of groups the caller is in now, in timelines the caller may
/// read. Trigram: the matching posts come from the FTS index (an IN list on the posts' primary
/// key). LIKE: the caller's memberships, then each group's posts through an index, then the
/// bodies compared.
fn search_sql(matcher: Matcher, in_group: bool, before: bool) -> String {
    let text = match matcher {
        Matcher::Trigram => {
            "p.id IN (SELECT k.post_id FROM posts_fts
                      JOIN post_search_keys k ON k.fts_rowid = posts_fts.rowid
                      WHERE posts_fts MATCH ?)"
        }
        Matcher::Like => "COALESCE(p.search_text, p.body) LIKE ? ESCAPE '\\'",
    };
    let mut sql = format!(
        "{} JOIN groups g ON g.id = p.group_id
         JOIN group_members m ON m.group_id = p.group_id AND m.user_id = ?
         WHERE {text} AND p.system IS NULL AND p.deleted_at_ms IS NULL
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
    let (q, matcher) = parse_query(params.q.as_deref())?;
    let limit = clamp_limit(params.limit);
    let before = params
        .before
        .as_deref()
        .map(|raw| Cursor::decode(raw).ok_or_else(invalid_cursor))
        .transpose()?;

    let sql = search_sql(matcher, group_id.is_some(), before.is_some());
    let me = auth.user_id.hyphenated();
    let text = match matcher {
        Matcher::Trigram => fts5_string(&q),
        Matcher::Like => like_pattern(&q),
    };
    let mut query = sqlx::query_as(&sql).bind(me).bind(me).bind(me).bind(text);
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
        assert_eq!(
            parse_query(Some("  褥瘡 ")).unwrap(),
            ("褥瘡".to_owned(), Matcher::Like)
        );
        assert_eq!(parse_query(Some("発赤なし")).unwrap().1, Matcher::Trigram);
        for bad in [None, Some(""), Some(" \n ")] {
            assert!(matches!(
                parse_query(bad),
                Err(Error::Validation { field: "q", .. })
            ));
        }
        // Queries are folded like the indexed text: width, kana, case and spaces.
        assert_eq!(
            parse_query(Some("ＢＰ")).unwrap(),
            ("bp".to_owned(), Matcher::Like)
        );
        assert_eq!(
            parse_query(Some("ｶﾛﾅｰﾙ")).unwrap(),
            ("かろなーる".to_owned(), Matcher::Trigram)
        );
        assert_eq!(
            parse_query(Some("ｶﾞｰ")).unwrap(),
            ("がー".to_owned(), Matcher::Like),
            "3 characters typed, 2 after folding: too short for trigrams"
        );
        // 100 kanji are 300 bytes but exactly at the limit.
        assert!(parse_query(Some(&"褥".repeat(MAX_SEARCH_CHARS))).is_ok());
        assert!(parse_query(Some(&"褥".repeat(MAX_SEARCH_CHARS + 1))).is_err());
    }

    #[test]
    fn user_text_cannot_become_operators_or_wildcards() {
        assert_eq!(fts5_string(r#"a" OR "b"#), r#""a"" OR ""b""#);
        assert_eq!(fts5_string("NEAR(x y)*"), "\"NEAR(x y)*\"");
        assert_eq!(like_pattern("5%_\\"), r"%5\%\_\\%");
    }

    async fn plan(matcher: Matcher) -> String {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let db = crate::db::connect(&url).await.unwrap();
        let sql = format!("EXPLAIN QUERY PLAN {}", search_sql(matcher, false, true));
        let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&sql)
            .bind("u")
            .bind("u")
            .bind("u")
            .bind("\"abc\"")
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

    /// Trigram queries start from the full-text index and reach posts by primary key.
    #[tokio::test]
    async fn trigram_search_is_driven_by_the_fts_index() {
        let plan = plan(Matcher::Trigram).await;
        assert!(plan.contains("VIRTUAL TABLE INDEX"), "{plan}");
        assert!(
            plan.contains("SEARCH p USING INDEX sqlite_autoindex_posts_1 (id=?)"),
            "{plan}"
        );
        assert!(
            !plan.contains("SCAN p\n") && !plan.ends_with("SCAN p"),
            "{plan}"
        );
    }

    /// Short queries scan only the caller's groups, each through an index of posts by group.
    #[tokio::test]
    async fn like_search_scans_only_the_callers_groups() {
        let plan = plan(Matcher::Like).await;
        assert!(plan.contains("group_members_by_user"), "{plan}");
        assert!(plan.contains("SEARCH p USING INDEX posts_"), "{plan}");
        assert!(
            !plan.contains("SCAN p\n") && !plan.ends_with("SCAN p"),
            "{plan}"
        );
    }
}
