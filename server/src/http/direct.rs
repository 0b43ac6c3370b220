//! `POST /api/v1/direct`: open the direct message with a person, or reuse the one there is.

use axum::extract::State;
use axum::http::StatusCode;
use tsunagu_api::{ErrorCode, Group, OpenDirect, Problem};
use uuid::Uuid;

use super::access::member_changed;
use super::extract::{ClientIp, Json};
use super::groups::fetch_group;
use super::{AppState, AuthUser, Error};
use crate::audit::{self, Action, Entry};
use crate::time::now_ms;

/// The pair's key: both ids in order, so either side finds the same DM.
fn direct_key(a: Uuid, b: Uuid) -> String {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    format!("{}|{}", a.hyphenated(), b.hyphenated())
}

/// Opens a direct message with a registered professional: 201 with a new group, or 200 with
/// the existing one (a pair never has two). Its name is the other person's, per viewer.
#[utoipa::path(
    post,
    path = "/api/v1/direct",
    tag = "groups",
    security(("bearer" = [])),
    request_body = OpenDirect,
    responses(
        (status = 200, description = "The existing direct message with this person", body = Group),
        (status = 201, description = "A new direct message", body = Group),
        (status = 400, description = "Malformed JSON (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 403, description = "Family accounts cannot open direct messages (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such enabled professional (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not `application/json` (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "With yourself (`field_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn open_direct(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Json(open): Json<OpenDirect>,
) -> Result<(StatusCode, axum::Json<Group>), Error> {
    if auth.is_family {
        return Err(Error::Forbidden);
    }
    if open.user_id == auth.user_id {
        return Err(Error::Validation {
            field: "user_id",
            code: ErrorCode::FieldInvalid,
        });
    }
    let peer: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM users WHERE id = ? AND disabled = 0 AND profession <> 'family'",
    )
    .bind(open.user_id.hyphenated())
    .fetch_optional(&state.db)
    .await?;
    if peer.is_none() {
        return Err(Error::NotFound);
    }
    let key = direct_key(auth.user_id, open.user_id);
    let mut tx = state.writer.begin().await?;
    let existing: Option<String> = sqlx::query_scalar("SELECT id FROM groups WHERE direct_key = ?")
        .bind(&key)
        .fetch_optional(&mut *tx)
        .await?;
    let (status, group_id, changed) = match existing {
        Some(id) => (
            StatusCode::OK,
            Uuid::parse_str(&id).map_err(anyhow::Error::from)?,
            None,
        ),
        None => {
            let id = Uuid::now_v7();
            let now = now_ms();
            sqlx::query(
                "INSERT INTO groups (id, kind, name, created_by, created_at_ms, direct_key)
                 VALUES (?, 'direct', '', ?, ?, ?)",
            )
            .bind(id.hyphenated())
            .bind(auth.user_id.hyphenated())
            .bind(now)
            .bind(&key)
            .execute(&mut *tx)
            .await?;
            for user in [auth.user_id, open.user_id] {
                sqlx::query(
                    "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
                     VALUES (?, ?, 'member', ?)",
                )
                .bind(id.hyphenated())
                .bind(user.hyphenated())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            // The peer has a new group in their list.
            let changed = member_changed(&mut tx, id).await?;
            (StatusCode::CREATED, id, Some(changed))
        }
    };
    audit::record(
        &mut *tx,
        Entry::new(Action::DirectOpen, Some(auth.user_id), ip)
            .group(group_id)
            .target(open.user_id),
    )
    .await?;
    let group = fetch_group(&mut *tx, auth.user_id, group_id).await?;
    tx.commit().await?;
    state.live.publish_all(changed);
    Ok((status, axum::Json(group)))
}
