//! Changing a post after the fact: edit (with `If-Match`), soft delete, and the history that
//! keeps every version. Only the author changes a post; nothing is physically deleted.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use tsunagu_api::{Post, PostEdit, PostHistory, Problem};

use super::access::member;
use super::common_responses::{JsonBodyErrors, SessionErrors};
use super::extract::{parse_id, ClientIp, Json};
use super::responses::etag;
use super::{AppState, AuthUser, Error};
use crate::audit::{Action, Entry};
use crate::store::{EditPost, Versions};

/// What an `If-Match` header asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum IfMatch {
    Absent,
    /// `*`: any current version (RFC 9110 §13.1.1).
    Any,
    /// The listed strong entity tags; anything unparsable (or weak) matches nothing.
    Tags(Vec<String>),
}

impl IfMatch {
    fn parse(headers: &HeaderMap) -> Self {
        let values: Vec<&str> = headers
            .get_all(header::IF_MATCH)
            .iter()
            .map(|v| v.to_str().unwrap_or(""))
            .collect();
        if values.is_empty() {
            return Self::Absent;
        }
        let tags: Vec<String> = values
            .iter()
            .flat_map(|v| v.split(','))
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        if tags.iter().any(|t| t == "*") {
            Self::Any
        } else {
            Self::Tags(tags)
        }
    }

    /// The versions the tags name. Strong comparison against `"<version>"`: `W/"3"` or a
    /// bare `3` names none (RFC 9110 §13.1.1).
    fn versions(&self) -> Versions {
        match self {
            Self::Absent => Versions::Absent,
            Self::Any => Versions::Any,
            Self::Tags(tags) => Versions::OneOf(
                tags.iter()
                    .filter_map(|t| t.strip_prefix('"')?.strip_suffix('"')?.parse().ok())
                    .collect(),
            ),
        }
    }

    #[cfg(test)]
    fn matches(&self, version: i64) -> bool {
        self.versions().allows(version)
    }
}

/// Edits a post (its author): new text, and optionally a new importance and mention list.
///
/// Send the version you edited as `If-Match: "<version>"` (the post's `ETag`); if someone
/// changed it since, the answer is 412 and nothing changes. Every version is kept in the
/// history. Open event streams get `post.updated`.
#[utoipa::path(
    patch,
    path = "/api/v1/groups/{group_id}/posts/{post_id}",
    tag = "posts",
    security(("bearer" = [])),
    params(
        ("group_id" = Uuid, Path, description = "Group id"),
        ("post_id" = Uuid, Path, description = "Post id"),
        ("If-Match" = String, Header, description = "`\"<version>\"`: the version being edited (required)"),
    ),
    request_body = PostEdit,
    responses(
        (status = 200, description = "The edited post", body = Post,
            headers(("ETag" = String, description = "`\"<version>\"` of the new version"))),
        (status = 403, description = "Not the author, or a system entry (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post in a timeline the caller may read, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The post is deleted (`post_deleted`), or the group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` is not the current version (`precondition_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long body (`post_empty`, `post_too_long`), or `mentions` not members who may read the timeline or more than 50 (`field_invalid`), with `errors`", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No `If-Match` (`precondition_required`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
    )
)]
pub async fn update_post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path((group_id, post_id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(edit): Json<PostEdit>,
) -> Result<Response, Error> {
    let group_id = parse_id(&group_id)?;
    let post_id = parse_id(&post_id)?;
    let me = member(&state, group_id, auth.user_id).await?;
    let versions = IfMatch::parse(&headers).versions();
    let post = state
        .store
        .edit_post(EditPost {
            me: &me,
            author: auth.user_id,
            group_id,
            post_id,
            versions: &versions,
            edit: &edit,
            audit: Entry::new(Action::PostUpdate, Some(auth.user_id), ip)
                .group(group_id)
                .target(post_id),
        })
        .await?;
    Ok(([etag(post.version)], axum::Json(post)).into_response())
}

/// Deletes a post (its author): it stays in the timeline as a tombstone (削除されました) with
/// an empty body; its earlier text stays in the history for the group's admins.
///
/// `If-Match` is optional; when sent and stale, 412. Deleting a deleted post answers the
/// tombstone again (a retried delete succeeds). Open event streams get `post.deleted`.
#[utoipa::path(
    delete,
    path = "/api/v1/groups/{group_id}/posts/{post_id}",
    tag = "posts",
    security(("bearer" = [])),
    params(
        ("group_id" = Uuid, Path, description = "Group id"),
        ("post_id" = Uuid, Path, description = "Post id"),
        ("If-Match" = Option<String>, Header, description = "`\"<version>\"`: delete only if still this version"),
    ),
    responses(
        (status = 200, description = "The tombstone", body = Post,
            headers(("ETag" = String, description = "`\"<version>\"` of the tombstone"))),
        (status = 403, description = "Not the author, or a system entry (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post in a timeline the caller may read, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` is not the current version (`precondition_failed`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn delete_post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path((group_id, post_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let group_id = parse_id(&group_id)?;
    let post_id = parse_id(&post_id)?;
    let me = member(&state, group_id, auth.user_id).await?;
    let versions = IfMatch::parse(&headers).versions();
    let audit = Entry::new(Action::PostDelete, Some(auth.user_id), ip)
        .group(group_id)
        .target(post_id);
    let post = state
        .store
        .delete_post(&me, auth.user_id, group_id, post_id, &versions, audit)
        .await?;
    Ok(([etag(post.version)], axum::Json(post)).into_response())
}

/// Every version of a post, oldest first, deleted ones included: for the group's admins and
/// the author (what was said, and when it changed, stays accountable).
#[utoipa::path(
    get,
    path = "/api/v1/groups/{group_id}/posts/{post_id}/history",
    tag = "posts",
    security(("bearer" = [])),
    params(
        ("group_id" = Uuid, Path, description = "Group id"),
        ("post_id" = Uuid, Path, description = "Post id"),
    ),
    responses(
        (status = 200, description = "Every revision, oldest first (empty for system entries)", body = PostHistory),
        (status = 403, description = "Neither an admin of the group nor the author (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post in a timeline the caller may read, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn post_history(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path((group_id, post_id)): Path<(String, String)>,
) -> Result<axum::Json<PostHistory>, Error> {
    let group_id = parse_id(&group_id)?;
    let post_id = parse_id(&post_id)?;
    let me = member(&state, group_id, auth.user_id).await?;
    let audit = Entry::new(Action::PostHistoryRead, Some(auth.user_id), ip)
        .group(group_id)
        .target(post_id);
    let items = state
        .store
        .post_history(&me, auth.user_id, group_id, post_id, audit)
        .await?;
    Ok(axum::Json(PostHistory { items }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(header::IF_MATCH, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn if_match_compares_strong_version_tags() {
        assert_eq!(IfMatch::parse(&headers(&[])), IfMatch::Absent);
        assert!(IfMatch::parse(&headers(&["\"3\""])).matches(3));
        assert!(!IfMatch::parse(&headers(&["\"2\""])).matches(3));
        assert!(IfMatch::parse(&headers(&["\"1\", \"3\""])).matches(3));
        assert!(IfMatch::parse(&headers(&["\"1\"", "\"3\""])).matches(3));
        assert!(IfMatch::parse(&headers(&["*"])).matches(7));
        // Weak tags never match a strong comparison; a bare number is not an entity tag.
        assert!(!IfMatch::parse(&headers(&["W/\"3\""])).matches(3));
        assert!(!IfMatch::parse(&headers(&["3"])).matches(3));
    }
}
