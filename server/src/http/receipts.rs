//! Who read and who acknowledged a post (既読・見ました), acknowledging, and the caller's list
//! of urgent posts still waiting for their acknowledgement.

use axum::extract::{Path, State};
use tsunagu_api::{Post, PostReceipts, Problem, UrgentList};

use super::access::member;
use super::common_responses::SessionErrors;
use super::extract::{parse_id, ClientIp};
use super::{AppState, AuthUser, Error};
use crate::audit::{Action, Entry};

/// Who read and who acknowledged a post, and who has not yet: members who may read its
/// timeline, the author excluded.
#[utoipa::path(
    get,
    path = "/api/v1/groups/{group_id}/posts/{post_id}/receipts",
    tag = "posts",
    security(("bearer" = [])),
    params(
        ("group_id" = Uuid, Path, description = "Group id"),
        ("post_id" = Uuid, Path, description = "Post id"),
    ),
    responses(
        (status = 200, description = "Readers and acknowledgers (oldest first), and the members still missing", body = PostReceipts),
        (status = 404, description = "No such post in a timeline the caller may read, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn post_receipts(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path((group_id, post_id)): Path<(String, String)>,
) -> Result<axum::Json<PostReceipts>, Error> {
    let group_id = parse_id(&group_id)?;
    let post_id = parse_id(&post_id)?;
    let me = member(&state, group_id, auth.user_id).await?;
    let audit = Entry::new(Action::PostReceiptsRead, Some(auth.user_id), ip)
        .group(group_id)
        .target(post_id);
    Ok(axum::Json(
        state
            .store
            .post_receipts(&me, group_id, post_id, audit)
            .await?,
    ))
}

/// Acknowledges a post (見ました). Idempotent: acknowledging again changes nothing. Open event
/// streams get `ack.updated` the first time.
#[utoipa::path(
    put,
    path = "/api/v1/groups/{group_id}/posts/{post_id}/ack",
    tag = "posts",
    security(("bearer" = [])),
    params(
        ("group_id" = Uuid, Path, description = "Group id"),
        ("post_id" = Uuid, Path, description = "Post id"),
    ),
    responses(
        (status = 200, description = "The post, `acked_by_me` true", body = Post),
        (status = 403, description = "A system entry cannot be acknowledged (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post in a timeline the caller may read, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The post is deleted (`post_deleted`) or the group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn ack_post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path((group_id, post_id)): Path<(String, String)>,
) -> Result<axum::Json<Post>, Error> {
    let group_id = parse_id(&group_id)?;
    let post_id = parse_id(&post_id)?;
    let me = member(&state, group_id, auth.user_id).await?;
    let audit = Entry::new(Action::PostAck, Some(auth.user_id), ip)
        .group(group_id)
        .target(post_id);
    Ok(axum::Json(
        state
            .store
            .ack_post(&me, group_id, post_id, auth.user_id, audit)
            .await?,
    ))
}

/// Urgent posts waiting for the caller's acknowledgement, across the caller's groups: urgent,
/// not deleted, not written by the caller, in timelines the caller may read; oldest first, at
/// most 100.
#[utoipa::path(
    get,
    path = "/api/v1/urgent",
    tag = "posts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Urgent posts not yet acknowledged by the caller, oldest first", body = UrgentList),
        SessionErrors,
    )
)]
pub async fn list_urgent(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
) -> Result<axum::Json<UrgentList>, Error> {
    let items = state.store.urgent_for(auth.user_id).await?;
    state
        .store
        .audit(Entry::new(Action::UrgentRead, Some(auth.user_id), ip))
        .await?;
    Ok(axum::Json(UrgentList { items }))
}
