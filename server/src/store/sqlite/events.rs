//! The event log on SQLite: appended in the transaction that makes the change (see
//! [`crate::events`] for why ids commit in order here), pruned after its retention.

use sqlx::SqliteExecutor;
use tsunagu_api::{LiveEvent, Timeline};
use uuid::Uuid;

use crate::events::EventId;
use crate::time::now_ms;

/// The newest event id stored (0 for none): where a new [`crate::events::Live`] starts.
pub async fn latest(db: impl SqliteExecutor<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
        .fetch_one(db)
        .await
}

/// Appends an event concerning `group_id` (and, unless `None`, only readers of `timeline`).
pub async fn append(
    db: impl SqliteExecutor<'_>,
    group_id: Uuid,
    timeline: Option<Timeline>,
    event: &LiveEvent,
) -> Result<EventId, sqlx::Error> {
    insert(db, group_id, timeline, None, event).await
}

async fn insert(
    db: impl SqliteExecutor<'_>,
    group_id: Uuid,
    timeline: Option<Timeline>,
    user_id: Option<Uuid>,
    event: &LiveEvent,
) -> Result<EventId, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO events (at_ms, group_id, timeline, user_id, name, data)
         VALUES (?, ?, ?, ?, ?, ?)
         RETURNING id",
    )
    .bind(now_ms())
    .bind(group_id.hyphenated())
    .bind(timeline.map(Timeline::as_str))
    .bind(user_id.map(|u| u.hyphenated()))
    .bind(event.name())
    .bind(event.data_json())
    .fetch_one(db)
    .await?;
    Ok(EventId(id))
}

/// Appends an event for `user_id` alone, whether or not they are a member of `group_id` (the
/// member just removed from it).
pub async fn append_for_user(
    db: impl SqliteExecutor<'_>,
    user_id: Uuid,
    group_id: Uuid,
    event: &LiveEvent,
) -> Result<EventId, sqlx::Error> {
    insert(db, group_id, None, Some(user_id), event).await
}

/// Drops events past retention; returns how many.
pub async fn prune(db: impl SqliteExecutor<'_>, now_ms: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM events WHERE at_ms < ?")
        .bind(now_ms - crate::events::EVENT_RETENTION_MS)
        .execute(db)
        .await?
        .rows_affected())
}
