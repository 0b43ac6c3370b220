//! The recovery codes, shown once after two-step verification is turned on.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};

/// "回復コード": what they are for, and the codes, each once.
#[component]
pub fn RecoveryCodeList(
    /// The codes, shown this once.
    codes: Vec<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="two-factor__recovery" aria-labelledby="recovery-codes-title">
            <h2 class="two-factor__recovery-title" id="recovery-codes-title">
                {move || i18n.t(Msg::RecoveryCodesTitle)}
            </h2>
            <p>{move || i18n.t(Msg::RecoveryCodesHint)}</p>
            <ul class="two-factor__codes">
                {codes
                    .into_iter()
                    .map(|c| view! { <li class="two-factor__code"><code>{c}</code></li> })
                    .collect_view()}
            </ul>
        </section>
    }
}
