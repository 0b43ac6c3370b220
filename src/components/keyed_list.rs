//! The app's one keyed list.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use leptos::prelude::*;
use uuid::Uuid;

/// An item of a [`KeyedList`]: what identifies it, and how to draw it.
#[derive(Clone)]
pub struct Row {
    key: (Uuid, u64),
    view: Arc<dyn Fn() -> AnyView + Send + Sync>,
}

impl Row {
    /// The item `id`, drawn by `view`; drawn again when `state` (a [`Row::state`] of what it
    /// shows that can change without the id changing) changes.
    pub fn new(id: Uuid, state: u64, view: impl Fn() -> AnyView + Send + Sync + 'static) -> Self {
        Self {
            key: (id, state),
            view: Arc::new(view),
        }
    }

    /// A hash of what an item shows, for [`Row::new`] (`0` when nothing changes without the id).
    pub fn state(shown: impl Hash) -> u64 {
        let mut hasher = DefaultHasher::new();
        shown.hash(&mut hasher);
        hasher.finish()
    }
}

/// A keyed list: an item whose key is unchanged keeps its DOM (and focus, open dialogs, what
/// is typed in it) when the list changes; others are created or removed. Every list of the app
/// goes through this one instance of Leptos's `<For>` instead of one per list, for size: each
/// instance of `<For>`, generic over its item and closures, cost ~5 KB of WebAssembly.
#[component]
pub fn KeyedList(
    /// The items, in order.
    #[prop(into)]
    rows: Signal<Vec<Row>>,
) -> impl IntoView {
    view! { <For each=move || rows.get() key=|row: &Row| row.key children=|row: Row| (row.view)()/> }
}
