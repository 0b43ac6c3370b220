//! A group's timeline: list, read one, and create posts.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tsunagu_api::{Importance, NewPost, Post, PostPage, Problem, Timeline, IDEMPOTENCY_KEY};
use utoipa::IntoParams;
use uuid::Uuid;

use super::access::{member, Membership};
use super::common_responses::SessionErrors;
use super::extract::{parse_id, ClientIp, Json, Query, SessionToken};
use super::responses::{etag, post_page_json};
use super::{AppState, AuthUser, Error};
use crate::audit::{Action, Entry};
use crate::cursor::{clamp_limit, Cursor};
use crate::store::{CreatePost, PageAt, PushPost};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PostListParams {
    /// Page size, default 50; values outside 1..=100 are clamped.
    limit: Option<i64>,
    /// Posts strictly older than this cursor, newest first.
    before: Option<String>,
    /// Posts strictly newer than this cursor, oldest first. Not together with `before`.
    after: Option<String>,
    /// `care` or `family`; default the first timeline the caller may read (`care` for
    /// professionals, `family` for family members).
    #[param(value_type = Option<Timeline>)]
    timeline: Option<Timeline>,
    /// Only posts at least this important: `important` (important and urgent) or `urgent`.
    #[param(value_type = Option<Importance>)]
    min_importance: Option<Importance>,
}

pub(super) fn post_location(group_id: Uuid, post_id: Uuid) -> String {
    format!("/api/v1/groups/{group_id}/posts/{post_id}")
}

/// A page of a group's timeline.
///
/// Without a cursor or with `before`: newest first, going back in time. With `after`: oldest
/// first, catching up from a post already seen. Deleted posts stay in place as tombstones.
#[utoipa::path(
    get,
    path = "/api/v1/groups/{group_id}/posts",
    tag = "posts",
    security(("bearer" = [])),
    params(("group_id" = Uuid, Path, description = "Group id"), PostListParams),
    responses(
        (status = 200, description = "One page of posts, with the caller's read marker of the timeline", body = PostPage),
        (status = 400, description = "Invalid `limit`, `min_importance` or cursor, or both `before` and `after` (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group, the caller is not a member, or the caller may not read that timeline (family members: `care`) (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn list_posts(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    token: SessionToken,
    Path(group_id): Path<String>,
    params: Result<Query<PostListParams>, Error>,
) -> Result<Response, Error> {
    // A well-formed request reads the session, the membership and the page at once; the
    // session and the membership are then checked exactly as before the page is shown. Any
    // other request is refused after the session check, in the order the checks come in.
    let well_formed = match (parse_id(&group_id), &params) {
        (Ok(group_id), Ok(Query(params))) => page_at(params).ok().map(|at| (group_id, params, at)),
        _ => None,
    };
    let (auth, group_id, page) = match well_formed {
        Some((group_id, params, at)) => {
            let limit = clamp_limit(params.limit);
            let min_importance = params.min_importance.unwrap_or_default();
            let read = state
                .store
                .session_timeline_page(
                    &token.token_hash,
                    group_id,
                    params.timeline,
                    at,
                    min_importance,
                    limit,
                )
                .await?;
            let auth = token.authenticate(&state, read.owner).await?;
            let me = read.membership.ok_or(Error::NotFound)?;
            let timeline = timeline(&me, params.timeline)?;
            let page = match read.page {
                Some((read, page)) if read == timeline => page,
                // The store read another timeline than the membership's default.
                _ => {
                    state
                        .store
                        .timeline_page(auth.user_id, group_id, timeline, at, min_importance, limit)
                        .await?
                }
            };
            (auth, group_id, page)
        }
        None => {
            let owner = state.store.session_owner(&token.token_hash).await?;
            let auth = token.authenticate(&state, owner).await?;
            let group_id = parse_id(&group_id)?;
            let Query(params) = params?;
            let me = member(&state, group_id, auth.user_id).await?;
            let timeline = timeline(&me, params.timeline)?;
            let at = page_at(&params)?;
            let page = state
                .store
                .timeline_page(
                    auth.user_id,
                    group_id,
                    timeline,
                    at,
                    params.min_importance.unwrap_or_default(),
                    clamp_limit(params.limit),
                )
                .await?;
            (auth, group_id, page)
        }
    };

    state
        .store
        .audit(Entry::new(Action::PostsRead, Some(auth.user_id), ip).group(group_id))
        .await?;

    Ok(post_page_json(&page.items_json, page.next, page.read_up_to))
}

/// The timeline asked for if the membership may read it (404 otherwise, as for a group the
/// caller is not in), or the first it may read.
fn timeline(me: &Membership, asked: Option<Timeline>) -> Result<Timeline, Error> {
    match asked {
        Some(t) => {
            me.require_timeline(t)?;
            Ok(t)
        }
        None => Ok(me.timelines()[0]),
    }
}

/// Which page: the newest, or before or after a cursor (not both).
fn page_at(params: &PostListParams) -> Result<PageAt, Error> {
    let decode = |raw: &str| Cursor::decode(raw).ok_or_else(Error::invalid_cursor);
    Ok(match (params.before.as_deref(), params.after.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(Error::MalformedRequest(
                "before and after are mutually exclusive".to_owned(),
            ))
        }
        (None, None) => PageAt::Newest,
        (Some(before), None) => PageAt::Before(decode(before)?),
        (None, Some(after)) => PageAt::After(decode(after)?),
    })
}

/// One post, the target of the `Location` header of a created post. Its `ETag` is the version
/// an edit sends back as `If-Match`.
#[utoipa::path(
    get,
    path = "/api/v1/groups/{group_id}/posts/{post_id}",
    tag = "posts",
    security(("bearer" = [])),
    params(
        ("group_id" = Uuid, Path, description = "Group id"),
        ("post_id" = Uuid, Path, description = "Post id"),
    ),
    responses(
        (status = 200, description = "The post (a tombstone when deleted)", body = Post,
            headers(("ETag" = String, description = "`\"<version>\"`, for `If-Match` on edits"))),
        (status = 404, description = "No such post in this group, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn get_post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path((group_id, post_id)): Path<(String, String)>,
) -> Result<Response, Error> {
    let group_id = parse_id(&group_id)?;
    let post_id = parse_id(&post_id)?;
    let me = member(&state, group_id, auth.user_id).await?;
    let post = state
        .store
        .post(auth.user_id, group_id, post_id)
        .await?
        .ok_or(Error::NotFound)?;
    me.require_timeline(post.timeline)?;
    state
        .store
        .audit(
            Entry::new(Action::PostRead, Some(auth.user_id), ip)
                .group(group_id)
                .target(post_id),
        )
        .await?;
    Ok(([etag(post.version)], axum::Json(post)).into_response())
}

/// The `Idempotency-Key` header: absent, or a UUID.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<Uuid>, Error> {
    headers
        .get(IDEMPOTENCY_KEY)
        .map(|value| {
            value
                .to_str()
                .ok()
                .and_then(|s| Uuid::try_parse(s.trim()).ok())
                .ok_or(Error::IdempotencyKeyInvalid)
        })
        .transpose()
}

/// Identifies "the same request" for idempotency: method, path and the body as parsed, so
/// a retry that re-serialises the JSON differently is still the same request.
fn fingerprint(path: &str, new_post: &NewPost) -> Result<String, Error> {
    let body = serde_json::to_vec(new_post).map_err(anyhow::Error::from)?;
    let mut hasher = Sha256::new();
    hasher.update(b"POST\n");
    hasher.update(path.as_bytes());
    hasher.update(b"\n");
    hasher.update(&body);
    Ok(hex::encode(hasher.finalize()))
}

/// A created post's response, built from the stored JSON so a replay is byte-identical.
fn created_response(status: u16, body: String, location: &str) -> Result<Response, Error> {
    let status = StatusCode::from_u16(status).map_err(anyhow::Error::from)?;
    let location = HeaderValue::from_str(location).map_err(anyhow::Error::from)?;
    Ok((
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::LOCATION, location),
        ],
        body,
    )
        .into_response())
}

/// Posts to a group's timeline.
///
/// With an `Idempotency-Key`, a repeat of the same request returns the first response (same
/// status and body, no second post); the key with a different request is refused. Keys are
/// kept for at least 24 hours. Open event streams get `post.created`.
#[utoipa::path(
    post,
    path = "/api/v1/groups/{group_id}/posts",
    tag = "posts",
    security(("bearer" = [])),
    params(
        ("group_id" = Uuid, Path, description = "Group id"),
        ("Idempotency-Key" = Option<Uuid>, Header, description = "Client-minted UUID making the create safe to retry"),
    ),
    request_body = NewPost,
    responses(
        (status = 201, description = "Created (or the replay of an earlier create with the same key)", body = Post,
            headers(("Location" = String, description = "URL of the new post"))),
        (status = 400, description = "Malformed JSON (`malformed_request`) or an `Idempotency-Key` that is not a UUID (`idempotency_key_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group, the caller is not a member, or the caller may not read that timeline (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body larger than 256 KiB (`malformed_request`), or the attachments together over `limits.media.max_post_bytes` (`file_too_large`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not `application/json` (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long body (`post_empty`, `post_too_long`), `reply_to` not a live post of the same group and timeline or `mentions` not members who may read the timeline or more than 50, or `attachments` not the caller's finished uploads of this group and timeline on no post, a poster not an image of a video, or more than `limits.media.max_attachments` (`field_invalid`), all with `errors`; or the key was used for a different request (`idempotency_key_reused`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn create_post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(group_id): Path<String>,
    headers: HeaderMap,
    Json(new_post): Json<NewPost>,
) -> Result<Response, Error> {
    let group_id = parse_id(&group_id)?;
    let key = idempotency_key(&headers)?;
    // Membership before validation: a non-member must not learn anything, not even that the
    // body would have been refused.
    let me = member(&state, group_id, auth.user_id).await?;
    let timeline = new_post.timeline.unwrap_or(me.timelines()[0]);
    me.require_timeline(timeline)?;
    me.require_writable()?;
    match tsunagu_api::validate_post_body(&new_post.body) {
        // A photo or a file may be the whole post.
        Err(tsunagu_api::ErrorCode::PostEmpty) if !new_post.attachments.is_empty() => {}
        Err(code) => {
            return Err(Error::Validation {
                field: "body",
                code,
            })
        }
        Ok(()) => {}
    }
    if new_post.attachments.len() > state.settings.media.limits.max_attachments as usize {
        return Err(Error::Validation {
            field: "attachments",
            code: tsunagu_api::ErrorCode::FieldInvalid,
        });
    }
    let path = format!("/api/v1/groups/{group_id}/posts");
    let fingerprint = fingerprint(&path, &new_post)?;

    let audit = |post_id| {
        Entry::new(Action::PostCreate, Some(auth.user_id), ip)
            .group(group_id)
            .target(post_id)
    };
    let created = state
        .store
        .create_post(CreatePost {
            author: auth.user_id,
            group_id,
            timeline,
            post: &new_post,
            idempotency: key.map(|key| (key, fingerprint.as_str())),
            max_post_bytes: state.settings.media.limits.max_post_bytes,
            audit: Box::new(audit),
        })
        .await?;
    if !created.replayed {
        // Queued, never awaited: the author's answer does not wait for push services or mail.
        let notice = PushPost {
            post_id: created.post_id,
            group_id,
            kind: me.kind,
            timeline,
            author: auth.user_id,
            urgent: new_post.importance == Some(Importance::Urgent),
        };
        state.push.post_created(notice);
        state.email.post_created(notice);
    }
    created_response(
        created.status,
        created.body,
        &post_location(created.group_id, created.post_id),
    )
}
