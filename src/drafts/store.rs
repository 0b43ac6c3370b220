//! The drafts store: object store `drafts` of the app's database ([`crate::idb`]), keyed by
//! the [`DraftKey`] string, each value the JSON of a [`Draft`].
//!
//! The app-facing helpers ([`save_text`], [`clear`], [`load_draft`], [`prune_stale`]) log
//! failures to the console, never touch the text on screen, and close their connection when
//! done: an open connection would block the version upgrade a newer app version in another tab
//! asks for.

use uuid::Uuid;

use super::{draft_to_resume, op_for, stale_keys, Draft, DraftKey, DraftOp};
pub use crate::idb::{open_database, StoreError, StoreResult, DB_NAME, DB_VERSION, OUTBOX_STORE};
use crate::idb::{JsonStore, DRAFTS_STORE};
use crate::outbox::ReplyQuote;
use tsunagu_api::Timeline;

/// An open connection to the drafts store.
#[derive(Debug, Clone)]
pub struct DraftStore {
    store: JsonStore,
}

impl DraftStore {
    /// Opens (creating or upgrading it if needed) the app's database, [`DB_NAME`].
    pub async fn open() -> StoreResult<Self> {
        Self::open_named(DB_NAME).await
    }

    /// Opens the database `name` (tests use their own, to stay independent).
    pub async fn open_named(name: &str) -> StoreResult<Self> {
        Ok(Self {
            store: JsonStore::open(name, DRAFTS_STORE).await?,
        })
    }

    /// Closes the connection (needed before the database can be deleted).
    pub fn close(self) {
        self.store.close();
    }

    /// The draft stored under `key`, if any (an unreadable record counts as none).
    pub async fn load(&self, key: &DraftKey) -> StoreResult<Option<Draft>> {
        let raw = self.store.get(&key.to_string()).await?;
        Ok(raw.as_deref().and_then(Draft::from_json))
    }

    /// Writes `draft`, replacing any draft of the same key.
    pub async fn save(&self, draft: &Draft) -> StoreResult<()> {
        self.store
            .put(&draft.key.to_string(), draft.to_json())
            .await
    }

    /// Removes the draft of `key` (nothing happens if there is none).
    pub async fn delete(&self, key: &DraftKey) -> StoreResult<()> {
        self.delete_all(std::slice::from_ref(key)).await
    }

    /// Removes the drafts of `keys`, in one transaction.
    pub async fn delete_all(&self, keys: &[DraftKey]) -> StoreResult<()> {
        self.store
            .delete(keys.iter().map(ToString::to_string))
            .await
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
        let raw = self.store.all().await?;
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

/// Stores `body` as the draft of `key`, with the quoted post of a reply (an empty text deletes
/// it). Failures are logged.
pub async fn save_text(key: DraftKey, body: String, reply: Option<ReplyQuote>) -> StoreResult<()> {
    let op = op_for(key, &body, reply.as_ref(), now_ms());
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

/// The draft a composer of `timeline` in `group` opens with (see [`draft_to_resume`]); `None`
/// if there is none or the store failed (logged).
pub async fn load_resumable(group: Uuid, timeline: Timeline) -> Option<Draft> {
    let result = async {
        let store = DraftStore::open().await?;
        let all = store.all().await;
        store.close();
        all
    }
    .await;
    match result {
        Ok(all) => draft_to_resume(&all, group, timeline).cloned(),
        Err(e) => {
            log_error("loading drafts failed", &e);
            None
        }
    }
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
