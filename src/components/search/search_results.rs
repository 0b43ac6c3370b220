//! The results of one search.

use std::collections::HashMap;

use leptos::prelude::*;
use tsunagu_api::SearchHit;
use uuid::Uuid;

use super::search_hit::SearchHitItem;
use crate::api::{ApiError, SearchQuery};
use crate::components::keyed_list::{KeyedList, Row};
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// Hits per page.
const PAGE_SIZE: u32 = 20;

/// Runs `query` and lists the hits newest first, with "さらに読み込む" while the server has
/// more (keyset cursor) and "見つかりませんでした" when there are none. Errors are shown
/// translated with a retry; loaded hits stay.
#[component]
pub fn SearchResults(
    /// The checked query and scope.
    query: SearchQuery,
    /// Names of my groups as I see them, by id (hits of direct messages carry no name).
    #[prop(into)]
    group_names: Signal<HashMap<Uuid, String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let hits = RwSignal::new(Vec::<SearchHit>::new());
    let next = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let q = StoredValue::new(query);

    let load = Action::new_local(move |cursor: &Option<String>| {
        let client = session.client();
        let cursor = cursor.clone();
        let query = q.get_value();
        async move {
            match client.search(&query, PAGE_SIZE, cursor).await {
                Ok(page) => {
                    error.set(None);
                    hits.update(|h| {
                        for hit in page.items {
                            if !h.iter().any(|x| x.post.id == hit.post.id) {
                                h.push(hit);
                            }
                        }
                    });
                    next.set(page.next_cursor);
                    loaded.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    load.dispatch(None);
    let busy = load.pending();

    let more = move |_| {
        if !busy.get_untracked() {
            load.dispatch(next.get_untracked());
        }
    };
    let retry = move |_| {
        if !busy.get_untracked() {
            load.dispatch(next.get_untracked().filter(|_| loaded.get_untracked()));
        }
    };
    let query_text = StoredValue::new(q.with_value(|q| q.q.clone()));

    view! {
        <section class="search-results" aria-busy=move || busy.get().to_string()>
            <Show when=move || busy.get() && !loaded.get()>
                <p class="search-results__status">{move || i18n.t(Msg::Loading)}</p>
            </Show>
            <p class="search-results__status" role="status">
                {move || {
                    (loaded.get() && hits.with(Vec::is_empty)).then(|| i18n.t(Msg::NothingFound))
                }}
            </p>
            <Show when=move || !hits.with(Vec::is_empty)>
                <ol class="search-results__list" aria-label=move || i18n.t(Msg::SearchResults)>
                    <KeyedList rows=Signal::derive(move || {
                        hits.get()
                            .into_iter()
                            .map(|hit| {
                                Row::new(hit.post.id, 0, move || {
                                    let name = group_names
                                        .with(|m| m.get(&hit.group_id).cloned())
                                        .filter(|n| !n.is_empty())
                                        .unwrap_or_else(|| hit.group_name.clone());
                                    view! {
                                        <SearchHitItem
                                            hit=hit.clone()
                                            group_name=name
                                            query=query_text.get_value()
                                        />
                                    }
                                        .into_any()
                                })
                            })
                            .collect()
                    })/>
                </ol>
            </Show>
            {move || {
                error
                    .get()
                    .map(|err| {
                        view! {
                            <div class="search-results__error">
                                <p role="alert">{move || i18n.api_error(&err)}</p>
                                <button type="button" class="button button--secondary" on:click=retry>
                                    {move || i18n.t(Msg::Retry)}
                                </button>
                            </div>
                        }
                    })
            }}
            <Show when=move || next.with(Option::is_some) && error.with(Option::is_none)>
                <button
                    type="button"
                    class="button button--secondary search-results__more"
                    disabled=move || busy.get()
                    on:click=more
                >
                    {move || i18n.t(Msg::LoadMore)}
                </button>
            </Show>
        </section>
    }
}
