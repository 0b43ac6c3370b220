//! The offline outbox: every post the user sends goes through it.
//!
//! Pressing 送信 writes an [`OutboxItem`] to IndexedDB ([`store`]) *before* the first attempt,
//! so nothing is lost when the tab crashes, the network is down or the session expired; the
//! sender ([`sender`]) then delivers the items one at a time, in order per timeline, and retries
//! what failed for a passing reason. Each item carries a client-minted idempotency key, sent as
//! `Idempotency-Key`: the server answers a repeat of the same request with the first result, so
//! a retry (or a second tab sending the same item) never posts twice.
//!
//! This module is the pure part, tested natively: the item, its states and every transition.
//! Time is passed in as milliseconds since the Unix epoch.
//!
//! ```text
//!   enqueue ─▶ Queued ──due──▶ Sending ──2xx──────────────▶ (removed)
//!                ▲                │ ├─network / 5xx / 429──▶ Queued, backoff
//!                │                │ ├─401 (session lost)───▶ Queued, not counted
//!                │                │ └─other 4xx────────────▶ Rejected{code}  (kept)
//!                └── startup: Sending (tab crashed) ─┘        edit / discard ─▶ (removed)
//!   Queued, an attempt may have reached the server > 23 h ago ─▶ Held  (kept, edit / discard)
//! ```
//!
//! Exactly once rests on the server remembering the key, and the contract only promises that
//! for 24 hours. An item whose earlier attempt may have reached the server that long ago is
//! therefore not sent again by itself: it is held, and the user checks the timeline first.

pub mod sender;
pub mod store;

pub use sender::{provide_outbox, use_outbox, OutboxCtx};

use serde::{Deserialize, Serialize};
use tsunagu_api::{ErrorCode, Importance, Mention, NewPost, Post, Timeline};
use uuid::Uuid;

use crate::api::ApiError;
use crate::media::{FileUpload, PendingAttachment};
use crate::text::excerpt;

/// Delay before the first retry; it doubles with each failed attempt.
pub const FIRST_RETRY_MS: i64 = 2_000;
/// Longest delay between two attempts.
pub const MAX_RETRY_MS: i64 = 5 * 60 * 1_000;
/// A `sending` item untouched this long belongs to a tab that went away mid-send (another tab
/// may be sending it right now, so a younger one is left alone).
pub const STALE_SENDING_MS: i64 = 2 * 60 * 1_000;
/// How long after an attempt that may have reached the server a retry is still safe: the
/// contract keeps idempotency keys at least 24 h; an hour less allows for the phone's clock.
pub const KEY_TRUST_MS: i64 = 23 * 60 * 60 * 1_000;
/// Characters of the quoted post kept for display (the contract's excerpt length).
pub const QUOTE_CHARS: usize = 80;

/// The post a queued reply answers, as shown above the editor and on the pending item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyQuote {
    /// The quoted post.
    pub id: Uuid,
    /// Its author's display name.
    pub author_name: String,
    /// Its first [`QUOTE_CHARS`] characters.
    pub excerpt: String,
}

impl ReplyQuote {
    /// The quote of `post`.
    pub fn of_post(post: &Post) -> Self {
        Self {
            id: post.id,
            author_name: post.author.display_name.clone(),
            excerpt: excerpt(&post.body, QUOTE_CHARS),
        }
    }
}

/// Where an item stands. Stored as `{"kind": "sending", "since_ms": …}` (serde's internal
/// tag); read back through [`StoredState`], see there why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemState {
    /// Waiting for its turn (or for `next_attempt_at_ms`, after a failure).
    Queued,
    /// A request is on its way, started at `since_ms`.
    Sending {
        /// When the attempt started.
        since_ms: i64,
    },
    /// The server refused it for good (4xx); kept until the user edits or discards it.
    Rejected {
        /// Why, to translate.
        code: ErrorCode,
        /// The HTTP status.
        status: u16,
    },
    /// Not sent again by itself: an earlier attempt may have reached the server longer ago
    /// than the server promises to remember its key ([`KEY_TRUST_MS`]), so a retry could post
    /// twice. Kept until the user, having looked at the timeline, edits or discards it.
    Held,
}

/// A stored [`ItemState`] as one flat record. serde reads an internally tagged enum by first
/// buffering the whole object in its generic `Content` tree, whose reader was ~1.5 KiB of the
/// nurse's download (docs/performance.md) for this one field; a plain struct needs none of it.
/// Reads what the derived reader read: the tag, and the fields of that variant (others ignored).
#[derive(Deserialize)]
struct StoredState {
    kind: String,
    since_ms: Option<i64>,
    code: Option<ErrorCode>,
    status: Option<u16>,
}

impl<'de> Deserialize<'de> for ItemState {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = StoredState::deserialize(d)?;
        Ok(match (s.kind.as_str(), s.since_ms, s.code, s.status) {
            ("queued", ..) => Self::Queued,
            ("sending", Some(since_ms), ..) => Self::Sending { since_ms },
            ("rejected", _, Some(code), Some(status)) => Self::Rejected { code, status },
            ("held", ..) => Self::Held,
            _ => return Err(serde::de::Error::custom("not an outbox item state")),
        })
    }
}

/// A post waiting to be delivered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxItem {
    /// The idempotency key; identifies the item, also in the store.
    pub key: Uuid,
    /// Who wrote it: only this user's session may send it (a shared device may have several).
    pub author_id: Uuid,
    /// The group posted to.
    pub group_id: Uuid,
    /// The timeline, exactly as the composer was given it (`None`: the group's default).
    pub timeline: Option<Timeline>,
    /// The text, exactly as typed.
    pub body: String,
    /// 通常 / 重要 / 至急.
    pub importance: Importance,
    /// The post it replies to.
    pub reply_to: Option<ReplyQuote>,
    /// Members mentioned in the body.
    pub mentions: Vec<Mention>,
    /// When the user pressed 送信.
    pub created_at_ms: i64,
    /// Failed attempts so far (a lost session is not counted).
    pub attempts: u32,
    /// Not sent before this time.
    pub next_attempt_at_ms: i64,
    /// Where it stands.
    pub state: ItemState,
    /// When the first attempt that may have reached the server started (a lost connection, a
    /// 5xx or 408, or a tab that closed mid-send); `None` while no request can have arrived.
    #[serde(default)]
    pub maybe_delivered_at_ms: Option<i64>,
    /// Photos and files, in the order attached, with their uploads' progress. The post is
    /// created only once all are uploaded; their upload ids are then part of the body, the
    /// same for every attempt (so the idempotency key keeps meaning the same request).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<PendingAttachment>,
}

/// What the composer hands to the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct NewItem {
    /// Who writes it.
    pub author_id: Uuid,
    /// The group.
    pub group_id: Uuid,
    /// The timeline (`None`: the group's default).
    pub timeline: Option<Timeline>,
    /// The text.
    pub body: String,
    /// Its importance.
    pub importance: Importance,
    /// The post it replies to.
    pub reply_to: Option<ReplyQuote>,
    /// Members mentioned.
    pub mentions: Vec<Mention>,
    /// Attached files (prepared, kept in IndexedDB).
    pub attachments: Vec<PendingAttachment>,
}

impl OutboxItem {
    /// A queued item with a fresh key, due at once.
    pub fn new(item: NewItem, key: Uuid, now_ms: i64) -> Self {
        Self {
            key,
            author_id: item.author_id,
            group_id: item.group_id,
            timeline: item.timeline,
            body: item.body,
            importance: item.importance,
            reply_to: item.reply_to,
            mentions: item.mentions,
            attachments: item.attachments,
            created_at_ms: now_ms,
            attempts: 0,
            next_attempt_at_ms: now_ms,
            state: ItemState::Queued,
            maybe_delivered_at_ms: None,
        }
    }

    /// The request body. Always built the same way from the same item: the server recognises a
    /// retry by key *and* content, and refuses the key with different content.
    pub fn new_post(&self) -> NewPost {
        NewPost {
            body: self.body.clone(),
            timeline: self.timeline,
            importance: (self.importance != Importance::Normal).then_some(self.importance),
            reply_to: self.reply_to.as_ref().map(|r| r.id),
            mentions: self.mentions.iter().map(|m| m.user_id).collect(),
            attachments: self
                .attachments
                .iter()
                .filter_map(PendingAttachment::wire)
                .collect(),
        }
    }

    /// Whether every attached file is uploaded (only then is the post created).
    pub fn is_uploaded(&self) -> bool {
        self.attachments.iter().all(PendingAttachment::is_uploaded)
    }

    /// What the composer gets back when the user edits the item: everything but the key (the
    /// edited text is a new request and gets a new key when sent again).
    pub fn to_new_item(&self) -> NewItem {
        NewItem {
            author_id: self.author_id,
            group_id: self.group_id,
            timeline: self.timeline,
            body: self.body.clone(),
            importance: self.importance,
            reply_to: self.reply_to.clone(),
            mentions: self.mentions.clone(),
            attachments: self.attachments.clone(),
        }
    }

    /// Whether it was refused for good.
    pub fn is_rejected(&self) -> bool {
        matches!(self.state, ItemState::Rejected { .. })
    }

    /// Whether it waits for the user (refused, or held): never sent by itself.
    pub fn needs_user(&self) -> bool {
        matches!(self.state, ItemState::Rejected { .. } | ItemState::Held)
    }

    /// Whether sending it again could post twice: an earlier attempt may have reached the
    /// server longer ago than keys are trusted to be kept.
    fn retry_unsafe(&self, now_ms: i64) -> bool {
        self.maybe_delivered_at_ms
            .is_some_and(|at| now_ms - at >= KEY_TRUST_MS)
    }

    /// Whether a request for it is on its way (not yet stale).
    pub fn is_sending(&self, now_ms: i64) -> bool {
        matches!(self.state, ItemState::Sending { since_ms } if now_ms - since_ms < STALE_SENDING_MS)
    }

    /// The ordering lane: items of one author, group and timeline go out in order.
    fn lane(&self) -> (Uuid, Uuid, Option<Timeline>) {
        (self.author_id, self.group_id, self.timeline)
    }

    /// Whether it may be sent now: queued and its time has come, or stuck in `sending` by a
    /// tab that went away.
    fn is_due(&self, now_ms: i64) -> bool {
        match self.state {
            ItemState::Queued => self.next_attempt_at_ms <= now_ms,
            ItemState::Sending { since_ms } => now_ms - since_ms >= STALE_SENDING_MS,
            ItemState::Rejected { .. } | ItemState::Held => false,
        }
    }

    /// Serialises the stored record (JSON text).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored record; `None` if it is not an item.
    pub fn from_json(s: &str) -> Option<Self> {
        crate::json::parse(s)
    }
}

/// The delay before retrying after `attempts` failed attempts: 2 s, 4 s, 8 s … at most 5 min.
pub fn backoff_ms(attempts: u32) -> i64 {
    let doublings = attempts.saturating_sub(1).min(20);
    (FIRST_RETRY_MS << doublings).min(MAX_RETRY_MS)
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Created (or replayed): the item is done. `None` when the body of the success could not
    /// be read (the post exists; the event stream will bring it).
    Sent(Option<Box<Post>>),
    /// A passing failure (no response, 5xx, 429, 408): try again later; `retry_after_ms` when
    /// the server said how long to wait.
    Retry {
        /// The server's `Retry-After`, in milliseconds.
        retry_after_ms: Option<i64>,
        /// Whether the request may have reached the server (then its key must still be known
        /// when it is sent again): a lost connection while online, a 5xx or a 408 — not a 429,
        /// and not a request that failed because the device was offline.
        maybe_delivered: bool,
    },
    /// The session is gone (401): wait for the next login, without counting an attempt.
    AuthLost,
    /// Refused for good.
    Rejected {
        /// Why.
        code: ErrorCode,
        /// The HTTP status.
        status: u16,
    },
}

/// Classifies the result of `POST /groups/{id}/posts`, with the response's `Retry-After` (in
/// milliseconds) if it had one, and whether the device was online when a request got no
/// answer (offline, it cannot have left).
pub fn classify(
    result: Result<Post, ApiError>,
    retry_after_ms: Option<i64>,
    online: bool,
) -> Outcome {
    match result {
        Ok(post) => Outcome::Sent(Some(Box::new(post))),
        Err(ApiError::Network) => Outcome::Retry {
            retry_after_ms: None,
            maybe_delivered: online,
        },
        Err(ApiError::Problem { status, code }) => match status {
            // A success whose body could not be decoded: the post was created.
            200..=299 => Outcome::Sent(None),
            401 => Outcome::AuthLost,
            // Rate limited: refused before anything was done.
            429 => Outcome::Retry {
                retry_after_ms,
                maybe_delivered: false,
            },
            // A gateway may answer 502/504 (or time out) after the server created the post.
            408 | 500..=599 => Outcome::Retry {
                retry_after_ms,
                maybe_delivered: true,
            },
            _ => Outcome::Rejected { code, status },
        },
    }
}

/// A write the store must make after a transition.
// A change is made, written and dropped at once; boxing the item would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Write (or overwrite) this item.
    Put(OutboxItem),
    /// Remove the item with this key.
    Delete(Uuid),
}

/// The items of the outbox, oldest first (by `created_at_ms`, then key).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outbox {
    items: Vec<OutboxItem>,
    /// This build cannot upload files (only the media build's sending page carries the upload
    /// code): items whose files are not all uploaded are left to it, and their lane waits.
    leaves_files: bool,
}

impl Outbox {
    /// An empty outbox.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty outbox of a build that cannot upload files: it sends only posts whose files
    /// (if any) are uploaded, and leaves the rest, in order, to a build that can.
    pub fn leaving_files() -> Self {
        Self {
            leaves_files: true,
            ..Self::default()
        }
    }

    /// Whether this build leaves `item` to another (its files still need uploading).
    fn left_alone(&self, item: &OutboxItem) -> bool {
        self.leaves_files && !item.is_uploaded()
    }

    /// Every item, oldest first.
    pub fn items(&self) -> &[OutboxItem] {
        &self.items
    }

    /// The item with this key.
    pub fn get(&self, key: Uuid) -> Option<&OutboxItem> {
        self.items.iter().find(|i| i.key == key)
    }

    /// The items `author` wrote to `timeline` of `group`, oldest first.
    pub fn of_timeline(
        &self,
        author: Uuid,
        group: Uuid,
        timeline: Option<Timeline>,
    ) -> impl Iterator<Item = &OutboxItem> {
        self.items
            .iter()
            .filter(move |i| i.lane() == (author, group, timeline))
    }

    fn sort(&mut self) {
        crate::sort::sort_by_key(&mut self.items, |i| (i.created_at_ms, i.key));
    }

    /// Adds stored items not held yet (items enqueued while the store was loading are already
    /// held, and their held copy is the newer one).
    pub fn absorb(&mut self, stored: impl IntoIterator<Item = OutboxItem>) {
        for item in stored {
            if self.get(item.key).is_none() {
                self.items.push(item);
            }
        }
        self.sort();
    }

    /// Startup of a sender: an item left in `sending` belongs to a tab that crashed or was
    /// closed mid-send. It is queued again, due at once, with the SAME key: if the first
    /// request did reach the server, the server replays its answer instead of posting twice.
    pub fn recover(&mut self, now_ms: i64) -> Vec<Change> {
        let mut changes = Vec::new();
        for item in &mut self.items {
            if let ItemState::Sending { since_ms } = item.state {
                item.state = ItemState::Queued;
                item.next_attempt_at_ms = now_ms;
                // While files were still uploading the post request had not left.
                if item.is_uploaded() {
                    item.maybe_delivered_at_ms.get_or_insert(since_ms);
                }
                changes.push(Change::Put(item.clone()));
            }
        }
        changes.extend(self.hold_unsafe(now_ms));
        changes
    }

    /// Holds every queued item whose retry could post twice ([`ItemState::Held`]). Called
    /// before each pick of the next item, so an item that waited a day is never sent by itself.
    pub fn hold_unsafe(&mut self, now_ms: i64) -> Vec<Change> {
        let mut changes = Vec::new();
        for item in &mut self.items {
            if item.state == ItemState::Queued && item.retry_unsafe(now_ms) {
                item.state = ItemState::Held;
                changes.push(Change::Put(item.clone()));
            }
        }
        changes
    }

    /// Adds a new item.
    pub fn enqueue(&mut self, item: OutboxItem) -> Change {
        let change = Change::Put(item.clone());
        self.items.retain(|i| i.key != item.key);
        self.items.push(item);
        self.sort();
        change
    }

    /// The next item to send: among the lanes (author, group, timeline), the oldest item of
    /// each that is not rejected is its head; a lane whose head is sending or waiting for its
    /// retry time sends nothing, so posts arrive in the order they were written. Of the heads
    /// that are due, the oldest.
    pub fn next_due(&self, now_ms: i64) -> Option<&OutboxItem> {
        let mut seen = Vec::new();
        for item in &self.items {
            if item.needs_user() || seen.contains(&item.lane()) {
                continue;
            }
            seen.push(item.lane());
            if item.is_due(now_ms) && !self.left_alone(item) {
                return Some(item);
            }
        }
        None
    }

    /// When the next lane head becomes due, for the retry timer (`None`: nothing waits).
    pub fn next_wake(&self, now_ms: i64) -> Option<i64> {
        let mut seen = Vec::new();
        let mut wake: Option<i64> = None;
        for item in &self.items {
            if item.needs_user() || seen.contains(&item.lane()) {
                continue;
            }
            seen.push(item.lane());
            if self.left_alone(item) {
                continue;
            }
            let at = match item.state {
                ItemState::Queued => item.next_attempt_at_ms,
                ItemState::Sending { since_ms } => since_ms + STALE_SENDING_MS,
                ItemState::Rejected { .. } | ItemState::Held => continue,
            };
            let at = at.max(now_ms);
            wake = Some(wake.map_or(at, |w| w.min(at)));
        }
        wake
    }

    /// Marks an item as being sent (written to the store before the request goes out, so a
    /// crash mid-send is recognised at the next start).
    pub fn begin_send(&mut self, key: Uuid, now_ms: i64) -> Option<Change> {
        let item = self.items.iter_mut().find(|i| i.key == key)?;
        item.state = ItemState::Sending { since_ms: now_ms };
        Some(Change::Put(item.clone()))
    }

    /// Applies how an attempt ended. `None` when the item is no longer held (discarded, or
    /// another session's item after a logout); the store is then updated by [`settle`] alone.
    pub fn finish(&mut self, key: Uuid, outcome: &Outcome, now_ms: i64) -> Option<Change> {
        let pos = self.items.iter().position(|i| i.key == key)?;
        let change = settle(&mut self.items[pos], outcome, now_ms);
        if let Change::Delete(_) = change {
            self.items.remove(pos);
        }
        Some(change)
    }

    /// The network is back, or the user logged in again: every queued item is due now (the
    /// backoff was only guessing when the failure would pass).
    pub fn retry_now(&mut self, now_ms: i64) -> Vec<Change> {
        let mut changes = Vec::new();
        for item in &mut self.items {
            if item.state == ItemState::Queued && item.next_attempt_at_ms > now_ms {
                item.next_attempt_at_ms = now_ms;
                changes.push(Change::Put(item.clone()));
            }
        }
        changes
    }

    /// Removes a rejected or held item so the user can change it; its content goes back to the editor.
    /// Sent again, the new text is a new request with a new key (the old key with another body
    /// would be refused as `idempotency_key_reused`). Items still queued or sending are not
    /// handed out: they may already be on the server.
    pub fn take_for_edit(&mut self, key: Uuid) -> Option<(NewItem, Change)> {
        let pos = self
            .items
            .iter()
            .position(|i| i.key == key && i.needs_user())?;
        let item = self.items.remove(pos);
        Some((item.to_new_item(), Change::Delete(key)))
    }

    /// Removes a rejected or held item for good (after the user confirmed). Items still queued or
    /// sending are not dropped for the same reason as in [`Outbox::take_for_edit`].
    pub fn discard(&mut self, key: Uuid) -> Option<Change> {
        let pos = self
            .items
            .iter()
            .position(|i| i.key == key && i.needs_user())?;
        self.items.remove(pos);
        Some(Change::Delete(key))
    }

    /// Records the progress of one of an item's uploads (found by its blob id); the item stays
    /// `sending`, its time renewed so no other tab takes a long upload for abandoned. `None`
    /// when the item or the file is gone (the user removed it meanwhile).
    pub fn uploading(&mut self, key: Uuid, upload: &FileUpload, now_ms: i64) -> Option<Change> {
        let item = self.items.iter_mut().find(|i| i.key == key)?;
        let held = item
            .attachments
            .iter_mut()
            .flat_map(PendingAttachment::uploads_mut)
            .find(|u| u.blob_id == upload.blob_id)?;
        *held = upload.clone();
        item.state = ItemState::Sending { since_ms: now_ms };
        Some(Change::Put(item.clone()))
    }

    /// The first file of the item still to upload.
    pub fn next_upload(&self, key: Uuid) -> Option<&FileUpload> {
        self.get(key)?
            .attachments
            .iter()
            .flat_map(PendingAttachment::uploads)
            .find(|u| !u.is_done())
    }

    /// Removes one file (by the blob id of the file) from an item whose files are not all
    /// uploaded yet — its post cannot have been requested, so the body may still change. An
    /// item left with neither text nor files goes. `None` when not allowed or not found.
    pub fn remove_attachment(
        &mut self,
        key: Uuid,
        blob_id: Uuid,
    ) -> Option<(PendingAttachment, Change)> {
        let pos = self.items.iter().position(|i| i.key == key)?;
        let item = &mut self.items[pos];
        if item.is_uploaded() || item.maybe_delivered_at_ms.is_some() {
            return None;
        }
        let at = item
            .attachments
            .iter()
            .position(|a| a.file.blob_id == blob_id)?;
        let removed = item.attachments.remove(at);
        if item.attachments.is_empty() && item.body.trim().is_empty() {
            self.items.remove(pos);
            return Some((removed, Change::Delete(key)));
        }
        if matches!(item.state, ItemState::Sending { .. }) {
            item.state = ItemState::Queued;
        }
        Some((removed, Change::Put(item.clone())))
    }

    /// Forgets an item that another tab has already delivered or discarded (it is gone from
    /// the store).
    pub fn forget(&mut self, key: Uuid) {
        self.items.retain(|i| i.key != key);
    }

    /// Replaces the held copy with the stored one (another tab changed it).
    pub fn replace(&mut self, item: OutboxItem) {
        if let Some(held) = self.items.iter_mut().find(|i| i.key == item.key) {
            *held = item;
        }
    }
}

/// Applies `outcome` to one item and returns the store write: removed when sent; queued again
/// with backoff (or the server's `Retry-After`) after a passing failure; queued again, not
/// counted, when the session was lost; rejected (kept) when refused.
pub fn settle(item: &mut OutboxItem, outcome: &Outcome, now_ms: i64) -> Change {
    match outcome {
        Outcome::Sent(_) => return Change::Delete(item.key),
        Outcome::Retry {
            retry_after_ms,
            maybe_delivered,
        } => {
            item.attempts = item.attempts.saturating_add(1);
            if *maybe_delivered {
                if let ItemState::Sending { since_ms } = item.state {
                    item.maybe_delivered_at_ms.get_or_insert(since_ms);
                } else {
                    item.maybe_delivered_at_ms.get_or_insert(now_ms);
                }
            }
            let wait = retry_after_ms
                .map(|ms| ms.clamp(0, MAX_RETRY_MS))
                .unwrap_or_else(|| backoff_ms(item.attempts));
            item.state = ItemState::Queued;
            item.next_attempt_at_ms = now_ms + wait;
        }
        Outcome::AuthLost => {
            item.state = ItemState::Queued;
            item.next_attempt_at_ms = now_ms;
        }
        Outcome::Rejected { code, status } => {
            item.attempts = item.attempts.saturating_add(1);
            item.state = ItemState::Rejected {
                code: *code,
                status: *status,
            };
        }
    }
    Change::Put(item.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use tsunagu_api::{Author, Profession};

    const ME: Uuid = Uuid::from_u128(0xA);
    const GROUP: Uuid = Uuid::from_u128(0xB);

    fn new_item(body: &str, timeline: Option<Timeline>) -> NewItem {
        NewItem {
            author_id: ME,
            group_id: GROUP,
            timeline,
            body: body.into(),
            importance: Importance::Normal,
            reply_to: None,
            mentions: vec![],
            attachments: vec![],
        }
    }

    fn enqueue(outbox: &mut Outbox, n: u128, body: &str, at: i64) -> Uuid {
        let key = Uuid::from_u128(n);
        let item = OutboxItem::new(new_item(body, Some(Timeline::Care)), key, at);
        assert_eq!(outbox.enqueue(item.clone()), Change::Put(item));
        key
    }

    fn post(body: &str) -> Post {
        Post {
            id: Uuid::from_u128(99),
            group_id: GROUP,
            author: Author {
                id: ME,
                display_name: "田中 美咲".into(),
                profession: Profession::Nurse,
                facility_name: None,
            },
            body: body.into(),
            created_at: Utc.timestamp_millis_opt(0).unwrap(),
            timeline: Timeline::Care,
            system: None,
            importance: Importance::Normal,
            reply_to: None,
            mentions: vec![],
            edited_at: None,
            deleted_at: None,
            version: 1,
            read_count: 0,
            ack_count: 0,
            acked_by_me: false,
            attachments: Vec::new(),
        }
    }

    fn net() -> Outcome {
        classify(Err(ApiError::Network), None, true)
    }

    #[test]
    fn an_enqueued_item_is_due_at_once_and_removed_when_sent() {
        let mut o = Outbox::new();
        let k = enqueue(&mut o, 1, "体温36.6℃", 1_000);
        assert_eq!(o.next_due(1_000).map(|i| i.key), Some(k));
        let Some(Change::Put(sending)) = o.begin_send(k, 1_000) else {
            panic!("begin_send writes the item")
        };
        assert_eq!(sending.state, ItemState::Sending { since_ms: 1_000 });
        assert_eq!(o.next_due(1_500), None, "nothing else while it is sending");
        let sent = classify(Ok(post("体温36.6℃")), None, true);
        assert!(matches!(sent, Outcome::Sent(Some(_))));
        assert_eq!(o.finish(k, &sent, 1_200), Some(Change::Delete(k)));
        assert!(o.items().is_empty());
    }

    #[test]
    fn passing_failures_back_off_exponentially_up_to_five_minutes() {
        assert_eq!(backoff_ms(1), 2_000);
        assert_eq!(backoff_ms(2), 4_000);
        assert_eq!(backoff_ms(3), 8_000);
        assert_eq!(backoff_ms(8), 256_000);
        assert_eq!(backoff_ms(9), MAX_RETRY_MS);
        assert_eq!(backoff_ms(u32::MAX), MAX_RETRY_MS);

        let mut o = Outbox::new();
        let k = enqueue(&mut o, 1, "a", 0);
        let mut now = 0;
        for (attempt, wait) in [(1, 2_000), (2, 4_000), (3, 8_000)] {
            o.begin_send(k, now);
            let Some(Change::Put(item)) = o.finish(k, &net(), now) else {
                panic!("a failure keeps the item")
            };
            assert_eq!(item.state, ItemState::Queued);
            assert_eq!(item.attempts, attempt);
            assert_eq!(item.key, k, "a retry keeps its key");
            assert_eq!(item.next_attempt_at_ms, now + wait);
            assert_eq!(o.next_due(now + wait - 1), None, "not before its time");
            assert_eq!(o.next_wake(now), Some(now + wait));
            now += wait;
            assert_eq!(o.next_due(now).map(|i| i.key), Some(k));
        }
    }

    #[test]
    fn server_errors_and_rate_limits_retry_and_retry_after_is_honoured() {
        for status in [500, 502, 503, 504, 429, 408] {
            let error = ApiError::Problem {
                status,
                code: ErrorCode::InternalError,
            };
            // Only a 429 certainly did nothing on the server.
            let maybe_delivered = status != 429;
            assert_eq!(
                classify(Err(error), None, true),
                Outcome::Retry {
                    retry_after_ms: None,
                    maybe_delivered
                },
                "{status}"
            );
            assert_eq!(
                classify(Err(error), Some(12_000), true),
                Outcome::Retry {
                    retry_after_ms: Some(12_000),
                    maybe_delivered
                },
                "{status} with Retry-After"
            );
        }
        // A refusal stays a refusal whatever the headers say.
        assert!(matches!(
            classify(
                Err(ApiError::Problem {
                    status: 422,
                    code: ErrorCode::PostTooLong
                }),
                Some(1_000),
                true
            ),
            Outcome::Rejected { .. }
        ));
        let mut o = Outbox::new();
        let k = enqueue(&mut o, 1, "a", 0);
        o.begin_send(k, 0);
        let Some(Change::Put(item)) = o.finish(
            k,
            &Outcome::Retry {
                retry_after_ms: Some(30_000),
                maybe_delivered: false,
            },
            10,
        ) else {
            panic!()
        };
        assert_eq!(item.next_attempt_at_ms, 30_010);
        // An absurd Retry-After is capped at the longest backoff.
        o.begin_send(k, 40_000);
        let Some(Change::Put(item)) = o.finish(
            k,
            &Outcome::Retry {
                retry_after_ms: Some(86_400_000),
                maybe_delivered: false,
            },
            40_000,
        ) else {
            panic!()
        };
        assert_eq!(item.next_attempt_at_ms, 40_000 + MAX_RETRY_MS);
    }

    #[test]
    fn refusals_are_kept_with_their_code_and_never_dropped() {
        for (status, code) in [
            (422, ErrorCode::ValidationFailed),
            (422, ErrorCode::PostTooLong),
            (404, ErrorCode::NotFound),
            (403, ErrorCode::NotAMember),
            (409, ErrorCode::GroupArchived),
            (422, ErrorCode::FieldInvalid),
        ] {
            let mut o = Outbox::new();
            let k = enqueue(&mut o, 1, "a", 0);
            let later = enqueue(&mut o, 2, "b", 1);
            o.begin_send(k, 5);
            let outcome = classify(Err(ApiError::Problem { status, code }), None, true);
            assert_eq!(outcome, Outcome::Rejected { code, status });
            let Some(Change::Put(item)) = o.finish(k, &outcome, 6) else {
                panic!("a refusal keeps the item")
            };
            assert_eq!(item.state, ItemState::Rejected { code, status });
            assert_eq!(o.get(k).map(|i| i.is_rejected()), Some(true));
            // Never sent again by itself, and it does not block what was written after it.
            assert_eq!(o.next_due(i64::MAX).map(|i| i.key), Some(later));
            assert_eq!(o.retry_now(1_000_000), vec![]);
            assert!(o.recover(1_000_000).is_empty());
            assert!(o.get(k).is_some_and(OutboxItem::is_rejected));
        }
    }

    #[test]
    fn a_lost_session_waits_without_counting_an_attempt() {
        for code in [ErrorCode::SessionExpired, ErrorCode::Unauthenticated] {
            let mut o = Outbox::new();
            let k = enqueue(&mut o, 1, "a", 0);
            o.begin_send(k, 0);
            let outcome = classify(Err(ApiError::Problem { status: 401, code }), None, true);
            assert_eq!(outcome, Outcome::AuthLost);
            let Some(Change::Put(item)) = o.finish(k, &outcome, 50) else {
                panic!()
            };
            assert_eq!(item.state, ItemState::Queued);
            assert_eq!(item.attempts, 0, "not counted");
            assert_eq!(
                item.next_attempt_at_ms, 50,
                "due as soon as a session exists"
            );
        }
    }

    #[test]
    fn an_item_left_sending_by_a_crash_is_resent_with_the_same_key() {
        let mut o = Outbox::new();
        let k = enqueue(&mut o, 1, "a", 0);
        o.begin_send(k, 100);
        let stored: Vec<OutboxItem> = o.items().to_vec();

        // A fresh tab loads the store.
        let mut fresh = Outbox::new();
        fresh.absorb(stored);
        let changes = fresh.recover(5_000);
        assert_eq!(changes.len(), 1);
        let Change::Put(item) = &changes[0] else {
            panic!()
        };
        assert_eq!(
            item.key, k,
            "the SAME key: the server replays instead of posting twice"
        );
        assert_eq!(item.state, ItemState::Queued);
        assert_eq!(fresh.next_due(5_000).map(|i| i.key), Some(k));
    }

    #[test]
    fn another_tabs_send_in_progress_is_left_alone_until_it_is_stale() {
        let mut o = Outbox::new();
        let k = enqueue(&mut o, 1, "a", 0);
        o.begin_send(k, 1_000);
        assert_eq!(o.next_due(1_000 + STALE_SENDING_MS - 1), None);
        assert!(o.get(k).unwrap().is_sending(1_001));
        assert_eq!(o.next_wake(2_000), Some(1_000 + STALE_SENDING_MS));
        assert_eq!(
            o.next_due(1_000 + STALE_SENDING_MS).map(|i| i.key),
            Some(k),
            "a tab that went away does not hold the item forever"
        );
    }

    #[test]
    fn items_go_out_in_order_per_timeline_and_lanes_do_not_block_each_other() {
        let mut o = Outbox::new();
        let first = enqueue(&mut o, 2, "first", 10);
        let second = enqueue(&mut o, 1, "second", 20);
        let family = OutboxItem::new(
            new_item("family", Some(Timeline::Family)),
            Uuid::from_u128(3),
            30,
        );
        o.enqueue(family.clone());
        assert_eq!(
            o.items().iter().map(|i| i.key).collect::<Vec<_>>(),
            vec![first, second, family.key],
            "oldest first, whatever the key"
        );
        assert_eq!(o.next_due(100).map(|i| i.key), Some(first));
        o.begin_send(first, 100);
        o.finish(first, &net(), 100);
        // The care lane waits for its head; the family lane goes on.
        assert_eq!(o.next_due(101).map(|i| i.key), Some(family.key));
        o.begin_send(family.key, 101);
        o.finish(family.key, &classify(Ok(post("family")), None, true), 102);
        assert_eq!(o.next_due(103), None, "second never overtakes first");
        assert_eq!(o.next_due(100 + 2_000).map(|i| i.key), Some(first));
    }

    #[test]
    fn coming_online_makes_every_queued_item_due_now() {
        let mut o = Outbox::new();
        let k = enqueue(&mut o, 1, "a", 0);
        for _ in 0..5 {
            o.begin_send(k, 0);
            o.finish(k, &net(), 0);
        }
        assert_eq!(o.next_due(1_000), None);
        let changes = o.retry_now(1_000);
        assert_eq!(changes.len(), 1);
        assert_eq!(o.next_due(1_000).map(|i| i.key), Some(k));
        assert_eq!(o.get(k).unwrap().attempts, 5, "attempts are kept");
        assert!(o.retry_now(1_000).is_empty(), "nothing more to change");
    }

    #[test]
    fn editing_a_rejected_item_removes_it_and_its_resend_gets_a_new_key() {
        let mut o = Outbox::new();
        let k = enqueue(&mut o, 1, "長すぎる本文", 0);
        assert_eq!(
            o.take_for_edit(k),
            None,
            "a queued item may be on the server"
        );
        assert_eq!(o.discard(k), None);
        o.begin_send(k, 0);
        o.finish(
            k,
            &Outcome::Rejected {
                code: ErrorCode::FieldInvalid,
                status: 422,
            },
            1,
        );
        let (content, change) = o.take_for_edit(k).expect("rejected items can be edited");
        assert_eq!(change, Change::Delete(k));
        assert!(o.items().is_empty());
        assert_eq!(content.body, "長すぎる本文");

        // Sent again (edited): a new item with a new key.
        let mut edited = content.clone();
        edited.body = "直した本文".into();
        let again = OutboxItem::new(edited, Uuid::now_v7(), 10);
        assert_ne!(again.key, k);
        o.enqueue(again.clone());
        assert_eq!(o.next_due(10).map(|i| i.key), Some(again.key));
    }

    #[test]
    fn discarding_removes_only_a_rejected_item() {
        let mut o = Outbox::new();
        let k = enqueue(&mut o, 1, "a", 0);
        o.begin_send(k, 0);
        o.finish(
            k,
            &Outcome::Rejected {
                code: ErrorCode::NotFound,
                status: 404,
            },
            0,
        );
        assert_eq!(o.discard(k), Some(Change::Delete(k)));
        assert!(o.items().is_empty());
        assert_eq!(o.discard(k), None);
    }

    #[test]
    fn a_success_whose_body_is_unreadable_still_counts_as_sent() {
        assert_eq!(
            classify(
                Err(ApiError::Problem {
                    status: 201,
                    code: ErrorCode::Unknown
                }),
                None,
                true
            ),
            Outcome::Sent(None)
        );
    }

    #[test]
    fn the_request_body_is_the_same_for_every_attempt() {
        let mut n = new_item("@佐藤 健一 さん、確認お願いします", Some(Timeline::Care));
        n.importance = Importance::Urgent;
        n.reply_to = Some(ReplyQuote {
            id: Uuid::from_u128(7),
            author_name: "佐藤 健一".into(),
            excerpt: "処方変更".into(),
        });
        n.mentions = vec![Mention {
            user_id: Uuid::from_u128(8),
            display_name: "佐藤 健一".into(),
        }];
        let item = OutboxItem::new(n, Uuid::from_u128(1), 0);
        let wire = item.new_post();
        assert_eq!(wire.importance, Some(Importance::Urgent));
        assert_eq!(wire.reply_to, Some(Uuid::from_u128(7)));
        assert_eq!(wire.mentions, vec![Uuid::from_u128(8)]);
        assert_eq!(wire.timeline, Some(Timeline::Care));
        // Stored and read back (e.g. after a reload), the request is byte-identical.
        let back = OutboxItem::from_json(&item.to_json()).unwrap();
        assert_eq!(back, item);
        assert_eq!(
            serde_json::to_string(&back.new_post()).unwrap(),
            serde_json::to_string(&wire).unwrap()
        );
        // A normal post sends no importance at all.
        let plain = OutboxItem::new(new_item("a", None), Uuid::from_u128(2), 0);
        assert_eq!(plain.new_post().importance, None);
    }

    #[test]
    fn states_round_trip_through_the_stored_json() {
        let mut item = OutboxItem::new(new_item("a", None), Uuid::from_u128(1), 5);
        for state in [
            ItemState::Queued,
            ItemState::Sending { since_ms: 9 },
            ItemState::Rejected {
                code: ErrorCode::GroupArchived,
                status: 409,
            },
            ItemState::Held,
        ] {
            item.state = state;
            item.attempts = 3;
            assert_eq!(OutboxItem::from_json(&item.to_json()), Some(item.clone()));
        }
        assert_eq!(OutboxItem::from_json("{}"), None);
        // The state as stored since the outbox exists; a variant without its fields is refused.
        let state = |json: &str| crate::json::parse::<ItemState>(json);
        assert_eq!(
            state(r#"{"kind":"rejected","code":"group_archived","status":409}"#),
            Some(ItemState::Rejected {
                code: ErrorCode::GroupArchived,
                status: 409
            })
        );
        assert_eq!(
            state(r#"{"kind":"queued","since_ms":1}"#),
            Some(ItemState::Queued)
        );
        assert_eq!(state(r#"{"kind":"sending"}"#), None);
        assert_eq!(state(r#"{"kind":"rejected","status":409}"#), None);
        assert_eq!(state(r#"{"kind":"lost"}"#), None);
    }

    #[test]
    fn items_enqueued_while_loading_survive_the_load() {
        let mut o = Outbox::new();
        let k = enqueue(&mut o, 1, "typed while loading", 50);
        let mut stored_copy = o.get(k).unwrap().clone();
        stored_copy.body = "stale".into();
        let older = OutboxItem::new(
            new_item("older", Some(Timeline::Care)),
            Uuid::from_u128(2),
            10,
        );
        o.absorb(vec![stored_copy, older.clone()]);
        assert_eq!(o.items().len(), 2);
        assert_eq!(o.get(k).unwrap().body, "typed while loading");
        assert_eq!(o.items()[0].key, older.key, "sorted oldest first");
    }

    #[test]
    fn timelines_and_authors_are_kept_apart() {
        let mut o = Outbox::new();
        enqueue(&mut o, 1, "care", 0);
        let mut other = new_item("someone else's", Some(Timeline::Care));
        other.author_id = Uuid::from_u128(0xC);
        o.enqueue(OutboxItem::new(other, Uuid::from_u128(2), 1));
        let mine: Vec<_> = o
            .of_timeline(ME, GROUP, Some(Timeline::Care))
            .map(|i| i.body.as_str())
            .collect();
        assert_eq!(mine, vec!["care"]);
        assert_eq!(o.of_timeline(ME, GROUP, Some(Timeline::Family)).count(), 0);
    }

    #[test]
    fn quotes_are_short_and_on_one_line() {
        let q = ReplyQuote::of_post(&post("処方を変更しました"));
        assert_eq!(q.author_name, "田中 美咲");
        assert_eq!(q.excerpt, "処方を変更しました");
    }

    const HOUR: i64 = 60 * 60 * 1_000;

    #[test]
    fn a_request_that_failed_offline_never_counts_as_maybe_delivered() {
        let offline = classify(Err(ApiError::Network), None, false);
        assert_eq!(
            offline,
            Outcome::Retry {
                retry_after_ms: None,
                maybe_delivered: false
            }
        );
        let mut o = Outbox::new();
        let k = enqueue(&mut o, 1, "a", 0);
        o.begin_send(k, 0);
        o.finish(k, &offline, 10);
        assert_eq!(o.get(k).and_then(|i| i.maybe_delivered_at_ms), None);
        // Days offline later it is still sent by itself: no request can have arrived.
        let later = 5 * 24 * HOUR;
        assert!(o.hold_unsafe(later).is_empty());
        assert_eq!(o.next_due(later).map(|i| i.key), Some(k));
    }

    #[test]
    fn a_retry_that_could_post_twice_is_held_for_the_user() {
        let mut o = Outbox::new();
        let k = enqueue(&mut o, 1, "a", 0);
        let after = enqueue(&mut o, 2, "b", 1);
        // A gateway timeout: the server may have created the post.
        o.begin_send(k, 100);
        o.finish(
            k,
            &classify(
                Err(ApiError::Problem {
                    status: 504,
                    code: ErrorCode::InternalError,
                }),
                None,
                true,
            ),
            200,
        );
        // From when the request left, not when the failure came back.
        assert_eq!(o.get(k).and_then(|i| i.maybe_delivered_at_ms), Some(100));
        // Within the key's lifetime a retry is safe (the server replays the first answer).
        assert!(o.hold_unsafe(100 + KEY_TRUST_MS - 1).is_empty());
        // A later failure does not move the time of the first one.
        o.begin_send(k, 10 * HOUR);
        o.finish(k, &net(), 10 * HOUR);
        assert_eq!(o.get(k).and_then(|i| i.maybe_delivered_at_ms), Some(100));
        // Past it, the item is held and written to the store as held.
        let changes = o.hold_unsafe(100 + KEY_TRUST_MS);
        let [Change::Put(held)] = changes.as_slice() else {
            panic!("one write: {changes:?}")
        };
        assert_eq!(held.state, ItemState::Held);
        assert!(o.get(k).is_some_and(OutboxItem::needs_user));
        // Never sent by itself, not even when the network comes back, and it does not block
        // what was written after it.
        assert!(o.retry_now(30 * HOUR).is_empty());
        assert_eq!(o.next_due(30 * HOUR).map(|i| i.key), Some(after));
        // The user can take it back into the editor (sent again with a new key) or discard it.
        let mut o2 = o.clone();
        assert!(o2.take_for_edit(k).is_some());
        assert_eq!(o.discard(k), Some(Change::Delete(k)));
    }

    #[test]
    fn a_tab_that_closed_mid_send_counts_as_maybe_delivered_from_that_moment() {
        let mut o = Outbox::new();
        let k = enqueue(&mut o, 1, "a", 0);
        o.begin_send(k, 1_000);
        let stored = o.items().to_vec();
        // Opened again within the day: resent with the same key.
        let mut soon = Outbox::new();
        soon.absorb(stored.clone());
        soon.recover(2 * HOUR);
        let item = soon.get(k).unwrap();
        assert_eq!(item.state, ItemState::Queued);
        assert_eq!(item.maybe_delivered_at_ms, Some(1_000));
        // Opened again two days later: held.
        let mut late = Outbox::new();
        late.absorb(stored);
        late.recover(48 * HOUR);
        assert_eq!(late.get(k).map(|i| i.state), Some(ItemState::Held));
        assert_eq!(late.next_due(48 * HOUR), None);
    }

    fn photo(n: u128) -> PendingAttachment {
        PendingAttachment {
            file: crate::media::FileUpload::new(
                Uuid::from_u128(n),
                "写真.jpg".into(),
                "image/jpeg".into(),
                100,
            ),
            poster: None,
            picked_size: 4_000,
        }
    }

    #[test]
    fn a_build_without_uploads_leaves_posts_with_files_and_their_lane_to_the_app() {
        let mut photos = new_item("写真", Some(Timeline::Care));
        photos.attachments = vec![photo(1)];
        let first = OutboxItem::new(photos, Uuid::from_u128(5), 0);
        let after = OutboxItem::new(new_item("次", Some(Timeline::Care)), Uuid::from_u128(6), 1);
        let family = OutboxItem::new(
            new_item("家族へ", Some(Timeline::Family)),
            Uuid::from_u128(7),
            2,
        );
        let mut here = Outbox::leaving_files();
        let mut app = Outbox::new();
        for o in [&mut here, &mut app] {
            o.enqueue(first.clone());
            o.enqueue(after.clone());
            o.enqueue(family.clone());
        }
        // The management pages send the family post; the care lane waits behind its photo,
        // without a timer that would wake them for nothing.
        assert_eq!(here.next_due(1_000).map(|i| i.key), Some(family.key));
        here.begin_send(family.key, 1_000);
        here.forget(family.key);
        assert_eq!(here.next_due(1_000), None);
        assert_eq!(here.next_wake(1_000), None);
        // The nurse's app sends the photo first.
        assert_eq!(app.next_due(1_000).map(|i| i.key), Some(first.key));
        // Once its files are up, any build may send the post.
        let mut uploaded = first.clone();
        uploaded.attachments[0].file.upload_id = Some(Uuid::from_u128(0x11));
        let mut later = Outbox::leaving_files();
        later.enqueue(uploaded);
        assert_eq!(later.next_due(1_000).map(|i| i.key), Some(first.key));
    }

    #[test]
    fn a_post_with_files_waits_for_them_and_names_the_same_uploads_every_time() {
        let mut n = new_item("", Some(Timeline::Care));
        n.attachments = vec![photo(1), photo(2)];
        let mut o = Outbox::new();
        let item = OutboxItem::new(n, Uuid::from_u128(5), 0);
        o.enqueue(item.clone());
        assert!(!item.is_uploaded());
        o.begin_send(item.key, 10);
        // The first file is up; the second is half way.
        let mut files = item.attachments.clone();
        assert_eq!(o.next_upload(item.key), Some(&files[0].file));
        files[0].file.upload_id = Some(Uuid::from_u128(0x11));
        files[1].file.url = Some("/api/v1/uploads/x".into());
        files[1].file.offset = 50;
        o.uploading(item.key, &files[0].file, 15).unwrap();
        let Some(Change::Put(stored)) = o.uploading(item.key, &files[1].file, 20) else {
            panic!()
        };
        assert_eq!(o.next_upload(item.key), Some(&files[1].file));
        assert_eq!(stored.state, ItemState::Sending { since_ms: 20 });
        // The tab crashes mid-upload: the post never left, so nothing counts as delivered.
        let mut fresh = Outbox::new();
        fresh.absorb(vec![stored.clone()]);
        fresh.recover(HOUR);
        let again = fresh.get(item.key).unwrap();
        assert_eq!(again.maybe_delivered_at_ms, None);
        assert_eq!(again.attachments[1].file.offset, 50, "resumes where it was");
        // Once both are up, the body names them, identically after a reload.
        files[1].file.upload_id = Some(Uuid::from_u128(0x12));
        o.uploading(item.key, &files[1].file, 30);
        assert_eq!(o.next_upload(item.key), None);
        // A file removed meanwhile is not brought back by its upload's progress.
        assert_eq!(o.uploading(item.key, &photo(9).file, 31), None);
        let done = o.get(item.key).unwrap();
        assert!(done.is_uploaded());
        let wire = done.new_post();
        assert_eq!(
            wire.attachments
                .iter()
                .map(|a| a.upload_id)
                .collect::<Vec<_>>(),
            vec![Uuid::from_u128(0x11), Uuid::from_u128(0x12)]
        );
        let back = OutboxItem::from_json(&done.to_json()).unwrap();
        assert_eq!(
            serde_json::to_string(&back.new_post()).unwrap(),
            serde_json::to_string(&wire).unwrap()
        );
    }

    #[test]
    fn a_file_can_be_removed_only_while_the_post_cannot_have_been_sent() {
        let mut n = new_item("", Some(Timeline::Care));
        n.attachments = vec![photo(1), photo(2)];
        let mut o = Outbox::new();
        let key = Uuid::from_u128(5);
        o.enqueue(OutboxItem::new(n, key, 0));
        let (removed, change) = o.remove_attachment(key, Uuid::from_u128(1)).unwrap();
        assert_eq!(removed.file.blob_id, Uuid::from_u128(1));
        assert!(matches!(change, Change::Put(ref i) if i.attachments.len() == 1));
        // The last file of a post without text: the item goes.
        let (_, change) = o.remove_attachment(key, Uuid::from_u128(2)).unwrap();
        assert_eq!(change, Change::Delete(key));
        assert!(o.items().is_empty());
        // All uploaded: the post may be on the server, its body must not change.
        let mut n = new_item("本文", Some(Timeline::Care));
        let mut up = photo(3);
        up.file.upload_id = Some(Uuid::from_u128(0x13));
        n.attachments = vec![up];
        o.enqueue(OutboxItem::new(n, key, 0));
        assert_eq!(o.remove_attachment(key, Uuid::from_u128(3)), None);
    }

    #[test]
    fn items_stored_before_the_field_existed_still_load() {
        let mut item = OutboxItem::new(new_item("a", None), Uuid::from_u128(1), 0);
        let mut json: serde_json::Value = serde_json::from_str(&item.to_json()).unwrap();
        json.as_object_mut()
            .unwrap()
            .remove("maybe_delivered_at_ms");
        let read = OutboxItem::from_json(&json.to_string()).expect("old record reads");
        item.maybe_delivered_at_ms = None;
        assert_eq!(read, item);
    }
}
