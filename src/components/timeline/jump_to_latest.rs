//! The "最新へ" button shown while the reader is away from the newest posts.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};

/// A floating button named "最新へ" that jumps to the newest post; when unread posts wait
/// below, their count shows on it ("新着 3件", also its accessible description).
#[component]
pub fn JumpToLatest(
    /// Unread posts below what the reader has seen.
    #[prop(into)]
    count: Signal<usize>,
    /// Called when the reader asks to jump.
    on_jump: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let count_text = move || {
        i18n.t(Msg::NewBelow)
            .replace("{n}", &crate::i18n::group_digits(count.get()))
    };
    let has_count = move || count.get() > 0;
    view! {
        <button
            type="button"
            class="tl-jump"
            aria-describedby=move || has_count().then_some("tl-jump-count")
            on:click=move |_| on_jump.run(())
        >
            <span class="tl-jump__arrow" aria-hidden="true">"↓"</span>
            <span class="tl-jump__label">{move || i18n.t(Msg::JumpToLatest)}</span>
            <Show when=has_count>
                // Its description, not part of its name (which stays 最新へ).
                <span class="tl-jump__count" id="tl-jump-count" aria-hidden="true">
                    {count_text}
                </span>
            </Show>
        </button>
    }
}
