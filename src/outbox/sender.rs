//! Delivers the outbox: one sender per tab, provided once in [`crate::Providers`]
//! ([`provide_outbox`]) and reached with [`use_outbox`].
//!
//! While a session exists, the sender holds that user's items (loaded from the store, plus what
//! the composer enqueues) in a signal the UI shows, and sends the due ones one at a time, in
//! order per timeline. It tries again when the browser says it is `online`, when the page
//! becomes visible, when the backoff timer fires, and after a (re-)login. A sent post is
//! published as [`LiveEvent::PostCreated`] through [`crate::live`], so the timeline merges it
//! exactly like the same post arriving over the event stream (by id: it shows once).
//!
//! Several tabs may run senders over the same store, and a tab may crash mid-send. Neither can
//! post twice: every attempt for an item carries the item's idempotency key, and the server
//! answers a repeated key (with the same content) with the first result instead of creating a
//! second post. Before each attempt the sender checks that the item is still stored, so an item
//! another tab has already delivered is usually not even requested again.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tsunagu_api::{LiveEvent, Post, Timeline};
use uuid::Uuid;

use super::store::OutboxStore;
use super::{classify, settle, Change, ItemState, NewItem, Outbox, OutboxItem, Outcome};
use crate::drafts::store::{now_ms, StoreError};
use crate::live::{use_live, Live};
#[cfg(feature = "send-media")]
use crate::media::tus::Failure;
use crate::media::{store as media_store, upload, PendingAttachment};
use crate::session::{use_session, SessionCtx};

type SentSubscriber = Rc<dyn Fn(&OutboxItem, &Post)>;

/// Mutable state of the sender that the UI does not render.
#[derive(Default)]
struct Inner {
    /// Bumped whenever the session changes; a loop of an older generation stops.
    generation: u64,
    /// The store was loaded for the current session (nothing is sent before, so an item a
    /// crashed tab left in `sending` is recovered first).
    loaded: bool,
    /// A send loop is running.
    running: bool,
    /// Something became due while the loop ran: run it once more.
    again: bool,
    /// The session was refused (401): wait for the next login.
    paused: bool,
    /// The backoff timer.
    timer: Option<TimeoutHandle>,
    next_subscriber: u64,
    sent_subscribers: Vec<(u64, SentSubscriber)>,
}

/// Handle to the outbox. Cheap to copy.
#[derive(Clone, Copy)]
pub struct OutboxCtx {
    /// The current user's items.
    outbox: RwSignal<Outbox>,
    /// The user whose items are held (`None`: logged out).
    user: RwSignal<Option<Uuid>>,
    /// Bytes of each file (by blob id) known to be on their way, while it uploads.
    progress: RwSignal<Vec<(Uuid, u64)>>,
    inner: StoredValue<Rc<RefCell<Inner>>, LocalStorage>,
    session: SessionCtx,
    live: Live,
}

fn log_warning(what: &str, e: &StoreError) {
    web_sys::console::warn_1(&format!("outbox: {what}: {e}").into());
}

/// Writes `change` through a connection of its own. Failures are logged: the item is still
/// held in memory and sent; only its crash safety is lost.
async fn write(change: Change) {
    let result = async {
        let store = OutboxStore::open().await?;
        let done = store.apply(&change).await;
        store.close();
        done
    }
    .await;
    if let Err(e) = result {
        log_warning("writing an item failed", &e);
    }
}

async fn write_all(changes: Vec<Change>) {
    for change in changes {
        write(change).await;
    }
}

impl OutboxCtx {
    fn with_inner<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> Option<R> {
        let inner = self.inner.try_get_value()?;
        let mut inner = inner.borrow_mut();
        Some(f(&mut inner))
    }

    /// The current user's items for `timeline` of `group`, oldest first (tracked).
    pub fn items_of(&self, group: Uuid, timeline: Option<Timeline>) -> Vec<OutboxItem> {
        let Some(user) = self.user.get() else {
            return Vec::new();
        };
        self.outbox
            .with(|o| o.of_timeline(user, group, timeline).cloned().collect())
    }

    /// Every item held (tracked).
    pub fn items(&self) -> Vec<OutboxItem> {
        self.outbox.with(|o| o.items().to_vec())
    }

    /// Stores a new post and queues it. Returns once it is safely in IndexedDB — only then may
    /// the composer clear its text and draft. On a store failure nothing is queued and the
    /// caller keeps the text.
    pub async fn enqueue(&self, new: NewItem) -> Result<Uuid, StoreError> {
        let item = OutboxItem::new(new, Uuid::now_v7(), now_ms());
        let store = OutboxStore::open().await?;
        let stored = store.put(&item).await;
        store.close();
        stored?;
        request_persistent_storage();
        let key = item.key;
        if self.user.try_get_untracked().flatten() == Some(item.author_id) {
            self.outbox.try_update(|o| o.enqueue(item));
        }
        self.kick();
        Ok(key)
    }

    /// Takes a rejected item out so the user can change it; returns its content for the editor.
    pub fn edit(&self, key: Uuid) -> Option<NewItem> {
        let (content, change) = self.outbox.try_update(|o| o.take_for_edit(key))??;
        spawn_local(write(change));
        Some(content)
    }

    /// Drops a rejected item for good, with its files.
    pub fn discard(&self, key: Uuid) {
        let files = self
            .outbox
            .try_with_untracked(|o| o.get(key).map(|i| (i.author_id, i.attachments.clone())))
            .flatten();
        if let Some(Some(change)) = self.outbox.try_update(|o| o.discard(key)) {
            spawn_local(async move {
                write(change).await;
                if let Some((user, files)) = files {
                    forget_files(user, &files).await;
                }
            });
        }
    }

    /// Bytes of the file `blob_id` on their way (tracked; `None` when it is not uploading).
    pub fn progress_of(&self, blob_id: Uuid) -> Option<u64> {
        self.progress
            .with(|p| p.iter().find(|(id, _)| *id == blob_id).map(|(_, b)| *b))
    }

    /// Removes one file from a waiting post whose files are not all uploaded (「キャンセル」):
    /// its request is aborted, the upload deleted on the server, its Blob removed.
    pub fn cancel_file(&self, key: Uuid, blob_id: Uuid) {
        let Some(Some((removed, change))) = self
            .outbox
            .try_update(|o| o.remove_attachment(key, blob_id))
        else {
            return;
        };
        for id in removed.blob_ids() {
            upload::abort(id);
        }
        let user = self.user.get_untracked().unwrap_or_default();
        let client = self.session.client();
        let this = *self;
        spawn_local(async move {
            write(change).await;
            for file in removed.uploads() {
                upload::terminate(&client, file).await;
            }
            forget_files(user, std::slice::from_ref(&removed)).await;
            this.kick();
        });
    }

    /// Calls `f` with each item delivered from now on and the post the server created, until
    /// the current reactive owner is cleaned up.
    pub fn on_sent(&self, f: impl Fn(&OutboxItem, &Post) + 'static) {
        let Some(id) = self.with_inner(|inner| {
            inner.next_subscriber += 1;
            let id = inner.next_subscriber;
            inner.sent_subscribers.push((id, Rc::new(f)));
            id
        }) else {
            return;
        };
        let store = self.inner;
        on_cleanup(move || {
            if let Some(inner) = store.try_get_value() {
                inner
                    .borrow_mut()
                    .sent_subscribers
                    .retain(|(i, _)| *i != id);
            }
        });
    }

    /// The session changed (login, logout, another user): drop what is held and load the new
    /// user's items.
    fn session_changed(&self, user: Option<Uuid>) {
        let Some(generation) = self.with_inner(|inner| {
            inner.generation += 1;
            inner.loaded = false;
            inner.paused = false;
            if let Some(t) = inner.timer.take() {
                t.clear();
            }
            inner.generation
        }) else {
            return;
        };
        self.outbox.set(empty_outbox());
        self.user.set(user);
        let Some(user) = user else {
            return;
        };
        let this = *self;
        spawn_local(async move {
            let stored = async {
                let store = OutboxStore::open().await?;
                let items = store.all_of(user).await;
                store.close();
                items
            }
            .await;
            if this.with_inner(|i| i.generation) != Some(generation) {
                return;
            }
            let changes = match stored {
                Ok(items) => this
                    .outbox
                    .try_update(|o| {
                        o.absorb(items);
                        let now = now_ms();
                        // Items left `sending` by a crashed tab go out again, same key; and a
                        // (new) login is a good moment to retry what waits for its backoff.
                        let mut changes = o.recover(now);
                        changes.extend(o.retry_now(now));
                        changes
                    })
                    .unwrap_or_default(),
                Err(e) => {
                    log_warning("loading the outbox failed", &e);
                    Vec::new()
                }
            };
            write_all(changes).await;
            this.with_inner(|i| i.loaded = true);
            this.kick();
        });
    }

    /// Everything queued is due now: the network may be back, or the user is (the idle lock was
    /// lifted).
    pub fn retry_now(&self) {
        let changes = self
            .outbox
            .try_update(|o| o.retry_now(now_ms()))
            .unwrap_or_default();
        spawn_local(write_all(changes));
        self.kick();
    }

    /// Starts the send loop unless it runs (then it runs once more) or cannot run yet.
    fn kick(&self) {
        let start = self.with_inner(|inner| {
            if !inner.loaded || inner.paused {
                false
            } else if inner.running {
                inner.again = true;
                false
            } else {
                inner.running = true;
                inner.again = false;
                true
            }
        });
        if start == Some(true) {
            let this = *self;
            spawn_local(async move { this.run().await });
        }
    }

    /// Sends due items one at a time until none is due, then sets the timer for the next one.
    async fn run(self) {
        let Some(generation) = self.with_inner(|i| i.generation) else {
            return;
        };
        loop {
            let current = self.with_inner(|i| i.generation == generation && !i.paused);
            if current != Some(true) {
                break;
            }
            let now = now_ms();
            // Whatever could post twice if retried now is held for the user first.
            let held = self
                .outbox
                .try_update(|o| o.hold_unsafe(now))
                .unwrap_or_default();
            write_all(held).await;
            let Some(item) = self
                .outbox
                .try_with_untracked(|o| o.next_due(now).cloned())
                .flatten()
            else {
                break;
            };
            if self.attempt(item, generation).await == Some(Outcome::AuthLost) {
                self.with_inner(|i| i.paused = true);
                break;
            }
        }
        let again = self.with_inner(|inner| {
            inner.running = false;
            std::mem::take(&mut inner.again)
        });
        match again {
            Some(true) => self.kick(),
            Some(false) => self.schedule(),
            None => {}
        }
    }

    /// One attempt for `item`; returns how it ended (`None`: skipped, e.g. already delivered by
    /// another tab).
    async fn attempt(&self, item: OutboxItem, generation: u64) -> Option<Outcome> {
        let key = item.key;
        let store = match OutboxStore::open().await {
            Ok(store) => Some(store),
            Err(e) => {
                log_warning("opening the store failed", &e);
                None
            }
        };
        if let Some(store) = &store {
            // Another tab may have delivered (or the user discarded) it meanwhile.
            if let Ok(None) = store.get(key).await {
                self.outbox.try_update(|o| o.forget(key));
                return None;
            }
        }
        // On disk before the request leaves: a crash from here on is recognised at the next
        // start, which sends again with the same key.
        let started = now_ms();
        let began = self
            .outbox
            .try_update(|o| o.begin_send(key, started))
            .flatten();
        if let (Some(store), Some(change)) = (&store, &began) {
            if let Err(e) = store.apply(change).await {
                log_warning("marking an item as sending failed", &e);
            }
        }
        if let Some(store) = store {
            store.close();
        }

        // Files first: the post names their finished uploads.
        #[cfg_attr(not(feature = "send-media"), allow(unused_mut))]
        let mut item = item;
        #[cfg(not(feature = "send-media"))]
        if !item.is_uploaded() {
            // Never due here (see `empty_outbox`); a stale copy from another tab is skipped.
            return None;
        }
        #[cfg(feature = "send-media")]
        if !item.is_uploaded() {
            match self.upload_files(&item).await {
                Ok(uploaded) => item = uploaded,
                Err(None) => return None,
                Err(Some(outcome)) => {
                    let now = now_ms();
                    let mut settled = self
                        .outbox
                        .try_with_untracked(|o| o.get(key).cloned())
                        .flatten()
                        .unwrap_or_else(|| item.clone());
                    write(settle(&mut settled, &outcome, now)).await;
                    if self.with_inner(|i| i.generation) == Some(generation) {
                        self.outbox.try_update(|o| o.finish(key, &outcome, now));
                    }
                    return Some(outcome);
                }
            }
        }

        let client = self.session.client();
        let (result, retry_after_ms) = client
            .create_post(item.group_id, &item.new_post(), key)
            .await;
        // Offline, a failed request cannot have left the device (so it cannot post twice).
        let online = web_sys::window().is_none_or(|w| w.navigator().on_line());
        let outcome = classify(result, retry_after_ms, online);

        // The store is updated from the item as sent, whatever happened to the held copy
        // meanwhile (a logout clears it; the result must still be recorded).
        let now = now_ms();
        let mut settled = item.clone();
        settled.state = ItemState::Sending { since_ms: started };
        write(settle(&mut settled, &outcome, now)).await;
        if self.with_inner(|i| i.generation) == Some(generation) {
            self.outbox.try_update(|o| o.finish(key, &outcome, now));
        }
        if let Outcome::Sent(_) = &outcome {
            // The server has the files now.
            forget_files(item.author_id, &item.attachments).await;
        }
        if let Outcome::Sent(Some(post)) = &outcome {
            self.live.publish(&LiveEvent::PostCreated((**post).clone()));
            let subscribers: Vec<SentSubscriber> = self
                .with_inner(|i| i.sent_subscribers.iter().map(|(_, f)| f.clone()).collect())
                .unwrap_or_default();
            for f in subscribers {
                f(&item, post);
            }
        }
        Some(outcome)
    }

    #[cfg(feature = "send-media")]
    /// Uploads the files of `item` that are not up yet, one request at a time, recording each
    /// acknowledged step in the store (so a reload continues there). Returns the item with
    /// every upload finished; `Err(None)` when the item or a file was removed meanwhile (or the
    /// user logged out): nothing more to record; `Err(Some(outcome))` when an upload stopped.
    async fn upload_files(&self, item: &OutboxItem) -> Result<OutboxItem, Option<Outcome>> {
        let key = item.key;
        let client = self.session.client();
        let mut blob: Option<(Uuid, web_sys::Blob)> = None;
        loop {
            let Some(next) = self.outbox.try_with_untracked(|o| {
                o.get(key).map(|i| (i.clone(), o.next_upload(key).cloned()))
            }) else {
                return Err(None);
            };
            let Some((held, up)) = next else {
                return Err(None);
            };
            let Some(mut up) = up else {
                return Ok(held);
            };
            if blob.as_ref().map(|(id, _)| *id) != Some(up.blob_id) {
                match media_store::get_blob(item.author_id, up.blob_id).await {
                    Ok(Some(b)) => blob = Some((up.blob_id, b)),
                    // The file is gone from this device (storage cleared): it cannot be sent.
                    Ok(None) => {
                        return Err(Some(Outcome::Rejected {
                            code: tsunagu_api::ErrorCode::NotFound,
                            status: 404,
                        }))
                    }
                    Err(e) => {
                        log_warning("reading a file failed", &e);
                        return Err(Some(retry_outcome()));
                    }
                }
            }
            let Some((_, file)) = &blob else {
                return Err(None);
            };
            let progress = self.progress;
            let id = up.blob_id;
            let (step, reply) = upload::step(
                &client,
                item.group_id,
                item.timeline,
                &up,
                file,
                move |bytes| {
                    progress.try_update(|p| match p.iter_mut().find(|(i, _)| *i == id) {
                        Some(entry) => entry.1 = bytes,
                        None => p.push((id, bytes)),
                    });
                },
            )
            .await;
            let result = up.apply(&step, &reply);
            self.progress.try_update(|p| {
                p.retain(|(i, _)| *i != id);
                p.push((id, up.offset));
            });
            let Some(Some(change)) = self.outbox.try_update(|o| o.uploading(key, &up, now_ms()))
            else {
                return Err(None);
            };
            write(change).await;
            match result {
                Ok(()) => {}
                Err(Failure::Retry) => return Err(Some(retry_outcome())),
                Err(Failure::AuthLost) => return Err(Some(Outcome::AuthLost)),
                Err(Failure::Rejected { status, code }) => {
                    return Err(Some(Outcome::Rejected { code, status }))
                }
            }
        }
    }

    /// Sets the timer for the next item waiting for its retry time.
    fn schedule(&self) {
        let now = now_ms();
        let Some(at) = self
            .outbox
            .try_with_untracked(|o| o.next_wake(now))
            .flatten()
        else {
            return;
        };
        let this = *self;
        // A few milliseconds late rather than early: early would find nothing due.
        let wait = Duration::from_millis((at - now).max(0) as u64 + 10);
        let handle = set_timeout_with_handle(move || this.kick(), wait).ok();
        self.with_inner(|inner| {
            if let Some(old) = std::mem::replace(&mut inner.timer, handle) {
                old.clear();
            }
        });
    }
}

/// The outbox of this build: only the media build (feature `send-media`, its sending page)
/// uploads files; the others send the posts they can and leave those with files waiting to it.
fn empty_outbox() -> Outbox {
    if cfg!(feature = "send-media") {
        Outbox::new()
    } else {
        Outbox::leaving_files()
    }
}

#[cfg(feature = "send-media")]
/// A passing failure of an upload: its post was not requested, so it cannot have arrived.
fn retry_outcome() -> Outcome {
    Outcome::Retry {
        retry_after_ms: None,
        maybe_delivered: false,
    }
}

/// Removes the Blobs of `files` (sent, discarded or cancelled).
async fn forget_files(user: Uuid, files: &[PendingAttachment]) {
    let ids = files.iter().flat_map(PendingAttachment::blob_ids);
    if let Err(e) = media_store::delete_blobs(user, ids.collect::<Vec<_>>()).await {
        log_warning("removing files failed", &e);
    }
}

/// Creates the tab's outbox sender (needs the session and live contexts).
pub fn provide_outbox() -> OutboxCtx {
    let ctx = OutboxCtx {
        outbox: RwSignal::new(empty_outbox()),
        user: RwSignal::new(None),
        progress: RwSignal::new(Vec::new()),
        inner: StoredValue::new_local(Rc::default()),
        session: use_session(),
        live: use_live(),
    };
    provide_context(ctx);

    // (Re)load on every login, logout or change of user; `set_me` refreshing the same session
    // changes neither id nor token and is ignored.
    let session = ctx.session;
    Effect::new(move |previous: Option<(Option<Uuid>, Option<String>)>| {
        let current = (session.my_id(), session.token());
        if previous.as_ref() != Some(&current) {
            ctx.session_changed(current.0);
        }
        current
    });

    let online = window_event_listener_untyped("online", move |_| ctx.retry_now());
    // Background tabs get their timers throttled: catch up when the page is shown again.
    let visible = window_event_listener_untyped("visibilitychange", move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            ctx.kick();
        }
    });
    on_cleanup(move || {
        online.remove();
        visible.remove();
        ctx.with_inner(|inner| {
            inner.generation += 1;
            if let Some(t) = inner.timer.take() {
                t.clear();
            }
        });
    });
    ctx
}

/// The tab's outbox; panics when [`provide_outbox`] was not called above.
pub fn use_outbox() -> OutboxCtx {
    expect_context::<OutboxCtx>()
}

/// Asks the browser not to evict this origin's storage under pressure: unsent posts and drafts
/// live there. Best effort (browsers may decline or ignore it); asked once per page load, when
/// something unsent is first stored.
fn request_persistent_storage() {
    thread_local! {
        static ASKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if ASKED.with(|a| a.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(promise) = window.navigator().storage().persist() {
        spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        });
    }
}
