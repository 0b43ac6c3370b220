//! WAL checkpoints off the write path.
//!
//! By default the connection whose commit grows the WAL past 1,000 pages copies them back into
//! the database file and fsyncs it, inside that commit: one post in a few hundred waited half a
//! second for it (the send p99 of `make bench`). So the write connection never checkpoints
//! (`wal_autocheckpoint = 0`) and this task does, on its own connection, with PASSIVE
//! checkpoints: they copy what no reader still needs and never block the writer or readers.
//! SQLite restarts the WAL from its beginning at the next write once it is fully checkpointed,
//! so it does not grow without bound.

use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};

/// How often the WAL is checkpointed: often enough that it stays small (a few MB at hundreds
/// of posts a second), rarely enough to cost nothing when idle.
const EVERY: Duration = Duration::from_millis(250);

/// Starts the checkpointing task on its own connection; it ends when the database is closed
/// (the connection then fails) or the runtime stops.
pub async fn start(options: &SqliteConnectOptions) -> Result<(), sqlx::Error> {
    let mut conn = options.clone().connect().await?;
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(e) = checkpoint(&mut conn).await {
                tracing::warn!(error = %e, "WAL checkpoint failed; stopping checkpoints");
                let _ = conn.close().await;
                return;
            }
        }
    });
    Ok(())
}

/// One PASSIVE checkpoint: copies what it can without waiting for anyone.
pub async fn checkpoint(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
        .execute(conn)
        .await
        .map(drop)
}
