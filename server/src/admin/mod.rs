//! The `tsunagu-server admin …` and `audit …` commands: what the people running a deployment
//! do from a shell, on the same store the server uses (and while it runs).

pub mod accounts;
pub mod audit_verify;
pub mod backup;

use crate::db::Database;
use crate::events::{Live, StreamCaps};
use crate::store::postgres::PgStore;
use crate::store::sqlite::SqliteStore;
use crate::store::Store;

/// The store over an open database, for a command that serves nothing (no event streams).
pub fn store(db: &Database) -> Store {
    let live = Live::starting_at(0, StreamCaps::default());
    match db {
        Database::Sqlite(db) => {
            Store::sqlite(SqliteStore::new(db.read.clone(), db.writer.clone(), live))
        }
        Database::Postgres(pool) => Store::postgres(PgStore::new(pool.clone(), live)),
    }
}
