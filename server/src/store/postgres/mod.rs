//! The PostgreSQL backend, for several server instances sharing one database: a connection
//! pool, writers in parallel under READ COMMITTED with the locks each operation's doc comment
//! names (see README.md, *Check-then-insert under concurrency*), and live events announced to
//! every instance through `LISTEN/NOTIFY`.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

use crate::database_url::redact;
use crate::events::Live;

mod access_log;
pub mod accounts;
mod batch;
pub mod dashboard;
mod decisions;
mod direct;
mod directory;
mod email;
pub mod events;
pub mod groups;
pub mod invitations;
mod links;
pub mod media;
pub mod members;
pub mod membership_writes;
mod onboarding;
mod post_edits;
pub mod posts;
mod push;
mod read_markers;
mod receipts;
mod search;
mod stream;
pub mod throttle;
mod two_factor;
pub mod users;
mod write_tx;

pub use write_tx::WriteTx;

/// Cheap to clone.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    /// Woken after a write transaction with events commits (on this instance; the others hear
    /// of it through `NOTIFY`, see [`events::listen`]).
    live: Live,
    /// Audit rows of reads and session touches, written in batches.
    batch: crate::store::batch::Batcher,
}

impl PgStore {
    pub fn new(pool: PgPool, live: Live) -> Self {
        Self {
            batch: batch::start(pool.clone()),
            pool,
            live,
        }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// Connects to the database and brings its schema up to date. Several instances may start at
/// once: sqlx's migrator takes an advisory lock, so one migrates and the others wait.
pub async fn connect(database_url: &str, max_connections: u32) -> anyhow::Result<PgPool> {
    let shown = redact(database_url);
    let options = PgConnectOptions::from_str(database_url)
        .with_context(|| format!("invalid database URL {shown:?}"))?
        .application_name("tsunagu");
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        // A transaction a cancelled request left open could hold row locks; the server never
        // lets that happen (see `run_to_completion`), and this bounds it if a bug ever did.
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::query("SET idle_in_transaction_session_timeout = '60s'")
                    .execute(conn)
                    .await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .with_context(|| format!("cannot connect to {shown}"))?;
    sqlx::migrate!("./src/store/postgres/migrations")
        .run(&pool)
        .await
        .with_context(|| format!("migrating {shown} failed"))?;
    Ok(pool)
}
