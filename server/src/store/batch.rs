//! Small writes that many requests make — an audit row per read, a session's `last_seen` —
//! queued and written in batches, one transaction (one commit, one fsync) for everything
//! queued meanwhile. A read waits only for a place in the queue, never for the commit; a full
//! queue makes audit rows wait and drops session touches (the next request touches again). A
//! graceful shutdown flushes the queue; a crash loses at most the batch in flight. Each backend
//! says how a batch is written ([`BatchSink`]); the queue and its task are the same for both.

use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::audit::Entry;

/// Rows written in one transaction at most; more wait for the next.
const MAX_BATCH: usize = 1024;
/// Queue depth.
const QUEUE: usize = 8192;

/// One queued write.
pub enum Row {
    /// An audit entry, stamped when it happened (not when the batch wrote it).
    Audit { entry: Entry, at_ms: i64 },
    /// A session's last use.
    Touch { token_hash: String, at_ms: i64 },
    /// An account used the system on a JST day (`activity_days`, written idempotently).
    Activity { user_id: uuid::Uuid, day: i64 },
}

/// Writes a batch of rows in one transaction, returning once it is durable.
pub trait BatchSink: Send + Sync + 'static {
    fn write(&self, rows: &[Row]) -> impl Future<Output = Result<(), sqlx::Error>> + Send;
}

enum Item {
    Row(Row),
    /// Answered once everything queued before it is committed.
    Flush(oneshot::Sender<()>),
}

/// Cheap to clone: a handle on the batching task.
#[derive(Clone)]
pub struct Batcher {
    queue: mpsc::Sender<Item>,
    /// The accounts whose activity today this process has queued already: the day and its set
    /// (cleared when the day changes), so an account's requests after its first of the day
    /// cost one hash lookup.
    active_today: Arc<Mutex<(i64, HashSet<uuid::Uuid>)>>,
}

impl Batcher {
    /// Starts the batching task; a failed batch is tried once more after `retry_after`.
    pub fn start(sink: impl BatchSink, retry_after: Duration) -> Self {
        let (queue, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(sink, retry_after, rx));
        Self {
            queue,
            active_today: Arc::default(),
        }
    }

    /// Queues an audit entry stamped now; waits only while the queue is full.
    pub async fn audit(&self, entry: Entry) -> Result<(), anyhow::Error> {
        let at_ms = crate::time::now_ms();
        self.queue
            .send(Item::Row(Row::Audit { entry, at_ms }))
            .await
            .map_err(|_| anyhow::anyhow!("the audit writer has stopped"))
    }

    /// Records a session's use; dropped when the queue is full.
    pub fn touch_session(&self, token_hash: &str, at_ms: i64) {
        let token_hash = token_hash.to_owned();
        let _ = self
            .queue
            .try_send(Item::Row(Row::Touch { token_hash, at_ms }));
    }

    /// Records that `user_id` used the system at `at_ms`: queued once per account and JST day
    /// (never waits, so a request that goes away cannot leave anything half-done); dropped
    /// when the queue is full, in which case the account's next request tries again.
    pub fn record_activity(&self, user_id: uuid::Uuid, at_ms: i64) {
        let day = crate::domain::dashboard::jst_day(at_ms);
        let mut today = self.active_today.lock().unwrap_or_else(|e| e.into_inner());
        if today.0 != day {
            *today = (day, HashSet::new());
        }
        if today.1.contains(&user_id) {
            return;
        }
        if self
            .queue
            .try_send(Item::Row(Row::Activity { user_id, day }))
            .is_ok()
        {
            today.1.insert(user_id);
        }
    }

    /// Returns once everything queued so far is committed (shutdown, and tests that read the
    /// audit log).
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.queue.send(Item::Flush(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}

async fn run(sink: impl BatchSink, retry_after: Duration, mut rx: mpsc::Receiver<Item>) {
    let mut items = Vec::with_capacity(64);
    let mut rows = Vec::with_capacity(64);
    let mut flushes = Vec::new();
    while rx.recv_many(&mut items, MAX_BATCH).await > 0 {
        for item in items.drain(..) {
            match item {
                Item::Row(row) => rows.push(row),
                Item::Flush(done) => flushes.push(done),
            }
        }
        // Only flushes: everything before them is committed already.
        if !rows.is_empty() {
            if let Err(first) = sink.write(&rows).await {
                tracing::warn!(error = %first, rows = rows.len(), "batched write failed; retrying");
                tokio::time::sleep(retry_after).await;
                if let Err(e) = sink.write(&rows).await {
                    // Counted, never the rows' content: the log must not carry patient data.
                    let audit_rows = rows
                        .iter()
                        .filter(|row| matches!(row, Row::Audit { .. }))
                        .count();
                    tracing::error!(error = %e, audit_rows, "audit rows could not be written");
                }
            }
            rows.clear();
        }
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}
