//! Live events on PostgreSQL: appended last in their transaction (ids in commit order, see
//! README.md) with a `NOTIFY` carrying only the newest id, and a listener per instance that
//! wakes its streams; the events table stays the source of truth, so a lost notification or
//! a listener reconnect costs only a resync, never an event.

use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::{PgConnection, PgPool};
use tsunagu_api::{LiveEvent, Timeline};
use uuid::Uuid;

use crate::events::{EventId, Live};
use crate::time::now_ms;

/// The channel every instance listens on; the payload is the newest committed event id.
pub const CHANNEL: &str = "tsunagu_events";

/// An event waiting for its transaction's commit.
pub struct NewEvent {
    group_id: Uuid,
    timeline: Option<Timeline>,
    user_id: Option<Uuid>,
    name: &'static str,
    data: String,
}

impl NewEvent {
    pub fn new(
        group_id: Uuid,
        timeline: Option<Timeline>,
        user_id: Option<Uuid>,
        event: &LiveEvent,
    ) -> Self {
        Self {
            group_id,
            timeline,
            user_id,
            name: event.name(),
            data: event.data_json(),
        }
    }
}

/// Inserts the events in order and queues the `NOTIFY` (sent by PostgreSQL at commit);
/// returns the newest id. Must be the transaction's last statements.
pub async fn insert_and_notify(
    conn: &mut PgConnection,
    events: &[NewEvent],
) -> Result<Option<EventId>, sqlx::Error> {
    let mut latest = None;
    let at_ms = now_ms();
    for event in events {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO events (at_ms, group_id, timeline, user_id, name, data)
             VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING id",
        )
        .bind(at_ms)
        .bind(event.group_id)
        .bind(event.timeline.map(Timeline::as_str))
        .bind(event.user_id)
        .bind(event.name)
        .bind(&event.data)
        .fetch_one(&mut *conn)
        .await?;
        latest = Some(EventId(id));
    }
    if let Some(EventId(id)) = latest {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(id.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(latest)
}

/// The newest event id stored.
pub async fn latest(pool: &PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
        .fetch_one(pool)
        .await
}

/// Wakes this instance's streams for events committed by any instance, until the process
/// ends. After every (re)connect it reads the newest id, so what was committed while the
/// listener was away is announced too.
pub async fn listen(pool: PgPool, live: Live) {
    loop {
        let error = listen_once(&pool, &live).await.err();
        tracing::warn!(error = ?error, "event listener lost its connection; reconnecting");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn listen_once(pool: &PgPool, live: &Live) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    // Listening first, then reading: nothing committed in between is missed.
    live.publish(EventId(latest(pool).await?));
    loop {
        match listener.try_recv().await? {
            Some(notification) => match notification.payload().parse::<i64>() {
                Ok(id) => live.publish(EventId(id)),
                Err(_) => tracing::warn!("ignoring a malformed event notification"),
            },
            // The connection was lost: start over (listen, then read what was missed).
            None => return Ok(()),
        }
    }
}

/// Drops events past retention; returns how many.
pub async fn prune(pool: &PgPool, now_ms: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM events WHERE at_ms < $1")
        .bind(now_ms - crate::events::EVENT_RETENTION_MS)
        .execute(pool)
        .await?
        .rows_affected())
}
