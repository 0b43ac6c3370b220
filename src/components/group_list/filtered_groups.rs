//! The filter textbox and the group sections it narrows.

use leptos::prelude::*;
use tsunagu_api::Group;

use super::group_section::GroupSection;
use crate::home_model::{sections, SECTIONS};
use crate::i18n::{use_i18n, Msg};

/// A search box ("グループを絞り込み", matching name or kana as a substring, katakana and
/// hiragana alike) and the non-empty sections of `groups` that match it.
#[component]
pub fn FilteredGroups(
    /// The groups, in any order (replaced when the list reloads; the textbox stays).
    #[prop(into)]
    groups: Signal<Vec<Group>>,
    /// The filter text.
    filter: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let split = Memo::new(move |_| groups.with(|groups| sections(groups, &filter.get())));
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
            split
                .with(|s| s.iter().all(|(_, g)| g.is_empty()))
                .then(|| {
                    view! {
                        <p class="group-list__status" role="status">
                            {move || i18n.t(Msg::NoMatchingGroups)}
                        </p>
                    }
                })
        }}
        // One section per kind, kept mounted while the list reloads: rows whose group did not
        // change stay the same elements (a click on a link is never lost to a re-render).
        {SECTIONS
            .iter()
            .enumerate()
            .map(|(i, &kind)| {
                let groups = Memo::new(move |_| split.with(|s| s[i].1.clone()));
                view! {
                    <Show when=move || groups.with(|g| !g.is_empty())>
                        <GroupSection kind groups/>
                    </Show>
                }
            })
            .collect_view()}
    }
}
