//! The "重要・至急のみ" toggle of the timeline header.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};

/// A toggle button "重要・至急のみ" (`aria-pressed`): when on, the timeline shows only
/// important and urgent posts.
#[component]
pub fn ImportanceFilter(
    /// Whether the filter is on.
    #[prop(into)]
    on: Signal<bool>,
    /// Called with the new state when the reader toggles it.
    on_change: Callback<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="button"
            class="tl-filter"
            class:tl-filter--on=move || on.get()
            aria-pressed=move || on.get().to_string()
            on:click=move |_| on_change.run(!on.get_untracked())
        >
            {move || i18n.t(Msg::ImportantOnly)}
        </button>
    }
}
