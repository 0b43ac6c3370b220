//! The importance of the post being written.

use leptos::prelude::*;
use tsunagu_api::Importance;

use crate::i18n::{use_i18n, Msg};

/// The label of an importance in the composer.
pub fn importance_msg(importance: Importance) -> Msg {
    match importance {
        Importance::Normal => Msg::ComposerImportanceNormal,
        Importance::Important => Msg::ComposerImportanceImportant,
        Importance::Urgent => Msg::ComposerImportanceUrgent,
    }
}

/// A labelled select 「重要度」 with 通常 / 重要 / 至急, bound to `value`.
#[component]
pub fn ImportanceSelect(
    /// The importance chosen.
    value: RwSignal<Importance>,
    /// `id` of the select, for its label.
    #[prop(into)]
    id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let options = [
        Importance::Normal,
        Importance::Important,
        Importance::Urgent,
    ]
    .into_iter()
    .map(|imp| {
        view! {
            <option value=imp.as_str() selected=move || value.get() == imp>
                {move || i18n.t(importance_msg(imp))}
            </option>
        }
    })
    .collect_view();
    view! {
        <span class="composer__importance">
            <label class="composer__importance-label" for=id.clone()>
                {move || i18n.t(Msg::ComposerImportance)}
            </label>
            <select
                id=id
                class=move || format!("composer__importance-select composer__importance-select--{}", value.get().as_str())
                prop:value=move || value.get().as_str()
                on:change=move |ev| {
                    if let Some(imp) = Importance::parse(&event_target_value(&ev)) {
                        value.set(imp);
                    }
                }
            >
                {options}
            </select>
        </span>
    }
}
