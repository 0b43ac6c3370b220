//! The SQLite backend: reads on a `query_only` pool, every write through the one write
//! connection of [`Writer`] (see `writer.rs` for why).

use sqlx::SqlitePool;

use crate::writer::Writer;

mod users;

pub use users::me_in;

/// Cheap to clone.
#[derive(Clone)]
pub struct SqliteStore {
    read: SqlitePool,
    writer: Writer,
}

impl SqliteStore {
    pub fn new(read: SqlitePool, writer: Writer) -> Self {
        Self { read, writer }
    }
}
