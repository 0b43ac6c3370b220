//! The filter textbox and the group sections it narrows.

use leptos::prelude::*;
use tsunagu_api::Group;

use super::group_section::GroupSection;
use crate::home_model::sections;
use crate::i18n::{use_i18n, Msg};

/// A search box ("グループを絞り込み", matching name or kana as a substring, katakana and
/// hiragana alike) and the non-empty sections of `groups` that match it.
#[component]
pub fn FilteredGroups(
    /// The groups, in any order.
    groups: Vec<Group>,
    /// The filter text.
    filter: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="group-list__filter">
            <label class="visually-hidden" for="group-filter">
                {move || i18n.t(Msg::FilterGroups)}
            </label>
            <input
                class="field__input group-list__filter-input"
                id="group-filter"
                type="search"
                placeholder=move || i18n.t(Msg::FilterGroups)
                prop:value=move || filter.get()
                on:input=move |ev| filter.set(event_target_value(&ev))
            />
        </div>
        {move || {
            let split = sections(&groups, &filter.get());
            let none = split.iter().all(|(_, g)| g.is_empty());
            view! {
                {none
                    .then(|| {
                        view! {
                            <p class="group-list__status" role="status">
                                {move || i18n.t(Msg::NoMatchingGroups)}
                            </p>
                        }
                    })}
                {split
                    .into_iter()
                    .filter(|(_, g)| !g.is_empty())
                    .map(|(kind, groups)| view! { <GroupSection kind groups/> })
                    .collect_view()}
            }
        }}
    }
}
