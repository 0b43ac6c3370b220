//! Live events: one Server-Sent Events stream per signed-in user (`GET /api/v1/events`), fanned
//! out to whoever subscribed (timelines, unread counts, the urgent banner).
//!
//! `provide_live` is called once in [`crate::Providers`]; components call [`use_live`] and
//! [`Live::subscribe`], which unsubscribes when the subscribing component is cleaned up.
//! [`Live::publish`] also lets the client feed its own results (a post it just sent) through the
//! same path, so every consumer merges them the same way.

pub mod backoff;
mod connection;

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use tsunagu_api::LiveEvent;

/// State of the connection to the event stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LiveStatus {
    /// Not connected and not trying: no session.
    #[default]
    Off,
    /// Opening the stream.
    Connecting,
    /// Receiving events.
    Open,
    /// The stream dropped or could not be opened; waiting to reconnect (events may be late).
    Reconnecting,
    /// The backend does not offer live events (`events` is not among its capabilities).
    Unavailable,
}

type Subscriber = Rc<dyn Fn(&LiveEvent)>;

#[derive(Default)]
struct Subscribers {
    next_id: u64,
    list: Vec<(u64, Subscriber)>,
}

/// Handle to the app-wide event fan-out. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Live {
    subscribers: StoredValue<Rc<RefCell<Subscribers>>, LocalStorage>,
    status: RwSignal<LiveStatus>,
    fresh_starts: RwSignal<u32>,
    idle_lock_seconds: RwSignal<u32>,
}

impl Live {
    fn new() -> Self {
        Self {
            subscribers: StoredValue::new_local(Rc::default()),
            status: RwSignal::new(LiveStatus::Off),
            fresh_starts: RwSignal::new(0),
            idle_lock_seconds: RwSignal::new(tsunagu_api::DEFAULT_IDLE_LOCK_SECONDS),
        }
    }

    /// The connection state (tracked).
    pub fn status(&self) -> LiveStatus {
        self.status.get()
    }

    /// How often a stream opened without resuming (`Last-Event-ID`), tracked. Events between
    /// a consumer's last load and such an opening were not delivered: when this changes,
    /// consumers that loaded data before catch up by loading again.
    pub fn fresh_starts(&self) -> u32 {
        self.fresh_starts.get()
    }

    /// Seconds without input after which the nurse's app locks its screen (0: never), tracked:
    /// what `GET /meta` said when the connection started, 15 minutes until it answered. The
    /// connection asks `/meta` anyway (whether there is an event stream), so this costs no
    /// request of its own.
    pub fn idle_lock_seconds(&self) -> u32 {
        self.idle_lock_seconds.get()
    }

    /// [`Live::fresh_starts`] without tracking.
    pub fn fresh_starts_untracked(&self) -> u32 {
        self.fresh_starts.get_untracked()
    }

    /// Calls `f` for every event from now on, until the current reactive owner is cleaned up.
    pub fn subscribe(&self, f: impl Fn(&LiveEvent) + 'static) {
        let Some(subs) = self.subscribers.try_get_value() else {
            return;
        };
        let id = {
            let mut s = subs.borrow_mut();
            s.next_id += 1;
            let id = s.next_id;
            s.list.push((id, Rc::new(f)));
            id
        };
        // The arena handle, not the `Rc`: cleanup callbacks must be `Send`.
        let store = self.subscribers;
        on_cleanup(move || {
            if let Some(subs) = store.try_get_value() {
                subs.borrow_mut().list.retain(|(i, _)| *i != id);
            }
        });
    }

    /// Delivers `event` to every subscriber.
    pub fn publish(&self, event: &LiveEvent) {
        let Some(subs) = self.subscribers.try_get_value() else {
            return;
        };
        // Clone the list first: a subscriber may subscribe or unsubscribe while handling.
        let list: Vec<Subscriber> = subs.borrow().list.iter().map(|(_, f)| f.clone()).collect();
        for f in list {
            f(event);
        }
    }
}

/// Creates the app-wide [`Live`] handle and, whenever a session exists, keeps the event stream
/// of that session connected (see `connection`). Call after `provide_session`.
pub fn provide_live() -> Live {
    let live = Live::new();
    provide_context(live);
    if let Some(session) = use_context::<crate::session::SessionCtx>() {
        connection::keep_connected(live, session);
    }
    live
}

/// The app-wide [`Live`] handle.
pub fn use_live() -> Live {
    expect_context::<Live>()
}
