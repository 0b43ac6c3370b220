//! Opening the SQLite database: one write connection, a read-only pool, migrations.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use super::writer::Writer;
use crate::database_url::redact;

/// The database as the server uses it: a pool of read-only connections for reads, and the one
/// write connection (see [`crate::store::sqlite::writer`]).
#[derive(Clone)]
pub struct Db {
    pub read: SqlitePool,
    pub writer: Writer,
}

impl Db {
    pub async fn close(&self) {
        self.read.close().await;
        self.writer.close().await;
    }
}

/// Opens (creating if missing) the SQLite database and brings its schema up to date.
pub async fn connect(database_url: &str) -> anyhow::Result<Db> {
    // Before any connection: SQLite's allocator and statistics (see global_config.rs).
    super::global_config::apply();
    let shown = redact(database_url);
    let options = SqliteConnectOptions::from_str(database_url)
        .with_context(|| format!("invalid database URL {shown:?}"))?
        .create_if_missing(true)
        // WAL lets readers proceed while a post is written.
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: an acknowledged post survives a power cut, not only a process crash. The
        // write connection runs NORMAL with a group fsync before acknowledging instead, which
        // is as durable (see wal_sync.rs).
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));

    let filename = options.get_filename();
    if let Some(parent) = filename.parent().filter(|p| !p.as_os_str().is_empty()) {
        if filename != Path::new(":memory:") {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create directory {}", parent.display()))?;
        }
    }

    // The writer never checkpoints: a background task does (see checkpoint.rs).
    let writer = Writer::open(options.clone().pragma("wal_autocheckpoint", "0"))
        .await
        .with_context(|| format!("cannot open database {shown:?}"))?;
    sqlx::migrate!("./src/store/sqlite/migrations")
        .run(writer.pool())
        .await
        .context("database migration failed")?;
    super::fold_search_texts(writer.pool())
        .await
        .context("indexing posts for search failed")?;
    super::checkpoint::start(&options)
        .await
        .with_context(|| format!("cannot open database {shown:?}"))?;
    let read = SqlitePoolOptions::new()
        .max_connections(8)
        // Reads never write: a write that bypassed the writer fails here instead of contending
        // for SQLite's lock in its busy handler.
        .connect_with(options.pragma("query_only", "ON"))
        .await
        .with_context(|| format!("cannot open database {shown:?}"))?;
    Ok(Db { read, writer })
}
