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
//! ```

pub mod sender;
pub mod store;

pub use sender::{provide_outbox, use_outbox, OutboxCtx};

use serde::{Deserialize, Serialize};
use tsunagu_api::{ErrorCode, Importance, Mention, NewPost, Post, Timeline};
use uuid::Uuid;

use crate::api::ApiError;

/// Delay before the first retry; it doubles with each failed attempt.
pub const FIRST_RETRY_MS: i64 = 2_000;
/// Longest delay between two attempts.
pub const MAX_RETRY_MS: i64 = 5 * 60 * 1_000;
/// A `sending` item untouched this long belongs to a tab that went away mid-send (another tab
/// may be sending it right now, so a younger one is left alone).
pub const STALE_SENDING_MS: i64 = 2 * 60 * 1_000;
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
            excerpt: excerpt(&post.body),
        }
    }
}

/// The first [`QUOTE_CHARS`] characters of `body` on one line, with `…` when cut.
pub fn excerpt(body: &str) -> String {
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > QUOTE_CHARS {
        let mut cut: String = flat.chars().take(QUOTE_CHARS).collect();
        cut.push('…');
        cut
    } else {
        flat
    }
}

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
            created_at_ms: now_ms,
            attempts: 0,
            next_attempt_at_ms: now_ms,
            state: ItemState::Queued,
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
        }
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
        }
    }

    /// Whether it was refused for good.
    pub fn is_rejected(&self) -> bool {
        matches!(self.state, ItemState::Rejected { .. })
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
            ItemState::Rejected { .. } => false,
        }
    }

    /// Serialises the stored record (JSON text: no serde-wasm-bindgen needed).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored record; `None` if it is not an item.
    pub fn from_json(s: &str) -> Option<Self> {
        serde_json::from_str(s).ok()
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

/// Classifies the result of `POST /groups/{id}/posts`.
pub fn classify(result: Result<Post, ApiError>) -> Outcome {
    match result {
        Ok(post) => Outcome::Sent(Some(Box::new(post))),
        Err(ApiError::Network) => Outcome::Retry {
            retry_after_ms: None,
        },
        Err(ApiError::Problem { status, code }) => match status {
            // A success whose body could not be decoded: the post was created.
            200..=299 => Outcome::Sent(None),
            401 => Outcome::AuthLost,
            408 | 429 | 500..=599 => Outcome::Retry {
                retry_after_ms: None,
            },
            _ => Outcome::Rejected { code, status },
        },
    }
}

/// A write the store must make after a transition.
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
}

impl Outbox {
    /// An empty outbox.
    pub fn new() -> Self {
        Self::default()
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
        self.items.sort_by_key(|i| (i.created_at_ms, i.key));
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
            if matches!(item.state, ItemState::Sending { .. }) {
                item.state = ItemState::Queued;
                item.next_attempt_at_ms = now_ms;
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
            if item.is_rejected() || seen.contains(&item.lane()) {
                continue;
            }
            seen.push(item.lane());
            if item.is_due(now_ms) {
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
            if item.is_rejected() || seen.contains(&item.lane()) {
                continue;
            }
            seen.push(item.lane());
            let at = match item.state {
                ItemState::Queued => item.next_attempt_at_ms,
                ItemState::Sending { since_ms } => since_ms + STALE_SENDING_MS,
                ItemState::Rejected { .. } => continue,
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

    /// Removes a rejected item so the user can change it; its content goes back to the editor.
    /// Sent again, the new text is a new request with a new key (the old key with another body
    /// would be refused as `idempotency_key_reused`). Items still queued or sending are not
    /// handed out: they may already be on the server.
    pub fn take_for_edit(&mut self, key: Uuid) -> Option<(NewItem, Change)> {
        let pos = self
            .items
            .iter()
            .position(|i| i.key == key && i.is_rejected())?;
        let item = self.items.remove(pos);
        Some((item.to_new_item(), Change::Delete(key)))
    }

    /// Removes a rejected item for good (after the user confirmed). Items still queued or
    /// sending are not dropped for the same reason as in [`Outbox::take_for_edit`].
    pub fn discard(&mut self, key: Uuid) -> Option<Change> {
        let pos = self
            .items
            .iter()
            .position(|i| i.key == key && i.is_rejected())?;
        self.items.remove(pos);
        Some(Change::Delete(key))
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
        Outcome::Retry { retry_after_ms } => {
            item.attempts = item.attempts.saturating_add(1);
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
        }
    }

    fn net() -> Outcome {
        classify(Err(ApiError::Network))
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
        let sent = classify(Ok(post("体温36.6℃")));
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
            let outcome = classify(Err(ApiError::Problem {
                status,
                code: ErrorCode::InternalError,
            }));
            assert_eq!(
                outcome,
                Outcome::Retry {
                    retry_after_ms: None
                },
                "{status}"
            );
        }
        let mut o = Outbox::new();
        let k = enqueue(&mut o, 1, "a", 0);
        o.begin_send(k, 0);
        let Some(Change::Put(item)) = o.finish(
            k,
            &Outcome::Retry {
                retry_after_ms: Some(30_000),
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
            let outcome = classify(Err(ApiError::Problem { status, code }));
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
            let outcome = classify(Err(ApiError::Problem { status: 401, code }));
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
        o.finish(family.key, &classify(Ok(post("family"))), 102);
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
            classify(Err(ApiError::Problem {
                status: 201,
                code: ErrorCode::Unknown
            })),
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
        ] {
            item.state = state;
            item.attempts = 3;
            assert_eq!(OutboxItem::from_json(&item.to_json()), Some(item.clone()));
        }
        assert_eq!(OutboxItem::from_json("{}"), None);
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
        assert_eq!(excerpt("一行目\n二行目"), "一行目 二行目");
        let long = "あ".repeat(100);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), QUOTE_CHARS + 1);
        assert!(cut.ends_with('…'));
        let q = ReplyQuote::of_post(&post("処方を変更しました"));
        assert_eq!(q.author_name, "田中 美咲");
        assert_eq!(q.excerpt, "処方を変更しました");
    }
}
