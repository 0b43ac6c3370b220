//! Keeps the composer's text in the draft store: restored on mount, saved debounced while
//! typing and at once when the page is hidden or left, deleted once the text is safely in the
//! outbox. The draft key follows what the composer writes (a new post, or a reply to a post) and
//! starts with the user's id. Every edit is also copied synchronously to `sessionStorage`, so a
//! reload right after typing loses nothing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tsunagu_api::MAX_PAGE_LIMIT;

use crate::drafts::store::{
    clear, copy_to_session, load_draft, load_resumable, prune_stale, save_text,
};
use crate::drafts::{restored_text, DraftKey, PendingDraft, SAVE_DEBOUNCE_MS};
use crate::outbox::ReplyQuote;
use crate::session::use_session;

/// Stale drafts are pruned once per page load, by the first composer that mounts.
static PRUNED: AtomicBool = AtomicBool::new(false);

/// The shared state. Plain `Arc<Mutex>` rather than signals: the unmount flush runs while the
/// component's reactive values are being disposed.
struct State {
    /// Where the text belongs now.
    key: DraftKey,
    /// The quoted post when `key` is a reply's, stored with the draft.
    reply: Option<ReplyQuote>,
    pending: PendingDraft,
    timer: Option<TimeoutHandle>,
    /// The text last restored, typed or cleared, so an identical edit is not written again.
    synced: String,
}

/// The composer's link to its draft; see [`use_draft`].
#[derive(Clone)]
pub struct DraftSync {
    state: Arc<Mutex<State>>,
}

impl DraftSync {
    /// After `body` was sent: delete the draft at once, unless something new was typed
    /// meanwhile (that stays pending, or is already stored, as the draft). Works after unmount
    /// too, when the unmount flush has already stored the sent text.
    pub fn sent(&self, body: &str) {
        let mut s = lock(&self.state);
        s.pending.sent(body);
        if s.synced == body || s.synced.trim().is_empty() {
            s.synced.clear();
            s.pending.take();
            // Emptied in the session copy too, before a reload could bring the sent text back.
            copy_to_session(s.key, "", None);
            spawn_local(clear(s.key));
        }
    }

    /// The composer now writes something else (a reply to the post `reply` quotes, or no
    /// longer a reply): text on screen moves to the new key, and an empty editor gets the new
    /// key's draft.
    pub fn set_key(&self, key: DraftKey, reply: Option<ReplyQuote>, text: RwSignal<String>) {
        let (old, old_reply, pending) = {
            let mut s = lock(&self.state);
            if s.key == key {
                return;
            }
            if let Some(t) = s.timer.take() {
                t.clear();
            }
            let pending = s.pending.take();
            let old_reply = std::mem::replace(&mut s.reply, reply.clone());
            (std::mem::replace(&mut s.key, key), old_reply, pending)
        };
        let current = text.try_get_untracked().unwrap_or_default();
        if !current.trim().is_empty() {
            // The text belongs to the new key now; saved there first, then removed from the old
            // one, in one task so the order holds.
            lock(&self.state).synced.clone_from(&current);
            copy_to_session(key, &current, reply.as_ref());
            copy_to_session(old, "", None);
            spawn_local(async move {
                if save_text(key, current, reply).await.is_ok() {
                    clear(old).await;
                }
            });
            return;
        }
        let this = self.clone();
        spawn_local(async move {
            // An unsaved edit of the old key (e.g. the text was just emptied) is written first.
            if let Some(body) = pending {
                let _ = save_text(old, body, old_reply).await;
            }
            let stored = load_draft(key).await;
            let current = text.try_get_untracked().unwrap_or_default();
            let still = lock(&this.state).key == key;
            if let (true, Some(body)) = (still, restored_text(&current, stored.as_ref())) {
                lock(&this.state).synced.clone_from(&body);
                text.try_set(body);
            }
        });
    }

    /// Writes any unsaved text now (page hidden, left, or the composer unmounted).
    fn flush(&self) {
        let body = {
            let mut s = lock(&self.state);
            if let Some(t) = s.timer.take() {
                t.clear();
            }
            s.pending.take()
        };
        if let Some(body) = body {
            let (key, reply) = {
                let s = lock(&self.state);
                (s.key, s.reply.clone())
            };
            // Fire and forget: a failure is logged, and the text is still on screen.
            spawn_local(async move {
                let _ = save_text(key, body, reply).await;
            });
        }
    }

    /// Records an edit by the user: copies it to `sessionStorage` at once and (re)starts the
    /// debounce timer of the IndexedDB write. Called synchronously from the input event, not
    /// from an effect, so an unmount or a reload right after typing still keeps it.
    pub fn edited(&self, body: String) {
        let mut s = lock(&self.state);
        if s.synced == body {
            return;
        }
        s.synced.clone_from(&body);
        copy_to_session(s.key, &body, s.reply.as_ref());
        s.pending.edit(&body);
        if let Some(t) = s.timer.take() {
            t.clear();
        }
        let this = self.clone();
        s.timer = set_timeout_with_handle(
            move || this.flush(),
            Duration::from_millis(SAVE_DEBOUNCE_MS),
        )
        .ok();
    }
}

/// A poisoned lock only means an earlier panic; the state is still usable.
fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Connects `text` to the draft of `key`: restores it (unless something was typed first), saves
/// edits reported through [`DraftSync::edited`] after [`SAVE_DEBOUNCE_MS`] of quiet, and at once
/// on `pagehide`, when the page becomes hidden and when the composer unmounts (switching group
/// or tab). [`DraftSync::set_key`] moves it to another key. Also prunes stale drafts once per
/// page load.
///
/// On mount the timeline's most recent draft is resumed, a reply's included: then
/// `on_resume_reply` gets the quoted post (the composer shows it as the post being answered)
/// before the text is restored under the reply's key.
pub fn use_draft(
    key: DraftKey,
    text: RwSignal<String>,
    on_resume_reply: Callback<ReplyQuote>,
) -> DraftSync {
    let sync = DraftSync {
        state: Arc::new(Mutex::new(State {
            key,
            reply: None,
            pending: PendingDraft::default(),
            timer: None,
            synced: String::new(),
        })),
    };

    spawn_local({
        let sync = sync.clone();
        async move {
            let stored = load_resumable(key.user_id, key.group_id, key.timeline).await;
            let current = text.try_get_untracked().unwrap_or_default();
            // Nothing typed or chosen meanwhile (a 返信 pressed while loading changes the key).
            let still = lock(&sync.state).key == key;
            let Some(body) = still
                .then(|| restored_text(&current, stored.as_ref()))
                .flatten()
            else {
                return;
            };
            let reply = stored.and_then(|d| d.reply.map(|q| (d.key, q)));
            {
                let mut s = lock(&sync.state);
                if let Some((reply_key, quote)) = &reply {
                    s.key = *reply_key;
                    s.reply = Some(quote.clone());
                }
                s.synced.clone_from(&body);
            }
            if let Some((_, quote)) = reply {
                // `try_run`: the composer may have been unmounted while the store was read.
                on_resume_reply.try_run(quote);
            }
            text.try_set(body);
        }
    });

    let on_hide = {
        let sync = sync.clone();
        window_event_listener_untyped("visibilitychange", move |_| {
            let hidden = document().visibility_state() == web_sys::VisibilityState::Hidden;
            if hidden {
                sync.flush();
            }
        })
    };
    let on_pagehide = {
        let sync = sync.clone();
        window_event_listener_untyped("pagehide", move |_| sync.flush())
    };
    on_cleanup({
        let sync = sync.clone();
        move || {
            on_hide.remove();
            on_pagehide.remove();
            sync.flush();
        }
    });

    if !PRUNED.swap(true, Ordering::Relaxed) {
        let client = use_session().client();
        spawn_local(async move {
            // Only a complete list proves a group was left; otherwise prune by age alone.
            let groups = match client.groups(Some(MAX_PAGE_LIMIT), None).await {
                Ok(page) if page.next_cursor.is_none() => {
                    Some(page.items.iter().map(|g| g.id).collect())
                }
                _ => None,
            };
            prune_stale(key.user_id, groups).await;
        });
    }

    sync
}
