//! The search box and scope.

use leptos::prelude::*;
use tsunagu_api::Group;
use uuid::Uuid;

use crate::components::keyed_list::{KeyedList, Row};
use crate::home_model::display_name;
use crate::i18n::{use_i18n, Msg};
use crate::post_view::{checked_query, QueryProblem};

/// A search form: "検索語" (a search box), "検索する範囲" ("すべてのグループ" or one of my
/// groups) and "検索". The query is checked first (not empty, at most 100 characters, with a
/// translated message); a valid one is handed to `on_search`, which puts it into the URL. The
/// box follows the URL when it changes (back and forward).
#[component]
pub fn SearchForm(
    /// The query in the URL.
    #[prop(into)]
    url_query: Signal<String>,
    /// The group in the URL, if the search is limited to one.
    #[prop(into)]
    url_group: Signal<Option<Uuid>>,
    /// My groups, for the scope (empty while loading).
    #[prop(into)]
    groups: Signal<Vec<Group>>,
    /// Runs with a checked query and the chosen scope.
    on_search: Callback<(String, Option<Uuid>)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(url_query.get_untracked());
    let scope = RwSignal::new(url_group.get_untracked());
    let problem = RwSignal::new(None::<QueryProblem>);

    // Back / forward: the form shows what the URL says.
    crate::effect::effect(move || {
        text.set(url_query.get());
        problem.set(None);
    });
    crate::effect::effect(move || scope.set(url_group.get()));

    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        match checked_query(&text.get_untracked()) {
            Ok(q) => {
                problem.set(None);
                on_search.run((q, scope.get_untracked()));
            }
            Err(p) => problem.set(Some(p)),
        }
    };
    let message = move || {
        problem.get().map(|p| match p {
            QueryProblem::Empty => i18n.t(Msg::SearchQueryEmpty),
            QueryProblem::TooLong => i18n.t(Msg::SearchQueryTooLong),
        })
    };

    view! {
        <form class="search-form" role="search" on:submit=submit novalidate>
            <div class="field search-form__term">
                <label class="field__label" for="search-term">
                    {move || i18n.t(Msg::SearchTerm)}
                </label>
                <input
                    id="search-term"
                    class="field__input"
                    type="search"
                    autocomplete="off"
                    prop:value=move || text.get()
                    aria-invalid=move || problem.with(Option::is_some).to_string()
                    aria-describedby="search-term-error"
                    on:input=move |ev| text.set(event_target_value(&ev))
                />
                <p class="field__error" id="search-term-error" role="alert">
                    {message}
                </p>
            </div>
            <div class="field search-form__scope">
                <label class="field__label" for="search-scope">
                    {move || i18n.t(Msg::SearchScope)}
                </label>
                <select
                    id="search-scope"
                    class="field__input"
                    on:change=move |ev| {
                        scope.set(Uuid::parse_str(&event_target_value(&ev)).ok());
                    }
                >
                    <option value="" prop:selected=move || scope.get().is_none()>
                        {move || i18n.t(Msg::AllGroups)}
                    </option>
                    <KeyedList rows=Signal::derive(move || {
                        groups
                            .get()
                            .into_iter()
                            .map(|group| {
                                let id = group.id;
                                Row::new(id, 0, move || {
                                    view! {
                                        <option
                                            value=id.to_string()
                                            prop:selected=move || scope.get() == Some(id)
                                        >
                                            {display_name(&group)}
                                        </option>
                                    }
                                        .into_any()
                                })
                            })
                            .collect()
                    })/>
                </select>
            </div>
            <button type="submit" class="button button--primary search-form__submit">
                {move || i18n.t(Msg::SearchButton)}
            </button>
        </form>
    }
}
