//! The urgent posts I have not acknowledged, shared by the banner that loads and lists them and
//! the phone's bottom navigation that counts them.

use leptos::prelude::*;
use tsunagu_api::UrgentItem;

/// The list, as the banner last loaded it.
#[derive(Clone, Copy)]
struct UrgentItems(RwSignal<Vec<UrgentItem>>);

/// Provides the list to the page (with the other app-wide contexts).
pub fn provide_urgent_items() {
    provide_context(UrgentItems(RwSignal::new(Vec::new())));
}

/// The list.
pub fn use_urgent_items() -> RwSignal<Vec<UrgentItem>> {
    expect_context::<UrgentItems>().0
}
