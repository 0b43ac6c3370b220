//! `PUT /api/v1/groups/{group_id}/read`: the caller's read marker in one timeline, and the
//! per-post read receipts (既読) it implies.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use sqlx::types::uuid::fmt::Hyphenated;
use tsunagu_api::{LiveEvent, Problem, ReadMarker, ReadUpdate};

use super::access::membership;
use super::extract::{parse_id, ClientIp, Json};
use super::posts::author_of;
use super::{AppState, AuthUser, Error};
use crate::audit::{self, Action, Entry};
use crate::events;
use crate::time::{from_ms, now_ms};

/// The read receipts of the posts a marker moved over. Binds: reader, time, group, timeline,
/// from ms, from ms, from id, to ms, to ms, to id, reader. One range of posts_by_timeline.
const INSERT_RECEIPTS: &str = "INSERT OR IGNORE INTO post_reads (post_id, user_id, read_at_ms)
    SELECT p.id, ?, ? FROM posts p
    WHERE p.group_id = ? AND p.timeline = ?
      AND p.created_at_ms >= ? AND (p.created_at_ms > ? OR p.id > ?)
      AND p.created_at_ms <= ? AND (p.created_at_ms < ? OR p.id <= ?)
      AND p.system IS NULL AND p.author_id <> ?";

/// Marks everything up to a post of a timeline as read. Markers only move forward: an older
/// post leaves the marker where it is.
///
/// When the marker moves, every post it passes (not the caller's own, not system entries)
/// gets the caller's read receipt, and open event streams get `read.updated`.
#[utoipa::path(
    put,
    path = "/api/v1/groups/{group_id}/read",
    tag = "posts",
    security(("bearer" = [])),
    params(("group_id" = Uuid, Path, description = "Group id")),
    request_body = ReadMarker,
    responses(
        (status = 204, description = "Marked (or already further)"),
        (status = 400, description = "Malformed JSON (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 404, description = "No such group, timeline the caller may read, or post in that timeline (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not `application/json` (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn mark_read(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(group_id): Path<String>,
    Json(marker): Json<ReadMarker>,
) -> Result<StatusCode, Error> {
    let group_id = parse_id(&group_id)?;
    let me = membership(&state.db, group_id, auth.user_id).await?;
    me.require_timeline(marker.timeline)?;
    // IMMEDIATE: the previous marker read here is the one replaced, so two tabs marking at
    // once cannot both report the same move.
    let mut tx = state.writer.begin().await?;
    let post_ms: i64 = sqlx::query_scalar(
        "SELECT created_at_ms FROM posts WHERE id = ? AND group_id = ? AND timeline = ?",
    )
    .bind(marker.up_to.hyphenated())
    .bind(group_id.hyphenated())
    .bind(marker.timeline.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound)?;
    let previous: Option<(i64, Hyphenated)> = sqlx::query_as(
        "SELECT up_to_ms, up_to_id FROM read_markers
         WHERE group_id = ? AND user_id = ? AND timeline = ?",
    )
    .bind(group_id.hyphenated())
    .bind(auth.user_id.hyphenated())
    .bind(marker.timeline.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let up_to = (post_ms, marker.up_to);
    let moved = previous.is_none_or(|(ms, id)| up_to > (ms, id.into_uuid()));
    let mut event = None;
    if moved {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO read_markers (group_id, user_id, timeline, up_to_ms, up_to_id)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (group_id, user_id, timeline) DO UPDATE
                 SET up_to_ms = excluded.up_to_ms, up_to_id = excluded.up_to_id",
        )
        .bind(group_id.hyphenated())
        .bind(auth.user_id.hyphenated())
        .bind(marker.timeline.as_str())
        .bind(post_ms)
        .bind(marker.up_to.hyphenated())
        .execute(&mut *tx)
        .await?;
        // One statement for the whole stretch the marker moved over: (previous, up_to] of
        // posts_by_timeline. Posts up to the previous marker got their receipts when it moved
        // there (migration 0003 did it for older markers), so the range starts after it; a
        // post already read is skipped.
        let (from_ms_, from_id) = previous
            .map(|(ms, id)| (ms, id.into_uuid().hyphenated().to_string()))
            .unwrap_or((i64::MIN, String::new()));
        sqlx::query(INSERT_RECEIPTS)
            .bind(auth.user_id.hyphenated())
            .bind(now)
            .bind(group_id.hyphenated())
            .bind(marker.timeline.as_str())
            .bind(from_ms_)
            .bind(from_ms_)
            .bind(&from_id)
            .bind(post_ms)
            .bind(post_ms)
            .bind(marker.up_to.hyphenated())
            .bind(auth.user_id.hyphenated())
            .execute(&mut *tx)
            .await?;
        let update = ReadUpdate {
            group_id,
            timeline: marker.timeline,
            reader: author_of(&mut *tx, auth.user_id).await?,
            previous: previous.map(|(_, id)| id.into_uuid()),
            up_to: marker.up_to,
            at: from_ms(now),
        };
        event = Some(
            events::append(
                &mut *tx,
                group_id,
                Some(marker.timeline),
                &LiveEvent::ReadUpdated(update),
            )
            .await?,
        );
    }
    audit::record(
        &mut *tx,
        Entry::new(Action::ReadMarkerUpdate, Some(auth.user_id), ip)
            .group(group_id)
            .target(marker.up_to),
    )
    .await?;
    tx.commit().await?;
    state.live.publish_all(event);
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Moving a marker reads one index range of the timeline, however long the timeline is.
    #[tokio::test]
    async fn receipts_come_from_one_index_range() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let db = crate::db::connect(&url).await.unwrap();
        let plan: Vec<String> = sqlx::query_as::<_, (i64, i64, i64, String)>(&format!(
            "EXPLAIN QUERY PLAN {INSERT_RECEIPTS}"
        ))
        .bind("u")
        .bind(1_i64)
        .bind("g")
        .bind("care")
        .bind(1_i64)
        .bind(1_i64)
        .bind("a")
        .bind(2_i64)
        .bind(2_i64)
        .bind("b")
        .bind("u")
        .fetch_all(&db.read)
        .await
        .unwrap()
        .into_iter()
        .map(|(.., detail)| detail)
        .collect();
        let plan = plan.join("\n");
        assert!(
            plan.contains(
                "SEARCH p USING INDEX posts_by_timeline \
                 (group_id=? AND timeline=? AND created_at_ms>? AND created_at_ms<?)"
            ),
            "{plan}"
        );
    }
}
