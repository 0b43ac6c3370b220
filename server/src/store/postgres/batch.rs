//! How PostgreSQL writes the queued audit rows and session touches: one transaction per batch
//! (see [`crate::store::batch`]).

use std::time::Duration;

use sqlx::PgPool;

use super::users::append_audit;
use crate::store::batch::{BatchSink, Batcher, Row};

/// A failed batch is tried again after this pause (e.g. a failover of the database).
const RETRY_AFTER: Duration = Duration::from_millis(500);

/// Starts the batching task on `pool`.
pub fn start(pool: PgPool) -> Batcher {
    Batcher::start(Sink { pool }, RETRY_AFTER)
}

struct Sink {
    pool: PgPool,
}

impl BatchSink for Sink {
    async fn write(&self, rows: &[Row]) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        // Session touches first, audit rows last: the audit chain's tail is then locked only
        // from there to COMMIT, after every row lock (see the audit append).
        for row in rows {
            if let Row::Touch { token_hash, at_ms } = row {
                sqlx::query(
                    "UPDATE sessions SET last_seen_ms = GREATEST(last_seen_ms, $1)
                     WHERE token_hash = $2",
                )
                .bind(at_ms)
                .bind(token_hash)
                .execute(&mut *tx)
                .await?;
            }
            if let Row::Activity { user_id, day } = row {
                sqlx::query(
                    "INSERT INTO activity_days (user_id, day) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(user_id)
                .bind(day)
                .execute(&mut *tx)
                .await?;
            }
        }
        // Collected first: a borrowing iterator would make the future not `Send`.
        let mut audit = Vec::with_capacity(rows.len());
        for row in rows {
            if let Row::Audit { entry, at_ms } = row {
                audit.push((*entry, *at_ms));
            }
        }
        append_audit(&mut tx, audit).await?;
        tx.commit().await
    }
}
