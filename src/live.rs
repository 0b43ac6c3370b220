//! Live events: one Server-Sent Events stream per signed-in user (`GET /api/v1/events`), fanned
//! out to whoever subscribed (timelines, unread counts, the urgent banner).
//!
//! `provide_live` is called once in [`crate::Providers`]; components call [`use_live`] and
//! [`Live::subscribe`], which unsubscribes when the subscribing component is cleaned up.
//! [`Live::publish`] also lets the client feed its own results (a post it just sent) through the
//! same path, so every consumer merges them the same way.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use tsunagu_api::LiveEvent;

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
}

impl Live {
    fn new() -> Self {
        Self {
            subscribers: StoredValue::new_local(Rc::default()),
        }
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

/// Creates the app-wide [`Live`] handle.
pub fn provide_live() -> Live {
    let live = Live::new();
    provide_context(live);
    live
}

/// The app-wide [`Live`] handle.
pub fn use_live() -> Live {
    expect_context::<Live>()
}
