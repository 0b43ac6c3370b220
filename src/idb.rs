//! The app's IndexedDB database `tsunagu`, opened in one place ([`open_database`]) for every
//! store in it, and [`JsonStore`]: one object store of JSON strings under string keys, the shape
//! both the drafts and the outbox use.
//!
//! indexed_db_futures rolls a transaction back unless it is committed, so every operation ends
//! with `commit().await`.

use std::fmt;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;

/// The app's IndexedDB database.
pub const DB_NAME: &str = "tsunagu";
/// The object store holding the drafts.
pub const DRAFTS_STORE: &str = "drafts";
/// The object store holding the outbox (see [`crate::outbox::store`]).
pub const OUTBOX_STORE: &str = "outbox";
/// Schema version: 1 = the `drafts` store; 2 = adds the `outbox` store (drafts are kept);
/// 3 = draft keys start with the user's id: the drafts of 1 and 2 had no owner (on a shared
/// tablet they would reach the next user), so that store is emptied; the outbox is kept (its
/// items always named their author).
pub const DB_VERSION: u32 = 3;
/// The first version whose drafts belong to a user.
const OWNED_DRAFTS_VERSION: f64 = 3.0;

/// Opens the database `name` at [`DB_VERSION`], creating or upgrading it: every store of the
/// schema that is missing is created and nothing existing is touched, so an upgrade from any
/// older version keeps its data. The one place that knows the schema; every store opens
/// through it.
pub async fn open_database(name: &str) -> StoreResult<Database> {
    let db = Database::open(name)
        .with_version(DB_VERSION)
        .with_on_blocked(|_| {
            // Another tab still holds an older version open; the open waits until it closes.
            web_sys::console::warn_1(&"IndexedDB upgrade waits for another tab to close".into());
            Ok(())
        })
        .with_on_upgrade_needed(|event, db| {
            let old = event.old_version();
            if old > 0.0
                && old < OWNED_DRAFTS_VERSION
                && db.object_store_names().any(|n| n == DRAFTS_STORE)
            {
                db.delete_object_store(DRAFTS_STORE)?;
            }
            for store in [DRAFTS_STORE, OUTBOX_STORE] {
                if !db.object_store_names().any(|n| n == store) {
                    db.create_object_store(store).build()?;
                }
            }
            Ok(())
        })
        .await?;
    Ok(db)
}

/// A failed IndexedDB operation (opening, a request or the commit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IndexedDB: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        Self(e.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StoreError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        Self(e.to_string())
    }
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// One object store of the app's database whose values are JSON strings (no
/// serde-wasm-bindgen needed), on its own connection.
#[derive(Debug, Clone)]
pub struct JsonStore {
    db: Database,
    store: &'static str,
}

impl JsonStore {
    /// Opens `store` in the database `name` (tests use their own database, to stay independent).
    pub async fn open(name: &str, store: &'static str) -> StoreResult<Self> {
        Ok(Self {
            db: open_database(name).await?,
            store,
        })
    }

    /// Closes the connection: an open one blocks the version upgrade a newer app version in
    /// another tab asks for, and the deletion of the database.
    pub fn close(self) {
        self.db.close();
    }

    /// The value under `key`, if any.
    pub async fn get(&self, key: &str) -> StoreResult<Option<String>> {
        let tx = self.db.transaction(self.store).build()?;
        let store = tx.object_store(self.store)?;
        let raw: Option<String> = store.get(key).primitive()?.await?;
        tx.commit().await?;
        Ok(raw)
    }

    /// Every value, in key order.
    pub async fn all(&self) -> StoreResult<Vec<String>> {
        let tx = self.db.transaction(self.store).build()?;
        let store = tx.object_store(self.store)?;
        let raw: Vec<String> = store
            .get_all::<String>()
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        tx.commit().await?;
        Ok(raw)
    }

    /// Writes `json` under `key`, replacing what was there; committed when this returns.
    pub async fn put(&self, key: &str, json: String) -> StoreResult<()> {
        let tx = self
            .db
            .transaction(self.store)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let store = tx.object_store(self.store)?;
        store.put(json).with_key(key).primitive()?.await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes the values of `keys` in one transaction (missing keys are fine).
    pub async fn delete(&self, keys: impl IntoIterator<Item = String>) -> StoreResult<()> {
        let tx = self
            .db
            .transaction(self.store)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let store = tx.object_store(self.store)?;
        for key in keys {
            store.delete(key).primitive()?.await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
