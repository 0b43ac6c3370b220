//! A group's timeline: list, read one, and create posts.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use sqlx::SqliteExecutor;
use tsunagu_api::{
    ErrorCode, Importance, LiveEvent, NewPost, Post, PostPage, Problem, Timeline, IDEMPOTENCY_KEY,
    MAX_MENTIONS,
};
use utoipa::IntoParams;
use uuid::Uuid;

use super::access::{member, membership};
use super::extract::{parse_id, ClientIp, Json, Query};
use super::groups::{invalid_cursor, page};
use super::{AppState, AuthUser, Error};
use crate::audit::{self, Action, Entry};
use crate::cursor::{clamp_limit, Cursor};
use crate::events;
pub(super) use crate::store::sqlite::posts::{fetch_post, PostRow, SELECT_POSTS_FROM};
use crate::store::PageAt;
use crate::time::now_ms;

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

/// `ETag: "<version>"`, the value `If-Match` sends back.
pub(super) fn etag(version: u32) -> (header::HeaderName, HeaderValue) {
    (
        header::ETAG,
        HeaderValue::from_str(&format!("\"{version}\"")).expect("digits are a valid header"),
    )
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
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 404, description = "No such group, the caller is not a member, or the caller may not read that timeline (family members: `care`) (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_posts(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(group_id): Path<String>,
    Query(params): Query<PostListParams>,
) -> Result<axum::Json<PostPage>, Error> {
    let group_id = parse_id(&group_id)?;
    let me = member(&state, group_id, auth.user_id).await?;
    let timeline = match params.timeline {
        Some(t) => {
            me.require_timeline(t)?;
            t
        }
        None => me.timelines()[0],
    };
    let limit = clamp_limit(params.limit);
    let min_importance = params.min_importance.unwrap_or_default();
    let decode = |raw: &str| Cursor::decode(raw).ok_or_else(invalid_cursor);

    let at = match (params.before.as_deref(), params.after.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(Error::MalformedRequest(
                "before and after are mutually exclusive".to_owned(),
            ))
        }
        (None, None) => PageAt::Newest,
        (Some(before), None) => PageAt::Before(decode(before)?),
        (None, Some(after)) => PageAt::After(decode(after)?),
    };
    // One more than the page: whether there is a next page.
    let page_rows = state
        .store
        .timeline_page(
            auth.user_id,
            group_id,
            timeline,
            at,
            min_importance,
            limit + 1,
        )
        .await?;

    state
        .store
        .audit(Entry::new(Action::PostsRead, Some(auth.user_id), ip).group(group_id))
        .await?;

    let (posts, next_cursor) = page(page_rows.posts, limit, |(_, cursor)| *cursor);
    Ok(axum::Json(PostPage {
        items: posts.into_iter().map(|(post, _)| post).collect(),
        next_cursor,
        read_up_to: page_rows.read_up_to,
    }))
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
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 404, description = "No such post in this group, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
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

#[derive(sqlx::FromRow)]
struct StoredResponse {
    fingerprint: String,
    status: i64,
    response_body: String,
}

/// Mentioned users, deduplicated in the order given; each must be a member who may read
/// `timeline` (in `family`, everyone; in `care`, professionals), at most [`MAX_MENTIONS`].
pub(super) async fn check_mentions(
    db: impl SqliteExecutor<'_>,
    group_id: Uuid,
    timeline: Timeline,
    mentions: &[Uuid],
) -> Result<Vec<Uuid>, Error> {
    let mut unique = Vec::with_capacity(mentions.len());
    for id in mentions {
        if !unique.contains(id) {
            unique.push(*id);
        }
    }
    let invalid = Error::Validation {
        field: "mentions",
        code: ErrorCode::FieldInvalid,
    };
    if unique.len() > MAX_MENTIONS {
        return Err(invalid);
    }
    if unique.is_empty() {
        return Ok(unique);
    }
    let ids = serde_json::to_string(&unique).map_err(anyhow::Error::from)?;
    let readers: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM group_members
         WHERE group_id = ? AND user_id IN (SELECT value FROM json_each(?))
           AND (role <> 'family' OR ? = 'family')",
    )
    .bind(group_id.hyphenated())
    .bind(&ids)
    .bind(timeline.as_str())
    .fetch_one(db)
    .await?;
    if usize::try_from(readers).ok() != Some(unique.len()) {
        return Err(invalid);
    }
    Ok(unique)
}

/// Replaces a post's mentions (one statement for the whole list).
pub(super) async fn store_mentions(
    conn: &mut sqlx::SqliteConnection,
    post_id: Uuid,
    mentions: &[Uuid],
) -> Result<(), Error> {
    sqlx::query("DELETE FROM post_mentions WHERE post_id = ?")
        .bind(post_id.hyphenated())
        .execute(&mut *conn)
        .await?;
    if !mentions.is_empty() {
        let ids = serde_json::to_string(mentions).map_err(anyhow::Error::from)?;
        sqlx::query(
            "INSERT INTO post_mentions (post_id, user_id) SELECT ?, value FROM json_each(?)",
        )
        .bind(post_id.hyphenated())
        .bind(ids)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
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
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 404, description = "No such group, the caller is not a member, or the caller may not read that timeline (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body larger than 256 KiB (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not `application/json` (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long body (`post_empty`, `post_too_long`), `reply_to` not a live post of the same group and timeline or `mentions` not members who may read the timeline or more than 50 (`field_invalid`), all with `errors`; or the key was used for a different request (`idempotency_key_reused`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
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
    let me = membership(&state.db, group_id, auth.user_id).await?;
    let timeline = new_post.timeline.unwrap_or(me.timelines()[0]);
    me.require_timeline(timeline)?;
    me.require_writable()?;
    tsunagu_api::validate_post_body(&new_post.body).map_err(|code| Error::Validation {
        field: "body",
        code,
    })?;
    let path = format!("/api/v1/groups/{group_id}/posts");
    let fingerprint = fingerprint(&path, &new_post)?;

    // IMMEDIATE takes the write lock up front: the key lookup and the inserts see one state,
    // and a concurrent retry with the same key waits, then replays.
    let mut tx = state.writer.begin().await?;

    if let Some(key) = key {
        let stored: Option<StoredResponse> = sqlx::query_as(
            "SELECT fingerprint, status, response_body FROM idempotency_keys
             WHERE user_id = ? AND key = ?",
        )
        .bind(auth.user_id.hyphenated())
        .bind(key.hyphenated())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(stored) = stored {
            tx.rollback().await?;
            if stored.fingerprint != fingerprint {
                return Err(Error::IdempotencyKeyReused);
            }
            let post: Post = serde_json::from_str(&stored.response_body)
                .map_err(|e| anyhow::anyhow!("stored idempotent response unreadable: {e}"))?;
            let status = u16::try_from(stored.status).map_err(anyhow::Error::from)?;
            return created_response(
                status,
                stored.response_body,
                &post_location(post.group_id, post.id),
            );
        }
    }

    // Checked under the write lock (after the replay: a retry of a create that succeeded
    // replays even if the quoted post was deleted since), so a concurrent delete cannot slip
    // between the check and the insert.
    if let Some(reply_to) = new_post.reply_to {
        let live: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM posts WHERE id = ? AND group_id = ? AND timeline = ?
               AND system IS NULL AND deleted_at_ms IS NULL",
        )
        .bind(reply_to.hyphenated())
        .bind(group_id.hyphenated())
        .bind(timeline.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        if live.is_none() {
            return Err(Error::Validation {
                field: "reply_to",
                code: ErrorCode::FieldInvalid,
            });
        }
    }
    let mentions = check_mentions(&mut *tx, group_id, timeline, &new_post.mentions).await?;

    // The id's embedded timestamp is the creation time, so id order and time order agree.
    let post_id = Uuid::now_v7();
    let created_at_ms = post_id
        .get_timestamp()
        .map(|t| {
            let (secs, nanos) = t.to_unix();
            (secs * 1000 + u64::from(nanos) / 1_000_000) as i64
        })
        .unwrap_or_else(now_ms);

    sqlx::query(
        "INSERT INTO posts (id, group_id, author_id, body, search_text, created_at_ms, timeline,
                            importance, reply_to_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(post_id.hyphenated())
    .bind(group_id.hyphenated())
    .bind(auth.user_id.hyphenated())
    .bind(&new_post.body)
    .bind(crate::db::search_text(&new_post.body))
    .bind(created_at_ms)
    .bind(timeline.as_str())
    .bind(new_post.importance.unwrap_or_default().as_str())
    .bind(new_post.reply_to.map(|r| r.hyphenated()))
    .execute(&mut *tx)
    .await?;
    store_mentions(&mut tx, post_id, &mentions).await?;
    sqlx::query(
        "UPDATE groups SET last_post_at_ms = MAX(COALESCE(last_post_at_ms, 0), ?) WHERE id = ?",
    )
    .bind(created_at_ms)
    .bind(group_id.hyphenated())
    .execute(&mut *tx)
    .await?;
    // A new post: nobody has read or acknowledged it, so the caller's view and everyone's
    // (the event) are the same.
    let post = fetch_post(&mut *tx, None, group_id, post_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the inserted post is missing"))?
        .into_post();
    let body = serde_json::to_string(&post).map_err(anyhow::Error::from)?;
    let status = StatusCode::CREATED.as_u16();

    if let Some(key) = key {
        sqlx::query(
            "INSERT INTO idempotency_keys
                 (user_id, key, fingerprint, status, response_body, created_at_ms)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(auth.user_id.hyphenated())
        .bind(key.hyphenated())
        .bind(&fingerprint)
        .bind(i64::from(status))
        .bind(&body)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    }
    let event = events::append(
        &mut *tx,
        group_id,
        Some(timeline),
        &LiveEvent::PostCreated(post),
    )
    .await?;
    audit::record(
        &mut *tx,
        Entry::new(Action::PostCreate, Some(auth.user_id), ip)
            .group(group_id)
            .target(post_id),
    )
    .await?;
    tx.commit().await?;
    state.live.publish(event);

    created_response(status, body, &post_location(group_id, post_id))
}
