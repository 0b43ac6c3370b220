//! The @mention suggestions under the editor.

use leptos::prelude::*;

use super::mentions::Candidate;
use crate::i18n::{profession_label, use_i18n, Msg};

/// A listbox of the members matching the `@query` being typed (name and profession). Focus stays
/// in the text area, which points at the highlighted option with `aria-activedescendant`; a
/// click chooses without taking the focus away from the text.
#[component]
pub fn MentionList(
    /// `id` of the listbox; options get `{id}-{index}`.
    #[prop(into)]
    id: String,
    /// The suggestions, best first.
    options: Signal<Vec<Candidate>>,
    /// Index of the highlighted option.
    active: RwSignal<usize>,
    /// Called with the index of the chosen option.
    on_choose: Callback<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let option_prefix = id.clone();
    view! {
        <ul
            class="mention-list"
            role="listbox"
            id=id
            aria-label=move || i18n.t(Msg::ComposerMentionList)
        >
            {move || {
                options
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let selected = move || active.get() == i;
                        let profession = c.profession;
                        view! {
                            <li
                                role="option"
                                id=format!("{option_prefix}-{i}")
                                class=move || {
                                    if selected() {
                                        "mention-list__option mention-list__option--active"
                                    } else {
                                        "mention-list__option"
                                    }
                                }
                                aria-selected=move || selected().to_string()
                                on:mousedown=move |ev| {
                                    // Keep the focus (and the caret) in the text area.
                                    ev.prevent_default();
                                }
                                on:click=move |_| on_choose.run(i)
                            >
                                <span class="mention-list__name">{c.display_name}</span>
                                <span class="mention-list__profession">
                                    {move || profession_label(profession, i18n.locale())}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}
