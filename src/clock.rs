//! A clock for relative times ("3分前"): one signal ticking once a minute, shared by the
//! views that show them.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// The current time, moved on every minute.
#[derive(Debug, Clone, Copy)]
pub struct Clock(RwSignal<DateTime<Utc>>);

impl Clock {
    /// Now (tracked: the caller re-runs each minute).
    pub fn now(&self) -> DateTime<Utc> {
        self.0.get()
    }
}

/// Starts the clock for the views below (stopped when the owner is cleaned up).
pub fn provide_clock() {
    let now = RwSignal::new(Utc::now());
    if let Ok(h) = set_interval_with_handle(
        move || now.set(Utc::now()),
        std::time::Duration::from_secs(60),
    ) {
        on_cleanup(move || h.clear());
    }
    provide_context(Clock(now));
}

/// The clock of [`provide_clock`]; a clock standing at this moment where none was provided.
pub fn use_clock() -> Clock {
    use_context().unwrap_or_else(|| Clock(RwSignal::new(Utc::now())))
}
