//! How PostgreSQL writes the queued audit rows and session touches: one transaction per batch
//! (see [`crate::store::batch`]).

use std::time::Duration;

use sqlx::PgPool;

use super::users::record_audit_at;
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
        for row in rows {
            match row {
                Row::Audit { entry, at_ms } => record_audit_at(&mut tx, *entry, *at_ms).await?,
                Row::Touch { token_hash, at_ms } => {
                    sqlx::query(
                        "UPDATE sessions SET last_seen_ms = GREATEST(last_seen_ms, $1)
                         WHERE token_hash = $2",
                    )
                    .bind(at_ms)
                    .bind(token_hash)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        tx.commit().await
    }
}
