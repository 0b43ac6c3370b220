//! What the app says back to `public/page.js`, the page's service-worker script, by
//! window events and attributes: the app carries no service-worker or badge bindings of its
//! own.

use leptos::prelude::*;

/// Lets the waiting version take over; `page.js` reloads the page when it has.
pub fn apply_update() {
    if let Ok(event) = web_sys::Event::new("tsunagu:apply-update") {
        let _ = window().dispatch_event(&event);
    }
}

/// The unread total of my groups, which `page.js` shows in the tab's title and on the
/// installed app's icon.
pub fn show_unread(total: u32) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-unread", &total.to_string());
    }
}
