//! The app's IndexedDB database `tsunagu`, opened in one place ([`open_database`]) for every
//! store in it, and the drafts store: object store `drafts`, keyed by the [`DraftKey`] string,
//! each value the JSON of a [`Draft`] (a plain string: no serde-wasm-bindgen needed).
//!
//! indexed_db_futures rolls a transaction back unless it is committed, so every operation ends
//! with `commit().await`. The app-facing helpers ([`save_text`], [`clear`], [`load_draft`],
//! [`prune_stale`]) log failures to the console, never touch the text on screen, and close their
//! connection when done: an open connection would block the version upgrade a newer app
//! version in another tab asks for.

use std::fmt;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use uuid::Uuid;

use super::{op_for, stale_keys, Draft, DraftKey, DraftOp};

/// The app's IndexedDB database.
pub const DB_NAME: &str = "tsunagu";
/// The object store holding the drafts.
pub const STORE: &str = "drafts";
/// The object store holding the outbox (see [`crate::outbox::store`]).
pub const OUTBOX_STORE: &str = "outbox";
/// Schema version: 1 = the `drafts` store; 2 = adds the `outbox` store (drafts are kept).
pub const DB_VERSION: u32 = 2;

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
        .with_on_upgrade_needed(|_event, db| {
            for store in [STORE, OUTBOX_STORE] {
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

/// An open connection to the drafts store.
#[derive(Debug, Clone)]
pub struct DraftStore {
    db: Database,
}

impl DraftStore {
    /// Opens (creating or upgrading it if needed) the app's database, [`DB_NAME`].
    pub async fn open() -> StoreResult<Self> {
        Self::open_named(DB_NAME).await
    }

    /// Opens the database `name` (tests use their own, to stay independent).
    pub async fn open_named(name: &str) -> StoreResult<Self> {
        Ok(Self {
            db: open_database(name).await?,
        })
    }

    /// Closes the connection (needed before the database can be deleted).
    pub fn close(self) {
        self.db.close();
    }

    /// The draft stored under `key`, if any (an unreadable record counts as none).
    pub async fn load(&self, key: &DraftKey) -> StoreResult<Option<Draft>> {
        let tx = self.db.transaction(STORE).build()?;
        let store = tx.object_store(STORE)?;
        let raw: Option<String> = store.get(key.to_string()).primitive()?.await?;
        tx.commit().await?;
        Ok(raw.as_deref().and_then(Draft::from_json))
    }

    /// Writes `draft`, replacing any draft of the same key.
    pub async fn save(&self, draft: &Draft) -> StoreResult<()> {
        let tx = self
            .db
            .transaction(STORE)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let store = tx.object_store(STORE)?;
        store
            .put(draft.to_json())
            .with_key(draft.key.to_string())
            .primitive()?
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes the draft of `key` (nothing happens if there is none).
    pub async fn delete(&self, key: &DraftKey) -> StoreResult<()> {
        self.delete_all(std::slice::from_ref(key)).await
    }

    /// Removes the drafts of `keys`, in one transaction.
    pub async fn delete_all(&self, keys: &[DraftKey]) -> StoreResult<()> {
        let tx = self
            .db
            .transaction(STORE)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let store = tx.object_store(STORE)?;
        for key in keys {
            store.delete(key.to_string()).primitive()?.await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Applies a [`DraftOp`]: save, or delete for an empty text.
    pub async fn apply(&self, op: &DraftOp) -> StoreResult<()> {
        match op {
            DraftOp::Save(d) => self.save(d).await,
            DraftOp::Delete(k) => self.delete(k).await,
        }
    }

    /// Every stored draft (unreadable records are skipped).
    pub async fn all(&self) -> StoreResult<Vec<Draft>> {
        let tx = self.db.transaction(STORE).build()?;
        let store = tx.object_store(STORE)?;
        let raw: Vec<String> = store
            .get_all::<String>()
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        tx.commit().await?;
        Ok(raw.iter().filter_map(|s| Draft::from_json(s)).collect())
    }

    /// Removes the stale drafts (see [`super::is_stale`]) and returns how many went.
    pub async fn prune(&self, groups: Option<&[Uuid]>, now_ms: i64) -> StoreResult<usize> {
        let stale = stale_keys(&self.all().await?, groups, now_ms);
        if !stale.is_empty() {
            self.delete_all(&stale).await?;
        }
        Ok(stale.len())
    }
}

/// Milliseconds since the Unix epoch, by the browser's clock.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn log_error(what: &str, e: &StoreError) {
    web_sys::console::warn_1(&format!("{what}: {e}").into());
}

/// Stores `body` as the draft of `key` (an empty text deletes it). Failures are logged.
pub async fn save_text(key: DraftKey, body: String) -> StoreResult<()> {
    let op = op_for(key, &body, now_ms());
    let result = async {
        let store = DraftStore::open().await?;
        let done = store.apply(&op).await;
        store.close();
        done
    }
    .await;
    if let Err(e) = &result {
        log_error("saving a draft failed", e);
    }
    result
}

/// Deletes the draft of `key` (after its text was sent). Failures are logged.
pub async fn clear(key: DraftKey) {
    let result = async {
        let store = DraftStore::open().await?;
        let done = store.delete(&key).await;
        store.close();
        done
    }
    .await;
    if let Err(e) = result {
        log_error("deleting a draft failed", &e);
    }
}

/// The draft of `key`; `None` if there is none or the store failed (logged).
pub async fn load_draft(key: DraftKey) -> Option<Draft> {
    let result = async {
        let store = DraftStore::open().await?;
        let draft = store.load(&key).await;
        store.close();
        draft
    }
    .await;
    result.unwrap_or_else(|e| {
        log_error("loading a draft failed", &e);
        None
    })
}

/// Prunes stale drafts given the caller's groups (`None`: unknown, age only). Failures are
/// logged.
pub async fn prune_stale(groups: Option<Vec<Uuid>>) {
    let result = async {
        let store = DraftStore::open().await?;
        let pruned = store.prune(groups.as_deref(), now_ms()).await;
        store.close();
        pruned
    }
    .await;
    if let Err(e) = result {
        log_error("pruning drafts failed", &e);
    }
}
