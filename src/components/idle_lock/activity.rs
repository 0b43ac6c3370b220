//! The idle lock's watch on this tab: input listened to passively on the window (capturing, so
//! scrolling inside the timeline counts too), and one timer set to the deadline, which asks the
//! clock again when it fires — input in between only moved the deadline, it sets no timer. A
//! page shown again asks at once: timers of hidden pages are throttled, and a phone asleep runs
//! none, so a page hidden longer than the limit locks as it is shown.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::idle_lock::{Due, IdleClock};

/// What counts as someone using the tab.
const INPUT_EVENTS: [&str; 6] = [
    "pointerdown",
    "pointermove",
    "keydown",
    "touchstart",
    "wheel",
    "scroll",
];

struct Watch {
    clock: IdleClock,
    timer: Option<TimeoutHandle>,
    /// Locked: no timer until unlocked.
    locked: bool,
    on_idle: Callback<()>,
}

/// Calls `on_idle` once the tab has had no input for `limit()` seconds (tracked; 0: never),
/// counting from now. While `locked()` (tracked) nothing is timed; unlocking counts as input.
pub fn watch_activity(
    limit: impl Fn() -> u32 + 'static,
    locked: impl Fn() -> bool + 'static,
    on_idle: Callback<()>,
) {
    let now = js_sys::Date::now();
    let watch = Rc::new(RefCell::new(Watch {
        clock: IdleClock::new(limit(), now),
        timer: None,
        locked: true,
        on_idle,
    }));

    let input = {
        let watch = watch.clone();
        Closure::<dyn Fn()>::new(move || watch.borrow_mut().clock.input(js_sys::Date::now()))
    };
    let shown = {
        let watch = watch.clone();
        Closure::<dyn Fn()>::new(move || check(&watch))
    };
    let listening = web_sys::AbortController::new().ok();
    if let (Some(window), Some(listening)) = (web_sys::window(), &listening) {
        let options = web_sys::AddEventListenerOptions::new();
        options.set_passive(true);
        options.set_capture(true);
        options.set_signal(&listening.signal());
        for name in INPUT_EVENTS {
            let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
                name,
                input.as_ref().unchecked_ref(),
                &options,
            );
        }
        let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
            "visibilitychange",
            shown.as_ref().unchecked_ref(),
            &options,
        );
    }

    let effect_watch = watch.clone();
    crate::effect::effect(move || {
        let limit = limit();
        let locked = locked();
        {
            let mut w = effect_watch.borrow_mut();
            w.clock.set_limit(limit);
            if w.locked && !locked {
                w.clock.input(js_sys::Date::now());
            }
            w.locked = locked;
        }
        check(&effect_watch);
    });

    let parts = SendWrapper::new((watch, input, shown, listening));
    on_cleanup(move || {
        if !parts.valid() {
            return;
        }
        let (watch, _input, _shown, listening) = parts.take();
        if let Some(listening) = listening {
            listening.abort();
        }
        if let Some(timer) = watch.borrow_mut().timer.take() {
            timer.clear();
        }
        watch.borrow_mut().locked = true;
    });
}

/// Asks the clock: locks, or sets the one timer to the deadline.
fn check(watch: &Rc<RefCell<Watch>>) {
    let mut w = watch.borrow_mut();
    if let Some(timer) = w.timer.take() {
        timer.clear();
    }
    if w.locked {
        return;
    }
    match w.clock.due(js_sys::Date::now()) {
        Due::Never => {}
        Due::In(ms) => {
            let again = watch.clone();
            w.timer = set_timeout_with_handle(
                move || check(&again),
                Duration::from_millis(ms.ceil() as u64),
            )
            .ok();
        }
        Due::Lock => {
            w.locked = true;
            let on_idle = w.on_idle;
            drop(w);
            on_idle.run(());
        }
    }
}
