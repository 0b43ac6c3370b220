//! What the event stream reads, and the pruning of what outlived its retention.

use std::time::Duration;

use tsunagu_api::Post;
use uuid::Uuid;

use super::posts::{PostRow, SELECT_POSTS_FROM};
use super::SqliteStore;
use crate::store::rows::StoredEvent;
use crate::store::{StoreError, IDEMPOTENCY_KEY_RETENTION_MS, IDLE_SESSION_GRACE_MS};
use crate::time::now_ms;

/// Writes the folded search text of posts that have none yet (written before migration 0004,
/// or by a tool that left it out), a batch per transaction; returns how many. SQLite only:
/// every PostgreSQL database had the fold from its first post.
pub async fn fold_search_texts(pool: &sqlx::SqlitePool) -> Result<u64, sqlx::Error> {
    let mut done = 0;
    loop {
        let mut tx = pool.begin().await?;
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, body FROM posts
             WHERE search_text IS NULL AND system IS NULL AND deleted_at_ms IS NULL
             LIMIT 500",
        )
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            return Ok(done);
        }
        for (id, body) in &rows {
            sqlx::query("UPDATE posts SET search_text = ? WHERE id = ?")
                .bind(crate::db::search_text(body))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        done += rows.len() as u64;
    }
}

impl SqliteStore {
    pub async fn event_bounds(&self) -> Result<(i64, Option<i64>), StoreError> {
        // AUTOINCREMENT's counter: the largest id ever assigned, also after pruning.
        Ok(sqlx::query_as(
            "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0),
                    (SELECT MIN(id) FROM events)",
        )
        .fetch_one(&self.read)
        .await?)
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
             LEFT JOIN group_members m ON m.group_id = e.group_id AND m.user_id = ?1
             WHERE e.id > ?2 AND e.id <= ?3
               AND (e.user_id = ?1
                    OR e.user_id IS NULL AND m.user_id IS NOT NULL
                       -- nothing from before the caller joined, also on a replay
                       AND e.at_ms >= m.joined_at_ms
                       AND (e.timeline IS NULL OR e.timeline = 'family' OR m.role <> 'family'))
             ORDER BY e.id LIMIT ?4",
        )
        .bind(user.hyphenated())
        .bind(after)
        .bind(upto)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn posts_by_id(&self, viewer: Uuid, ids: &[Uuid]) -> Result<Vec<Post>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<PostRow> = sqlx::query_as(&format!(
            "{SELECT_POSTS_FROM} WHERE p.id IN (SELECT value FROM json_each(?))"
        ))
        .bind(viewer.hyphenated())
        .bind(serde_json::to_string(ids).map_err(anyhow::Error::from)?)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(PostRow::into_post).collect())
    }

    pub async fn prune(&self, idle_timeout: Duration) -> Result<(), StoreError> {
        let now = now_ms();
        let idle_ms = i64::try_from(idle_timeout.as_millis()).unwrap_or(i64::MAX / 2);
        let pool = self.writer.pool();
        let keys = sqlx::query("DELETE FROM idempotency_keys WHERE created_at_ms < ?")
            .bind(now - IDEMPOTENCY_KEY_RETENTION_MS)
            .execute(pool)
            .await?
            .rows_affected();
        let sessions =
            sqlx::query("DELETE FROM sessions WHERE expires_at_ms <= ? OR last_seen_ms < ?")
                .bind(now)
                .bind(now - idle_ms - IDLE_SESSION_GRACE_MS)
                .execute(pool)
                .await?
                .rows_affected();
        let events = super::events::prune(pool, now).await?;
        tracing::debug!(keys, sessions, events, "pruned expired rows");
        Ok(())
    }
}
