//! Attached files in IndexedDB: the `media` store of the app's database ([`crate::idb`]).
//!
//! Keys start with the user who attached the file, like the drafts', so removing a user's
//! data from a shared device ([`delete_user`]) takes their files too:
//! - `{user}/blob/{blob_id}`: a prepared file (a `Blob`, stored as it is);
//! - `{user}/draft/{draft key}`: the JSON list of a draft's [`PendingAttachment`]s.
//!
//! The outbox item lists its own attachments; their Blobs stay here until the post is
//! created (or the item discarded). Every write commits before it returns.

use uuid::Uuid;
use wasm_bindgen::JsCast;
use web_sys::Blob;

use super::PendingAttachment;
use crate::drafts::DraftKey;
use crate::idb::{JsonStore, StoreResult, DB_NAME, MEDIA_STORE};

fn blob_key(user: Uuid, blob_id: Uuid) -> String {
    format!("{user}/blob/{blob_id}")
}

fn draft_key(key: &DraftKey) -> String {
    format!("{}/draft/{key}", key.user_id)
}

async fn open() -> StoreResult<JsonStore> {
    JsonStore::open(DB_NAME, MEDIA_STORE).await
}

/// Runs `f` on a connection of its own, closed afterwards.
async fn with_store<T>(f: impl AsyncFnOnce(&JsonStore) -> StoreResult<T>) -> StoreResult<T> {
    let store = open().await?;
    let out = f(&store).await;
    store.close();
    out
}

/// Stores a prepared file.
pub async fn put_blob(user: Uuid, blob_id: Uuid, blob: &Blob) -> StoreResult<()> {
    with_store(async |s| s.put_value(&blob_key(user, blob_id), blob).await).await
}

/// The prepared file, if stored.
pub async fn get_blob(user: Uuid, blob_id: Uuid) -> StoreResult<Option<Blob>> {
    with_store(async |s| Ok(s.get_value(&blob_key(user, blob_id)).await?.dyn_into().ok())).await
}

/// Removes prepared files (missing ones are fine).
pub async fn delete_blobs(user: Uuid, ids: impl IntoIterator<Item = Uuid>) -> StoreResult<()> {
    let keys: Vec<String> = ids.into_iter().map(|id| blob_key(user, id)).collect();
    if keys.is_empty() {
        return Ok(());
    }
    with_store(async |s| s.delete(keys).await).await
}

/// Stores the attachment list of a draft (an empty list removes it).
pub async fn save_draft(key: &DraftKey, list: &[PendingAttachment]) -> StoreResult<()> {
    let k = draft_key(key);
    with_store(async |s| {
        if list.is_empty() {
            s.delete([k]).await
        } else {
            s.put(&k, serde_json::to_string(list).unwrap_or_default())
                .await
        }
    })
    .await
}

/// The attachment list of a draft (empty when none or unreadable).
pub async fn load_draft(key: &DraftKey) -> Vec<PendingAttachment> {
    let k = draft_key(key);
    let raw = with_store(async |s| s.get(&k).await).await.ok().flatten();
    raw.as_deref()
        .and_then(crate::json::parse::<Vec<PendingAttachment>>)
        .unwrap_or_default()
}

/// Removes everything `user` attached on this device (files and draft lists).
pub async fn delete_user(user: Uuid) -> StoreResult<usize> {
    with_store(async |s| {
        let keys = s.keys_with_prefix(&format!("{user}/")).await?;
        let n = keys.len();
        if n > 0 {
            s.delete(keys).await?;
        }
        Ok(n)
    })
    .await
}

/// Adds `more` to the attachment list of a draft (a refused post's files going back to it).
pub async fn add_to_draft(key: &DraftKey, more: Vec<PendingAttachment>) -> StoreResult<()> {
    let mut list = load_draft(key).await;
    for a in more {
        if !list.iter().any(|x| x.file.blob_id == a.file.blob_id) {
            list.push(a);
        }
    }
    save_draft(key, &list).await
}
