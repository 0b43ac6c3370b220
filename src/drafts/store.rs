//! The drafts store: object store `drafts` of the app's database ([`crate::idb`]), keyed by
//! the [`DraftKey`] string (user first), each value the JSON of a [`Draft`]; and the synchronous
//! copies of the drafts in `sessionStorage`, reconciled with it when a draft is loaded.
//!
//! The app-facing helpers ([`save_text`], [`clear`], [`load_draft`], [`prune_stale`]) log
//! failures to the console, never touch the text on screen, and close their connection when
//! done: an open connection would block the version upgrade a newer app version in another tab
//! asks for.

use uuid::Uuid;

use super::{
    draft_to_resume, op_for, reconcile, session_key, session_prefix_of, session_record, stale_keys,
    Draft, DraftKey, DraftOp,
};
pub use crate::idb::{open_database, StoreError, StoreResult, DB_NAME, DB_VERSION, OUTBOX_STORE};
use crate::idb::{JsonStore, DRAFTS_STORE};
use crate::outbox::ReplyQuote;
use crate::storage;
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

    /// Removes the stale drafts (see [`super::is_stale`], as seen by `user`) and returns how
    /// many went.
    pub async fn prune(
        &self,
        user: Uuid,
        groups: Option<&[Uuid]>,
        now_ms: i64,
    ) -> StoreResult<usize> {
        let stale = stale_keys(&self.all().await?, user, groups, now_ms);
        if !stale.is_empty() {
            self.delete_all(&stale).await?;
        }
        Ok(stale.len())
    }

    /// Removes every draft of `user` and returns how many went.
    pub async fn delete_user(&self, user: Uuid) -> StoreResult<usize> {
        let keys: Vec<DraftKey> = self
            .all()
            .await?
            .into_iter()
            .filter(|d| d.key.user_id == user)
            .map(|d| d.key)
            .collect();
        if !keys.is_empty() {
            self.delete_all(&keys).await?;
        }
        Ok(keys.len())
    }
}

/// Writes the synchronous copy of the text typed under `key` (called on every input event, so
/// a reload right after typing keeps it even when the IndexedDB write never finished).
pub fn copy_to_session(key: DraftKey, body: &str, reply: Option<&ReplyQuote>) {
    let record = session_record(key, body, reply, now_ms());
    storage::session_set(&session_key(&key), &record.to_json());
}

/// The `sessionStorage` copies of `user`'s drafts for which `keep` holds.
fn session_copies(user: Uuid, keep: impl Fn(&DraftKey) -> bool) -> Vec<Draft> {
    storage::session_keys_with_prefix(&session_prefix_of(user))
        .iter()
        .filter_map(|k| storage::session_get(k))
        .filter_map(|json| Draft::from_json(&json))
        .filter(|d| d.key.user_id == user && keep(&d.key))
        .collect()
}

/// Removes every `sessionStorage` copy of `user`'s drafts.
pub fn forget_session_copies(user: Uuid) {
    for key in storage::session_keys_with_prefix(&session_prefix_of(user)) {
        storage::session_remove(&key);
    }
}

/// Reconciles `stored` (from IndexedDB) with the session copies of the same scope, writes the
/// winners back to `store` and returns the drafts as they now are.
async fn reconciled(store: &DraftStore, stored: &[Draft], copies: &[Draft]) -> Vec<Draft> {
    let merged = reconcile(stored, copies);
    for op in &merged.writes {
        if let Err(e) = store.apply(op).await {
            log_error("writing a session copy of a draft failed", &e);
        }
    }
    merged.drafts
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

/// The draft of `key`, the newer of the stored one and its session copy (which is then stored);
/// `None` if there is none. A failing store is logged and the copy alone counts.
pub async fn load_draft(key: DraftKey) -> Option<Draft> {
    let copies = session_copies(key.user_id, |k| *k == key);
    let result = async {
        let store = DraftStore::open().await?;
        let draft = store.load(&key).await;
        let drafts = match &draft {
            Ok(d) => reconciled(&store, d.as_slice(), &copies).await,
            Err(_) => Vec::new(),
        };
        store.close();
        draft.map(|_| drafts)
    }
    .await;
    let drafts = result.unwrap_or_else(|e| {
        log_error("loading a draft failed", &e);
        reconcile(&[], &copies).drafts
    });
    drafts.into_iter().find(|d| d.key == key)
}

/// The draft `user`'s composer of `timeline` in `group` opens with (see [`draft_to_resume`]),
/// after reconciling the stored drafts of that timeline with their session copies; `None` if
/// there is none. A failing store is logged and the copies alone count.
pub async fn load_resumable(user: Uuid, group: Uuid, timeline: Timeline) -> Option<Draft> {
    let scope = |k: &DraftKey| k.user_id == user && k.group_id == group && k.timeline == timeline;
    let copies = session_copies(user, scope);
    let result = async {
        let store = DraftStore::open().await?;
        let all = store.all().await;
        let drafts = match &all {
            Ok(all) => {
                let mine: Vec<Draft> = all.iter().filter(|d| scope(&d.key)).cloned().collect();
                reconciled(&store, &mine, &copies).await
            }
            Err(_) => Vec::new(),
        };
        store.close();
        all.map(|_| drafts)
    }
    .await;
    let drafts = result.unwrap_or_else(|e| {
        log_error("loading drafts failed", &e);
        reconcile(&[], &copies).drafts
    });
    draft_to_resume(&drafts, user, group, timeline).cloned()
}

/// Prunes stale drafts given `user`'s groups (`None`: unknown, age only). Failures are logged.
pub async fn prune_stale(user: Uuid, groups: Option<Vec<Uuid>>) {
    let result = async {
        let store = DraftStore::open().await?;
        let pruned = store.prune(user, groups.as_deref(), now_ms()).await;
        store.close();
        pruned
    }
    .await;
    if let Err(e) = result {
        log_error("pruning drafts failed", &e);
    }
}
