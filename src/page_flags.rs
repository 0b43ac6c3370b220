//! What the app says back to `public/page.js`, the page's service-worker script, by
//! window events: the app carries no service-worker bindings of its own.

use leptos::prelude::*;

/// Lets the waiting version take over; `page.js` reloads the page when it has.
pub fn apply_update() {
    if let Ok(event) = web_sys::Event::new("tsunagu:apply-update") {
        let _ = window().dispatch_event(&event);
    }
}
