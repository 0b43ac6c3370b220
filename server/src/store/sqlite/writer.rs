//! The one way writes reach SQLite.
//!
//! SQLite admits one writer at a time. With writers on a pool of connections, the losers of
//! the race sleep in SQLite's busy handler (backing off for up to seconds while a core idles)
//! and a deferred read-then-write transaction fails outright with "database is locked". So the
//! server keeps exactly one connection that may write, behind a pool of size one: writers queue
//! for it in order and never busy-wait. The read pool's connections are `query_only`, so a
//! write that bypasses the writer fails loudly instead of contending.
//!
//! Small writes that many requests make — an audit row per read, a session's `last_seen` —
//! go through a batching task that writes everything queued in one transaction (one fsync for
//! many rows). Audit rows are still written before the data is served: the caller waits for
//! the batch's commit.
//!
//! Cancel safety: request handlers run on their own task to the end (see
//! `http::run_to_completion`), so a client that hangs up cannot cut a transaction off between
//! two statements. As a second line, a connection that comes back to the pool still inside a
//! transaction (a future dropped at the wrong moment, e.g. inside `BEGIN`) is closed, which
//! rolls it back, instead of being handed to the next writer.

use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, Sqlite, SqlitePool, Transaction};
use tokio::sync::{mpsc, oneshot};

use super::audit;
use crate::audit::Entry;

/// Items queued for one batch at most; more wait for the next.
const MAX_BATCH: usize = 1024;
/// Queue depth of the batching task; session touches beyond it are skipped (the next request
/// touches again), audit rows wait.
const QUEUE: usize = 8192;

enum Item {
    Audit {
        entry: Entry,
        at_ms: i64,
        done: oneshot::Sender<Result<(), String>>,
    },
    Touch {
        token_hash: String,
        at_ms: i64,
    },
}

/// Cheap to clone: a handle on the write connection and the batching task.
#[derive(Clone)]
pub struct Writer {
    pool: SqlitePool,
    batch: mpsc::Sender<Item>,
}

impl Writer {
    /// Opens the write connection (creating the file if missing) and starts the batching task.
    pub async fn open(options: SqliteConnectOptions) -> Result<Self, sqlx::Error> {
        let pool = sqlx::pool::PoolOptions::<Sqlite>::new()
            .max_connections(1)
            .min_connections(1)
            // Kept open for the server's life: it also keeps the WAL index alive for readers.
            .idle_timeout(None)
            .max_lifetime(None)
            .acquire_timeout(Duration::from_secs(60))
            .after_release(|conn, _| {
                Box::pin(async move {
                    if conn.is_in_transaction() {
                        // A dropped `Transaction` queues its ROLLBACK; a ping lets it run.
                        conn.ping().await?;
                    }
                    if conn.is_in_transaction() {
                        tracing::error!(
                            "the write connection came back inside a transaction; closing it"
                        );
                        return Ok(false);
                    }
                    Ok(true)
                })
            })
            .connect_with(options)
            .await?;
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run_batches(pool.clone(), rx));
        Ok(Self { pool, batch: tx })
    }

    /// A write transaction (`BEGIN IMMEDIATE`) on the write connection, waiting in line for it.
    pub async fn begin(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// The write connection's pool, for maintenance, migrations and seeding.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Appends an audit entry in the next batch and waits until it is committed.
    pub async fn audit(&self, entry: Entry) -> Result<(), anyhow::Error> {
        let (done, wait) = oneshot::channel();
        self.batch
            .send(Item::Audit {
                entry,
                at_ms: crate::time::now_ms(),
                done,
            })
            .await
            .map_err(|_| anyhow::anyhow!("the audit writer has stopped"))?;
        wait.await
            .map_err(|_| anyhow::anyhow!("the audit writer has stopped"))?
            .map_err(|e| anyhow::anyhow!("writing the audit log failed: {e}"))
    }

    /// Records that a session was used, in the next batch; does not wait. A touch that finds
    /// the queue full is dropped: the session's next request touches it again.
    pub fn touch_session(&self, token_hash: &str, at_ms: i64) {
        let _ = self.batch.try_send(Item::Touch {
            token_hash: token_hash.to_owned(),
            at_ms,
        });
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn run_batches(pool: SqlitePool, mut rx: mpsc::Receiver<Item>) {
    let mut batch = Vec::with_capacity(64);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let result = write_batch(&pool, &batch).await.map_err(|e| {
            tracing::error!(error = %e, rows = batch.len(), "batched write failed");
            e.to_string()
        });
        for item in batch.drain(..) {
            if let Item::Audit { done, .. } = item {
                let _ = done.send(result.clone());
            }
        }
    }
}

async fn write_batch(pool: &SqlitePool, batch: &[Item]) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    for item in batch {
        match item {
            Item::Audit { entry, at_ms, .. } => audit::record_at(&mut *tx, *entry, *at_ms).await?,
            Item::Touch { token_hash, at_ms } => {
                sqlx::query(
                    "UPDATE sessions SET last_seen_ms = MAX(last_seen_ms, ?) WHERE token_hash = ?",
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
