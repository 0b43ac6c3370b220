//! The "見ました" (acknowledge) button.

use std::sync::atomic::{AtomicU32, Ordering};

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::post_view::fill;

/// "見ました" as a toggle button that is pressed (`aria-pressed="true"`) once I acknowledged;
/// one tap acknowledges, pressing it again does nothing (an acknowledgement is not withdrawn).
/// With a count, the number shows beside the word and screen readers hear it as the button's
/// description ("3人が見ました").
#[component]
pub fn AckButton(
    /// Whether I acknowledged already.
    #[prop(into)]
    acked: Signal<bool>,
    /// How many acknowledged; not shown when absent.
    #[prop(optional, into)]
    count: Option<Signal<u32>>,
    /// While the acknowledgement is being sent.
    #[prop(into)]
    busy: Signal<bool>,
    /// Sends the acknowledgement.
    on_ack: Callback<()>,
) -> impl IntoView {
    static NEXT_ID: AtomicU32 = AtomicU32::new(0);
    let i18n = use_i18n();
    let desc_id = format!("ack-count-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let describedby = count.map(|_| desc_id.clone());
    let class = move || {
        if acked.get() {
            "button ack-button ack-button--pressed"
        } else {
            "button ack-button"
        }
    };
    view! {
        <button
            type="button"
            class=class
            aria-pressed=move || acked.get().to_string()
            aria-describedby=describedby
            aria-busy=move || busy.get().to_string()
            on:click=move |_| {
                if !acked.get_untracked() && !busy.get_untracked() {
                    on_ack.run(());
                }
            }
        >
            <span aria-hidden="true" class="ack-button__check">
                "✓"
            </span>
            {move || i18n.t(Msg::AckAction)}
            {count
                .map(|n| {
                    view! {
                        // The name is the visible word alone; the count is the description.
                        <span class="ack-button__count" aria-hidden="true">
                            {move || n.get()}
                        </span>
                        <span class="visually-hidden" aria-hidden="true" id=desc_id.clone()>
                            {move || {
                                fill(i18n.t(Msg::AckCountLong), &[("n", &n.get().to_string())])
                            }}
                        </span>
                    }
                })}
        </button>
    }
}
