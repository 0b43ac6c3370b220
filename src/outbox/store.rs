//! The outbox in IndexedDB: object store `outbox` of the app's database ([`crate::idb`],
//! shared with the drafts), keyed by the item's idempotency key, each value the JSON of an
//! [`OutboxItem`].
//!
//! Every operation commits before it returns: the composer clears the editor only after
//! [`OutboxStore::put`] has returned, so the text is on disk before the first send attempt.

use uuid::Uuid;

use super::{Change, OutboxItem};
use crate::idb::{JsonStore, StoreResult, DB_NAME, OUTBOX_STORE};

/// An open connection to the outbox store.
#[derive(Debug, Clone)]
pub struct OutboxStore {
    store: JsonStore,
}

impl OutboxStore {
    /// Opens the app's database, [`DB_NAME`].
    pub async fn open() -> StoreResult<Self> {
        Self::open_named(DB_NAME).await
    }

    /// Opens the database `name` (tests use their own, to stay independent).
    pub async fn open_named(name: &str) -> StoreResult<Self> {
        Ok(Self {
            store: JsonStore::open(name, OUTBOX_STORE).await?,
        })
    }

    /// Closes the connection (so a newer app version in another tab can upgrade the database).
    pub fn close(self) {
        self.store.close();
    }

    /// Writes `item`, replacing the stored copy of the same key.
    pub async fn put(&self, item: &OutboxItem) -> StoreResult<()> {
        self.store.put(&item.key.to_string(), item.to_json()).await
    }

    /// Removes the item with `key` (nothing happens if there is none).
    pub async fn delete(&self, key: Uuid) -> StoreResult<()> {
        self.store.delete([key.to_string()]).await
    }

    /// Applies a [`Change`] of the state machine.
    pub async fn apply(&self, change: &Change) -> StoreResult<()> {
        match change {
            Change::Put(item) => self.put(item).await,
            Change::Delete(key) => self.delete(*key).await,
        }
    }

    /// The item with `key`, if stored (an unreadable record counts as none).
    pub async fn get(&self, key: Uuid) -> StoreResult<Option<OutboxItem>> {
        let raw = self.store.get(&key.to_string()).await?;
        Ok(raw.as_deref().and_then(OutboxItem::from_json))
    }

    /// Every stored item of every user (unreadable records are skipped), in key order.
    pub async fn all(&self) -> StoreResult<Vec<OutboxItem>> {
        let raw = self.store.all().await?;
        Ok(raw
            .iter()
            .filter_map(|s| OutboxItem::from_json(s))
            .collect())
    }

    /// The stored items written by `author`.
    pub async fn all_of(&self, author: Uuid) -> StoreResult<Vec<OutboxItem>> {
        let mut items = self.all().await?;
        items.retain(|i| i.author_id == author);
        Ok(items)
    }

    /// Removes every stored item written by `author` (sent or not) and returns how many went.
    pub async fn delete_all_of(&self, author: Uuid) -> StoreResult<usize> {
        let keys: Vec<String> = self
            .all_of(author)
            .await?
            .iter()
            .map(|i| i.key.to_string())
            .collect();
        let n = keys.len();
        if n > 0 {
            self.store.delete(keys).await?;
        }
        Ok(n)
    }
}
