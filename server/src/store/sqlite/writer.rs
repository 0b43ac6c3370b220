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
//! many rows). A read does not wait for its audit row's commit: it waits only for a place in
//! the queue (so a burst slows reads down rather than dropping rows), and the row is committed
//! with the next batch, milliseconds later. A graceful shutdown flushes the queue; a crash
//! loses at most the rows of the batch in flight. Writes record their audit rows inside their
//! own transaction, never here.
//!
//! Cancel safety: request handlers run on their own task to the end (see
//! `http::run_to_completion`), so a client that hangs up cannot cut a transaction off between
//! two statements. As a second line, a connection that comes back to the pool still inside a
//! transaction (a future dropped at the wrong moment, e.g. inside `BEGIN`) is closed, which
//! rolls it back, instead of being handed to the next writer.

use std::sync::Arc;
use std::time::Duration;

use super::audit;
use super::wal_sync::WalSync;
use crate::audit::Entry;
use crate::store::batch::{BatchSink, Batcher, Row};
use sqlx::sqlite::{SqliteConnectOptions, SqliteSynchronous};
use sqlx::{Connection, Sqlite, SqlitePool, Transaction};

/// A failed batch is tried again after this pause (e.g. the disk was briefly full).
const RETRY_AFTER: Duration = Duration::from_millis(200);

/// Cheap to clone: a handle on the write connection and the batching task.
#[derive(Clone)]
pub struct Writer {
    pool: SqlitePool,
    batch: Batcher,
    /// Group fsync of the WAL: commits are acknowledged once durable (see wal_sync.rs).
    sync: Arc<WalSync>,
}

impl Writer {
    /// Opens the write connection (creating the file if missing) and starts the batching task.
    pub async fn open(options: SqliteConnectOptions) -> Result<Self, sqlx::Error> {
        let sync = Arc::new(WalSync::new(options.get_filename().to_owned()));
        // NORMAL: a commit writes the WAL without fsync; [`Writer::commit`] then waits for a
        // shared fsync (group commit), which makes it as durable as FULL.
        let options = options.synchronous(SqliteSynchronous::Normal);
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
        sync.sync_directory()?;
        let sink = Sink {
            pool: pool.clone(),
            sync: sync.clone(),
        };
        Ok(Self {
            pool,
            batch: Batcher::start(sink, RETRY_AFTER),
            sync,
        })
    }

    /// Commits and returns once the commit is on stable storage: what a write is acknowledged
    /// after. Every write transaction ends here (or in [`WriteTx::commit`], which calls it).
    ///
    /// [`WriteTx::commit`]: super::WriteTx::commit
    pub async fn commit(&self, tx: Transaction<'static, Sqlite>) -> Result<(), sqlx::Error> {
        tx.commit().await?;
        self.sync.durable().await.map_err(sqlx::Error::Io)
    }

    /// A write transaction (`BEGIN IMMEDIATE`) on the write connection, waiting in line for it.
    pub async fn begin(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// The write connection's pool, for maintenance, migrations and seeding.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Queues an audit entry for the next batch, stamped now; waits only while the queue is
    /// full.
    pub async fn audit(&self, entry: Entry) -> Result<(), anyhow::Error> {
        self.batch.audit(entry).await
    }

    /// Returns once everything queued so far is committed (shutdown, and tests that read the
    /// audit log).
    pub async fn flush(&self) {
        self.batch.flush().await;
    }

    /// Records that a session was used, in the next batch; does not wait. A touch that finds
    /// the queue full is dropped: the session's next request touches it again.
    pub fn touch_session(&self, token_hash: &str, at_ms: i64) {
        self.batch.touch_session(token_hash, at_ms);
    }

    /// Records an account's activity on the day of `at_ms` in the next batch, once per day
    /// (see [`Batcher::record_activity`]); does not wait.
    pub fn record_activity(&self, user_id: uuid::Uuid, at_ms: i64) {
        self.batch.record_activity(user_id, at_ms);
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Writes the batches on the write connection, durable before a flush is answered.
struct Sink {
    pool: SqlitePool,
    sync: Arc<WalSync>,
}

impl BatchSink for Sink {
    async fn write(&self, rows: &[Row]) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        // Session touches, then the audit rows, chained from a tail read once per batch.
        for row in rows {
            if let Row::Touch { token_hash, at_ms } = row {
                sqlx::query(
                    "UPDATE sessions SET last_seen_ms = MAX(last_seen_ms, ?)
                     WHERE token_hash = ?",
                )
                .bind(at_ms)
                .bind(token_hash)
                .execute(&mut *tx)
                .await?;
            }
            if let Row::Activity { user_id, day } = row {
                sqlx::query(
                    "INSERT INTO activity_days (user_id, day) VALUES (?, ?) ON CONFLICT DO NOTHING",
                )
                .bind(crate::store::id::Id(*user_id))
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
        audit::append_all(&mut tx, audit).await?;
        tx.commit().await?;
        self.sync.durable().await.map_err(sqlx::Error::Io)
    }
}
