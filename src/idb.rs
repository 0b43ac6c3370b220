//! The app's IndexedDB database `tsunagu`, opened in one place ([`open_database`]) for every
//! store in it, and [`JsonStore`]: one object store of JSON strings under string keys, the shape
//! both the drafts and the outbox use.
//!
//! Straight on the browser's API (`web_sys`): each request is a promise of its `success` or
//! `error` event, each transaction one of its `complete` event, awaited before an operation
//! returns, so a write is committed when it returns. The code after each awaited request runs
//! in a microtask of its event, while the transaction is still active. indexed_db_futures did
//! the same with more machinery, and its error messages linked the standard library's float
//! printer (docs/performance.md).

use std::fmt;

use js_sys::{Array, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, IdbDatabase, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction,
    IdbTransactionMode, IdbVersionChangeEvent,
};

/// The app's IndexedDB database.
pub const DB_NAME: &str = "tsunagu";
/// The object store holding the drafts.
pub const DRAFTS_STORE: &str = "drafts";
/// The object store holding the outbox (see [`crate::outbox::store`]).
pub const OUTBOX_STORE: &str = "outbox";
/// The object store holding attached files and the attachment lists of drafts (see
/// [`crate::media::store`]).
pub const MEDIA_STORE: &str = "media";
/// Schema version: 1 = the `drafts` store; 2 = adds the `outbox` store (drafts are kept);
/// 3 = draft keys start with the user's id: the drafts of 1 and 2 had no owner (on a shared
/// tablet they would reach the next user), so that store is emptied; the outbox is kept (its
/// items always named their author); 4 = adds the `media` store.
pub const DB_VERSION: u32 = 4;
/// The first version whose drafts belong to a user.
const OWNED_DRAFTS_VERSION: f64 = 3.0;

/// Opens the database `name` at [`DB_VERSION`], creating or upgrading it: every store of the
/// schema that is missing is created and nothing existing is touched, so an upgrade from any
/// older version keeps its data. The one place that knows the schema; every store opens
/// through it. Another tab holding an older version open makes the open wait until it closes.
pub async fn open_database(name: &str) -> StoreResult<IdbDatabase> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| StoreError("IndexedDB is not available".into()))?;
    let req = factory.open_with_u32(name, DB_VERSION).map_err(js_error)?;
    let upgrading = req.clone();
    let upgrade = Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(move |event| {
        if upgrade(&upgrading, &event).is_err() {
            // The open then fails with an `AbortError`, and the database stays as it was.
            if let Some(tx) = upgrading.transaction() {
                let _ = tx.abort();
            }
        }
    });
    req.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let blocked = Closure::<dyn FnMut()>::new(|| {
        web_sys::console::warn_1(&"IndexedDB upgrade waits for another tab to close".into());
    });
    req.set_onblocked(Some(blocked.as_ref().unchecked_ref()));
    let opened = request(&req).await;
    req.set_onupgradeneeded(None);
    req.set_onblocked(None);
    drop((upgrade, blocked));
    opened?
        .dyn_into()
        .map_err(|_| StoreError("the open request gave no database".into()))
}

/// The schema's changes from `event.oldVersion` (0: a new database) to [`DB_VERSION`].
fn upgrade(req: &IdbOpenDbRequest, event: &IdbVersionChangeEvent) -> Result<(), JsValue> {
    let db: IdbDatabase = req.result()?.dyn_into()?;
    let old = event.old_version();
    if old > 0.0 && old < OWNED_DRAFTS_VERSION && db.object_store_names().contains(DRAFTS_STORE) {
        db.delete_object_store(DRAFTS_STORE)?;
    }
    for store in [DRAFTS_STORE, OUTBOX_STORE, MEDIA_STORE] {
        if !db.object_store_names().contains(store) {
            db.create_object_store(store)?;
        }
    }
    Ok(())
}

/// A failed IndexedDB operation (opening, a request or the transaction): the browser's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IndexedDB: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// A `DOMException` (or another thrown value) as a [`StoreError`].
fn js_error(e: JsValue) -> StoreError {
    StoreError(match e.dyn_ref::<DomException>() {
        Some(e) => e.message(),
        None => e
            .as_string()
            .unwrap_or_else(|| "an operation failed".into()),
    })
}

/// The error a failed request or transaction names, if any.
fn dom_error(e: Option<DomException>) -> StoreError {
    StoreError(e.map_or_else(|| "the transaction was aborted".into(), |e| e.message()))
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// The result of `req` once it succeeded, or its error.
async fn request(req: &IdbRequest) -> StoreResult<JsValue> {
    let done = Promise::new(&mut |resolve, reject| {
        req.set_onsuccess(Some(&resolve));
        req.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(done).await;
    req.set_onsuccess(None);
    req.set_onerror(None);
    match outcome {
        Ok(_) => req.result().map_err(js_error),
        Err(_) => Err(dom_error(req.error().ok().flatten())),
    }
}

/// A transaction on one object store, and the promise of its completion (listened to from the
/// start, so the `complete` event cannot pass unseen).
struct Tx {
    tx: IdbTransaction,
    done: JsFuture,
}

impl Tx {
    /// The object store the transaction is on.
    fn store(&self, name: &str) -> StoreResult<IdbObjectStore> {
        self.tx.object_store(name).map_err(js_error)
    }

    /// Waits until the transaction is complete: the browser commits it once its last request
    /// is done and nothing new was asked for.
    async fn commit(self) -> StoreResult<()> {
        match self.done.await {
            Ok(_) => Ok(()),
            Err(_) => Err(dom_error(self.tx.error())),
        }
    }
}

/// One object store of the app's database whose values are JSON strings (no
/// serde-wasm-bindgen needed), on its own connection; [`JsonStore::put_value`] and
/// [`JsonStore::get_value`] store other values as they are (the media store keeps Blobs).
#[derive(Debug, Clone)]
pub struct JsonStore {
    db: IdbDatabase,
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

    /// A transaction on this store.
    fn transaction(&self, mode: IdbTransactionMode) -> StoreResult<Tx> {
        let tx = self
            .db
            .transaction_with_str_and_mode(self.store, mode)
            .map_err(js_error)?;
        let done = Promise::new(&mut |resolve, reject| {
            tx.set_oncomplete(Some(&resolve));
            tx.set_onerror(Some(&reject));
            tx.set_onabort(Some(&reject));
        });
        Ok(Tx {
            tx,
            done: JsFuture::from(done),
        })
    }

    /// The value under `key`, if any.
    pub async fn get(&self, key: &str) -> StoreResult<Option<String>> {
        let tx = self.transaction(IdbTransactionMode::Readonly)?;
        let req = tx.store(self.store)?.get(&key.into()).map_err(js_error)?;
        let raw = request(&req).await?;
        tx.commit().await?;
        Ok(raw.as_string())
    }

    /// Every value, in key order (values that are not strings are left out).
    pub async fn all(&self) -> StoreResult<Vec<String>> {
        let tx = self.transaction(IdbTransactionMode::Readonly)?;
        let req = tx.store(self.store)?.get_all().map_err(js_error)?;
        let raw: Array = request(&req).await?.unchecked_into();
        tx.commit().await?;
        Ok(raw.iter().filter_map(|v| v.as_string()).collect())
    }

    /// Writes `json` under `key`, replacing what was there; committed when this returns.
    pub async fn put(&self, key: &str, json: String) -> StoreResult<()> {
        self.put_value(key, &json.into()).await
    }

    /// Writes any structured-cloneable value (a Blob, say) under `key`; committed when this
    /// returns.
    pub async fn put_value(&self, key: &str, value: &JsValue) -> StoreResult<()> {
        let tx = self.transaction(IdbTransactionMode::Readwrite)?;
        let req = tx
            .store(self.store)?
            .put_with_key(value, &key.into())
            .map_err(js_error)?;
        request(&req).await?;
        tx.commit().await
    }

    /// The value under `key` as stored (`undefined` when there is none).
    pub async fn get_value(&self, key: &str) -> StoreResult<JsValue> {
        let tx = self.transaction(IdbTransactionMode::Readonly)?;
        let req = tx.store(self.store)?.get(&key.into()).map_err(js_error)?;
        let raw = request(&req).await?;
        tx.commit().await?;
        Ok(raw)
    }

    /// Every key that starts with `prefix`.
    pub async fn keys_with_prefix(&self, prefix: &str) -> StoreResult<Vec<String>> {
        let tx = self.transaction(IdbTransactionMode::Readonly)?;
        let req = tx.store(self.store)?.get_all_keys().map_err(js_error)?;
        let raw: Array = request(&req).await?.unchecked_into();
        tx.commit().await?;
        Ok(raw
            .iter()
            .filter_map(|v| v.as_string())
            .filter(|k| k.starts_with(prefix))
            .collect())
    }

    /// Removes the values of `keys` in one transaction (missing keys are fine).
    pub async fn delete(&self, keys: impl IntoIterator<Item = String>) -> StoreResult<()> {
        let tx = self.transaction(IdbTransactionMode::Readwrite)?;
        let store = tx.store(self.store)?;
        for key in keys {
            // A failing request aborts the transaction, which `commit` reports.
            store.delete(&key.into()).map_err(js_error)?;
        }
        tx.commit().await
    }
}
