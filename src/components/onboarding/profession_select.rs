//! The profession of a professional's account, chosen from the list (family is not one).

use leptos::prelude::*;
use tsunagu_api::Profession;

use crate::i18n::{profession_label, use_i18n, Msg};

/// "職種" as a labelled select of every profession but family, bound to `value`.
#[component]
pub fn ProfessionSelect(
    /// The select's `id`, which the label points at.
    id: &'static str,
    /// The profession chosen.
    value: RwSignal<Profession>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label class="field__label" for=id>{move || i18n.t(Msg::Profession)}</label>
            <select
                class="field__input"
                id=id
                on:change=move |ev| value.set(Profession::parse(&event_target_value(&ev)))
            >
                {Profession::ALL
                    .iter()
                    .filter(|&&p| p != Profession::Family)
                    .map(|&p| view! {
                        <option value=p.as_str() selected=move || value.get() == p>
                            {move || profession_label(p, i18n.locale())}
                        </option>
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
