//! The tabs switching between a patient group's timelines.

use leptos::prelude::*;
use tsunagu_api::Timeline;

use crate::i18n::labels::timeline_label;
use crate::i18n::{use_i18n, Msg};

/// A `tablist` with one tab per timeline ("ケア（専門職）", "家族と共有"); arrow keys move
/// between them.
#[component]
pub fn TimelineTabs(
    /// The timelines, in display order.
    timelines: Vec<Timeline>,
    /// The selected timeline.
    selected: RwSignal<Timeline>,
) -> impl IntoView {
    let i18n = use_i18n();
    let all = timelines.clone();
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let step: isize = match ev.key().as_str() {
            "ArrowRight" => 1,
            "ArrowLeft" => -1,
            _ => return,
        };
        ev.prevent_default();
        let n = all.len() as isize;
        let i = all
            .iter()
            .position(|t| *t == selected.get_untracked())
            .unwrap_or(0) as isize;
        selected.set(all[((i + step).rem_euclid(n)) as usize]);
    };
    view! {
        <div
            class="tabs"
            role="tablist"
            aria-label=move || i18n.t(Msg::Timelines)
            on:keydown=on_keydown
        >
            {timelines
                .into_iter()
                .map(|tl| {
                    let is_selected = move || selected.get() == tl;
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class="tabs__tab"
                            class:tabs__tab--selected=is_selected
                            id=format!("tab-{}", tl.as_str())
                            aria-controls=format!("timeline-{}", tl.as_str())
                            aria-selected=move || is_selected().to_string()
                            tabindex=move || if is_selected() { "0" } else { "-1" }
                            on:click=move |_| selected.set(tl)
                        >
                            {move || timeline_label(tl, i18n.locale())}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
