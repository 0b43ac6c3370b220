//! The confidentiality pledge to read, and the box that accepts it.

use leptos::prelude::*;
use tsunagu_api::Pledge;

use crate::i18n::{use_i18n, Msg};

/// "連携守秘誓約書（第N版）": the text in a scrollable region a keyboard can reach, and the
/// checkbox that accepts this version.
#[component]
pub fn PledgeBox(
    /// The pledge in force.
    pledge: Pledge,
    /// Whether the person accepted it.
    accepted: RwSignal<bool>,
    /// The checkbox's `id` (unique on the page).
    id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let version = pledge.version;
    view! {
        <section class="pledge" aria-labelledby="pledge-title">
            <h2 class="pledge__title" id="pledge-title">
                {move || i18n.t(Msg::PledgeTitle)}
                " ("
                {move || i18n.t(Msg::PledgeVersion).replace("{n}", &version.to_string())}
                ")"
            </h2>
            <div class="pledge__text" tabindex="0" role="document" aria-labelledby="pledge-title">
                {pledge.text}
            </div>
            <label class="pledge__accept">
                <input
                    type="checkbox"
                    id=id
                    prop:checked=move || accepted.get()
                    on:change=move |ev| accepted.set(event_target_checked(&ev))
                />
                " "
                {move || i18n.t(Msg::PledgeAccept)}
            </label>
        </section>
    }
}
