//! What the event stream reads on PostgreSQL, and the pruning of what outlived its retention.
//!
//! Event ids become visible in id order (see README.md, *Event ids a reader never skips*), so
//! a stream that has seen every event up to `upto` (an id it was told is committed) reads
//! `id > $last AND id <= $upto` and skips nothing.

use std::time::Duration;

use tsunagu_api::Post;
use uuid::Uuid;

use super::posts::SELECT_POSTS_FROM;
use super::PgStore;
use crate::store::rows::{PostRow, StoredEvent};
use crate::store::{StoreError, IDEMPOTENCY_KEY_RETENTION_MS, IDLE_SESSION_GRACE_MS};
use crate::time::now_ms;

impl PgStore {
    pub async fn event_bounds(&self) -> Result<(i64, Option<i64>), StoreError> {
        // The sequence's last value is the newest id ever assigned, also after pruning, like
        // SQLite's AUTOINCREMENT counter; but an id is assigned before its commit. Under the
        // events lock (shared, so streams opening together do not wait for each other) no
        // writer is between assigning and committing: every id up to the last value is then
        // visible or rolled back, so a stream starting after it misses nothing committed
        // later.
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock_shared('events'::regclass::oid::bigint)")
            .execute(&mut *tx)
            .await?;
        let bounds: (i64, Option<i64>) = sqlx::query_as(
            "SELECT COALESCE(pg_sequence_last_value(
                                 pg_get_serial_sequence('events', 'id')::regclass), 0),
                    (SELECT MIN(id) FROM events)",
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(bounds)
    }

    pub async fn events_for(
        &self,
        user: Uuid,
        after: i64,
        upto: i64,
        limit: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT e.id, e.name, e.data FROM events e
             LEFT JOIN group_members m ON m.group_id = e.group_id AND m.user_id = $1
             WHERE e.id > $2 AND e.id <= $3
               AND (e.user_id = $1
                    OR e.user_id IS NULL AND m.user_id IS NOT NULL
                       -- nothing from before the caller joined, also on a replay
                       AND e.at_ms >= m.joined_at_ms
                       AND (e.timeline IS NULL OR e.timeline = 'family' OR m.role <> 'family'))
             ORDER BY e.id LIMIT $4",
        )
        .bind(user)
        .bind(after)
        .bind(upto)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn posts_by_id(&self, viewer: Uuid, ids: &[Uuid]) -> Result<Vec<Post>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<PostRow> =
            sqlx::query_as(&format!("{SELECT_POSTS_FROM} WHERE p.id = ANY($2)"))
                .bind(viewer)
                .bind(ids)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(PostRow::into_post).collect())
    }

    pub async fn prune(&self, idle_timeout: Duration) -> Result<(), StoreError> {
        let now = now_ms();
        let idle_ms = i64::try_from(idle_timeout.as_millis()).unwrap_or(i64::MAX / 2);
        // Separate statements, each its own transaction: every instance may prune at once, and
        // deleting the same expired rows twice is harmless.
        let keys = sqlx::query("DELETE FROM idempotency_keys WHERE created_at_ms < $1")
            .bind(now - IDEMPOTENCY_KEY_RETENTION_MS)
            .execute(&self.pool)
            .await?
            .rows_affected();
        let sessions =
            sqlx::query("DELETE FROM sessions WHERE expires_at_ms <= $1 OR last_seen_ms < $2")
                .bind(now)
                .bind(now - idle_ms - IDLE_SESSION_GRACE_MS)
                .execute(&self.pool)
                .await?
                .rows_affected();
        let events = super::events::prune(&self.pool, now).await?;
        tracing::debug!(keys, sessions, events, "pruned expired rows");
        Ok(())
    }
}
