//! Choosing one person of a profession from the directory.

use leptos::prelude::*;
use tsunagu_api::{DirectoryPerson, Profession};

use crate::components::directory::person_search::PersonSearch;
use crate::i18n::labels::PersonAction;
use crate::i18n::{use_i18n, Msg};

/// A fieldset titled `legend`: the chosen person with "選択を解除", or a directory search limited
/// to `profession` whose "選択" buttons choose.
#[component]
pub fn PersonPicker(
    /// Prefix of element ids.
    #[prop(into)]
    id: String,
    /// The fieldset's legend, e.g. 主治医.
    legend: Msg,
    /// Only people of this profession.
    profession: Profession,
    /// The chosen person.
    chosen: RwSignal<Option<DirectoryPerson>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let on_pick = Callback::new(move |p: DirectoryPerson| chosen.set(Some(p)));
    view! {
        <fieldset class="fieldset person-picker">
            <legend class="fieldset__legend">{move || i18n.t(legend)}</legend>
            {move || match chosen.get() {
                Some(p) => {
                    view! {
                        <p class="person-picker__chosen">
                            <span class="person-picker__name">{p.display_name}</span>
                            " "
                            <span>{p.facility.name}</span>
                            " "
                            <button
                                type="button"
                                class="button button--ghost"
                                on:click=move |_| chosen.set(None)
                            >
                                {move || i18n.t(Msg::ClearChoice)}
                            </button>
                        </p>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <PersonSearch
                            id=id.clone()
                            action_text=Msg::Choose
                            action=PersonAction::Choose
                            on_pick
                            profession
                        />
                    }
                        .into_any()
                }
            }}
        </fieldset>
    }
}
