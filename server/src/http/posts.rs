//! A group's timeline: list, read one, and create posts.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use sqlx::types::uuid::fmt::Hyphenated;
use tsunagu_api::{
    Author, NewPost, Post, PostPage, Problem, Profession, SystemEvent, SystemEventKind, Timeline,
    IDEMPOTENCY_KEY,
};
use utoipa::IntoParams;
use uuid::Uuid;

use super::access::membership;
use super::extract::{parse_id, ClientIp, Json, Query};
use super::groups::{invalid_cursor, page};
use super::{AppState, AuthUser, Error};
use crate::audit::{self, Action, Entry};
use crate::cursor::{clamp_limit, Cursor};
use crate::time::{from_ms, now_ms};

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
}

#[derive(Debug, sqlx::FromRow)]
struct PostRow {
    id: Hyphenated,
    group_id: Hyphenated,
    body: String,
    created_at_ms: i64,
    author_id: Hyphenated,
    author_name: String,
    author_profession: String,
    author_facility_name: Option<String>,
    timeline: String,
    system: Option<String>,
    subject_id: Option<Hyphenated>,
    subject_name: Option<String>,
    subject_profession: Option<String>,
    subject_facility_name: Option<String>,
}

/// The stored content of a system entry.
#[derive(Deserialize)]
struct StoredSystem {
    kind: SystemEventKind,
    #[serde(default)]
    detail: Option<String>,
}

impl PostRow {
    fn cursor(&self) -> Cursor {
        Cursor {
            ms: self.created_at_ms,
            id: self.id.into_uuid(),
        }
    }

    pub(super) fn timeline(&self) -> Timeline {
        Timeline::parse(&self.timeline).unwrap_or_default()
    }

    fn into_post(self) -> Post {
        let timeline = self.timeline();
        let author = Author {
            id: self.author_id.into_uuid(),
            display_name: self.author_name,
            profession: Profession::parse(&self.author_profession),
            facility_name: self.author_facility_name,
        };
        let subject = match (self.subject_id, self.subject_name, self.subject_profession) {
            (Some(id), Some(name), Some(profession)) => Some(Author {
                id: id.into_uuid(),
                display_name: name,
                profession: Profession::parse(&profession),
                facility_name: self.subject_facility_name,
            }),
            _ => None,
        };
        let system = self.system.map(|raw| {
            let stored: Option<StoredSystem> = serde_json::from_str(&raw).ok();
            SystemEvent {
                kind: stored.as_ref().map_or(SystemEventKind::Unknown, |s| s.kind),
                actor: Some(author.clone()),
                subject,
                detail: stored.and_then(|s| s.detail),
            }
        });
        Post {
            id: self.id.into_uuid(),
            group_id: self.group_id.into_uuid(),
            author,
            body: self.body,
            created_at: from_ms(self.created_at_ms),
            timeline,
            system,
            importance: Default::default(),
            reply_to: None,
            mentions: Vec::new(),
            edited_at: None,
            deleted_at: None,
            version: 1,
            read_count: 0,
            ack_count: 0,
            acked_by_me: false,
        }
    }
}

/// Posts with their authors (and, for system entries, their subjects) joined in, so a page is
/// one query; callers append the `WHERE`.
const SELECT_POSTS_FROM: &str = "SELECT p.id, p.group_id, p.body, p.created_at_ms,
        u.id AS author_id, u.display_name AS author_name, u.profession AS author_profession,
        f.name AS author_facility_name, p.timeline, p.system,
        su.id AS subject_id, su.display_name AS subject_name,
        su.profession AS subject_profession, sf.name AS subject_facility_name
    FROM posts p
    JOIN users u ON u.id = p.author_id
    LEFT JOIN facilities f ON f.id = u.facility_id
    LEFT JOIN users su ON su.id = json_extract(p.system, '$.subject_id')
    LEFT JOIN facilities sf ON sf.id = su.facility_id";

/// One timeline of one group; binds are the group id and the timeline.
fn select_posts() -> String {
    format!("{SELECT_POSTS_FROM} WHERE p.group_id = ? AND p.timeline = ?")
}

#[derive(Debug, Clone, Copy)]
enum Direction {
    /// No cursor: the newest posts.
    Newest,
    Before,
    After,
}

/// A page query; binds are the group id and timeline, then (for a cursor) ms, ms, id, then the
/// row limit. Each is a range scan of posts_by_timeline (group_id, timeline, created_at_ms, id)
/// in the page's order:
/// the `created_at_ms <=`/`>=` bound is the index range, the OR breaks ties on the id.
fn timeline_sql(direction: Direction) -> String {
    let select_posts = select_posts();
    match direction {
        Direction::Newest => {
            format!("{select_posts} ORDER BY p.created_at_ms DESC, p.id DESC LIMIT ?")
        }
        Direction::Before => format!(
            "{select_posts} AND p.created_at_ms <= ? AND (p.created_at_ms < ? OR p.id < ?)
             ORDER BY p.created_at_ms DESC, p.id DESC LIMIT ?"
        ),
        Direction::After => format!(
            "{select_posts} AND p.created_at_ms >= ? AND (p.created_at_ms > ? OR p.id > ?)
             ORDER BY p.created_at_ms ASC, p.id ASC LIMIT ?"
        ),
    }
}

fn post_location(group_id: Uuid, post_id: Uuid) -> String {
    format!("/api/v1/groups/{group_id}/posts/{post_id}")
}

/// A page of a group's timeline.
///
/// Without a cursor or with `before`: newest first, going back in time. With `after`: oldest
/// first, catching up from a post already seen.
#[utoipa::path(
    get,
    path = "/api/v1/groups/{group_id}/posts",
    tag = "posts",
    security(("bearer" = [])),
    params(("group_id" = Uuid, Path, description = "Group id"), PostListParams),
    responses(
        (status = 200, description = "One page of posts", body = PostPage),
        (status = 400, description = "Invalid `limit` or cursor, or both `before` and `after` (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
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
    let me = membership(&state.db, group_id, auth.user_id).await?;
    let timeline = match params.timeline {
        Some(t) => {
            me.require_timeline(t)?;
            t
        }
        None => me.timelines()[0],
    };
    let limit = clamp_limit(params.limit);
    let decode = |raw: &str| Cursor::decode(raw).ok_or_else(invalid_cursor);

    let (sql, cursor) = match (params.before.as_deref(), params.after.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(Error::MalformedRequest(
                "before and after are mutually exclusive".to_owned(),
            ))
        }
        (None, None) => (timeline_sql(Direction::Newest), None),
        (Some(before), None) => (timeline_sql(Direction::Before), Some(decode(before)?)),
        (None, Some(after)) => (timeline_sql(Direction::After), Some(decode(after)?)),
    };
    let mut query = sqlx::query_as(&sql)
        .bind(group_id.hyphenated())
        .bind(timeline.as_str());
    if let Some(c) = cursor {
        query = query.bind(c.ms).bind(c.ms).bind(c.id.hyphenated());
    }
    let rows: Vec<PostRow> = query.bind(limit + 1).fetch_all(&state.db).await?;

    audit::record(
        &state.db,
        Entry::new(Action::PostsRead, Some(auth.user_id), ip).group(group_id),
    )
    .await?;

    let (rows, next_cursor) = page(rows, limit, PostRow::cursor);
    Ok(axum::Json(PostPage {
        items: rows.into_iter().map(PostRow::into_post).collect(),
        next_cursor,
        read_up_to: None,
    }))
}

/// One post, the target of the `Location` header of a created post.
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
        (status = 200, description = "The post", body = Post),
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
) -> Result<axum::Json<Post>, Error> {
    let group_id = parse_id(&group_id)?;
    let post_id = parse_id(&post_id)?;
    let me = membership(&state.db, group_id, auth.user_id).await?;
    let row: PostRow = sqlx::query_as(&format!(
        "{SELECT_POSTS_FROM} WHERE p.group_id = ? AND p.id = ?"
    ))
    .bind(group_id.hyphenated())
    .bind(post_id.hyphenated())
    .fetch_optional(&state.db)
    .await?
    .ok_or(Error::NotFound)?;
    me.require_timeline(row.timeline())?;
    audit::record(
        &state.db,
        Entry::new(Action::PostRead, Some(auth.user_id), ip)
            .group(group_id)
            .target(post_id),
    )
    .await?;
    Ok(axum::Json(row.into_post()))
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

/// Posts to a group's timeline.
///
/// With an `Idempotency-Key`, a repeat of the same request returns the first response (same
/// status and body, no second post); the key with a different request is refused. Keys are
/// kept for at least 24 hours.
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
        (status = 422, description = "Empty or too long body (`post_empty`, `post_too_long`, with `errors`), or the key was used for a different request (`idempotency_key_reused`)", body = Problem, content_type = "application/problem+json"),
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
    let mut tx = state.db.begin_with("BEGIN IMMEDIATE").await?;

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
        "INSERT INTO posts (id, group_id, author_id, body, created_at_ms, timeline)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(post_id.hyphenated())
    .bind(group_id.hyphenated())
    .bind(auth.user_id.hyphenated())
    .bind(&new_post.body)
    .bind(created_at_ms)
    .bind(timeline.as_str())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE groups SET last_post_at_ms = MAX(COALESCE(last_post_at_ms, 0), ?) WHERE id = ?",
    )
    .bind(created_at_ms)
    .bind(group_id.hyphenated())
    .execute(&mut *tx)
    .await?;
    let row: PostRow = sqlx::query_as(&format!(
        "{SELECT_POSTS_FROM} WHERE p.group_id = ? AND p.id = ?"
    ))
    .bind(group_id.hyphenated())
    .bind(post_id.hyphenated())
    .fetch_one(&mut *tx)
    .await?;
    let body = serde_json::to_string(&row.into_post()).map_err(anyhow::Error::from)?;
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
    audit::record(
        &mut *tx,
        Entry::new(Action::PostCreate, Some(auth.user_id), ip)
            .group(group_id)
            .target(post_id),
    )
    .await?;
    tx.commit().await?;

    created_response(status, body, &post_location(group_id, post_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every page is an index range scan in index order: no full scan, no sort, no OFFSET.
    #[tokio::test]
    async fn timeline_queries_use_the_keyset_index() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let db = crate::db::connect(&url).await.unwrap();
        for direction in [Direction::Newest, Direction::Before, Direction::After] {
            let sql = format!("EXPLAIN QUERY PLAN {}", timeline_sql(direction));
            let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(&sql)
                .bind("g")
                .bind("care");
            if !matches!(direction, Direction::Newest) {
                query = query.bind(1_i64).bind(1_i64).bind("id");
            }
            let plan: Vec<String> = query
                .bind(51_i64)
                .fetch_all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|(.., detail)| detail)
                .collect();
            let plan = plan.join("\n");
            assert!(
                plan.contains("SEARCH p USING INDEX posts_by_timeline (group_id=? AND timeline=?"),
                "{direction:?}: {plan}"
            );
            assert!(!plan.contains("TEMP B-TREE"), "{direction:?}: {plan}");
            if !matches!(direction, Direction::Newest) {
                assert!(plan.contains("created_at_ms"), "{direction:?}: {plan}");
            }
        }
    }
}
