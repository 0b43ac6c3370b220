//! The SQLite backend: reads on a `query_only` pool, every write through the one write
//! connection of [`Writer`] (see `writer.rs` for why).

use sqlx::SqlitePool;

use crate::events::Live;
pub use writer::Writer;

mod access_log;
mod accounts;
pub mod audit;
pub mod backup;
mod checkpoint;
pub mod connect;
pub mod dashboard;
mod decisions;
mod direct;
mod directory;
mod email;
pub mod events;
mod global_config;
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
mod two_factor;
mod users;
mod wal_sync;
mod write_tx;
pub mod writer;

pub use groups::membership_in;
pub use stream::fold_search_texts;
pub use users::{author_in, me_in};

/// Cheap to clone.
#[derive(Clone)]
pub struct SqliteStore {
    read: SqlitePool,
    writer: Writer,
    /// Woken after a write transaction with events commits.
    live: Live,
}

impl SqliteStore {
    pub fn new(read: SqlitePool, writer: Writer, live: Live) -> Self {
        Self { read, writer, live }
    }
}
