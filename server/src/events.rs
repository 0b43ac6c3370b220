//! The event log behind `GET /api/v1/events`: handlers append events in the transaction that
//! makes the change, and after committing wake the open streams through [`Live`].
//!
//! Ordering: SQLite lets one writer at a time hold the database, and a transaction keeps the
//! write lock from its first write until it commits. Event ids come from AUTOINCREMENT inside
//! those transactions, so ids are assigned — and committed — in increasing order: once a reader
//! sees event N, every event below N is committed too (or was rolled back and never existed).
//! A stream may therefore remember "everything up to N delivered" and ask only for `id > N`.

use sqlx::SqliteExecutor;
use tokio::sync::watch;
use tsunagu_api::{LiveEvent, Timeline};
use uuid::Uuid;

use crate::time::now_ms;

/// How long events are kept; a `Last-Event-ID` older than this gets `event: reset`.
pub const EVENT_RETENTION_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// The id of an appended event. Must be handed to [`Live::publish`] after the transaction
/// commits, or open streams learn of the event only with the next one.
#[must_use = "publish the event id after committing, or open streams are not woken"]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventId(pub i64);

/// What open streams watch: the newest committed event id, and whether the server is
/// shutting down (streams end then, so a graceful shutdown does not wait for them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tick {
    pub latest: i64,
    pub closing: bool,
}

/// Wakes the open event streams. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Live {
    tx: watch::Sender<Tick>,
}

impl Live {
    /// Starts at the newest event already stored.
    pub async fn new(db: impl SqliteExecutor<'_>) -> Result<Self, sqlx::Error> {
        let latest: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
            .fetch_one(db)
            .await?;
        Ok(Self {
            tx: watch::Sender::new(Tick {
                latest,
                closing: false,
            }),
        })
    }

    /// Announces committed events up to `id`. Handlers may publish out of order (two commits
    /// racing to notify); the value only grows, and streams read the database anyway.
    pub fn publish(&self, id: EventId) {
        self.tx.send_if_modified(|tick| {
            if id.0 > tick.latest {
                tick.latest = id.0;
                true
            } else {
                false
            }
        });
    }

    /// Publishes the largest of several ids (a handler that appended more than one event).
    pub fn publish_all(&self, ids: impl IntoIterator<Item = EventId>) {
        if let Some(max) = ids.into_iter().max() {
            self.publish(max);
        }
    }

    /// Ends every open stream (server shutdown).
    pub fn close(&self) {
        self.tx.send_modify(|tick| tick.closing = true);
    }

    pub fn subscribe(&self) -> watch::Receiver<Tick> {
        self.tx.subscribe()
    }
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
        .bind(now_ms - EVENT_RETENTION_MS)
        .execute(db)
        .await?
        .rows_affected())
}
