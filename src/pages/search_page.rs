//! Searching posts (`/search?q=…&group=…`).

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use tsunagu_api::Group;
use uuid::Uuid;

use crate::api::{query, SearchQuery};
use crate::components::search::search_form::SearchForm;
use crate::components::search::search_results::SearchResults;
use crate::home_model::display_name;
use crate::i18n::{use_i18n, Msg};
use crate::post_view::{checked_query, QueryProblem};
use crate::session::use_session;

/// Most groups listed per request while collecting the scope options.
const GROUPS_PAGE: u32 = 100;

/// "検索": the form and, for the query in the URL (`?q=`, and `?group=` to search one group),
/// the results. The URL is the state, so a reload or a shared link shows the same search and
/// back / forward step through earlier searches.
#[component]
pub fn SearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // The router's own query, not `use_query_map`: under `FlatRoutes` that reads the matched
    // route's copy of the URL, which did not follow `?q=` changes of the same path (seen in
    // the browser test).
    let params = use_location().query;
    let navigate = use_navigate();
    let url_query = Memo::new(move |_| params.with(|p| p.get("q")).unwrap_or_default());
    let url_group = Memo::new(move |_| {
        params
            .with(|p| p.get("group"))
            .and_then(|g| Uuid::parse_str(&g).ok())
    });

    // Every group I belong to, for the scope select and for naming hits.
    let groups = crate::load::load(move || {
        let client = session.client();
        async move {
            let mut all: Vec<Group> = Vec::new();
            let mut cursor = None;
            loop {
                let Ok(page) = client.groups(Some(GROUPS_PAGE), cursor).await else {
                    break;
                };
                all.extend(page.items);
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            all
        }
    });
    let group_list = Signal::derive(move || groups.get().unwrap_or_default());
    let group_names = Signal::derive(move || {
        groups.with(|g| {
            g.map(|list| {
                list.iter()
                    .map(|g| (g.id, display_name(g)))
                    .collect::<HashMap<_, _>>()
            })
            .unwrap_or_default()
        })
    });

    let on_search = Callback::new(move |(q, group): (String, Option<Uuid>)| {
        let path = format!(
            "/search{}",
            query(&[("q", Some(q)), ("group", group.map(|g| g.to_string()))])
        );
        navigate(&path, NavigateOptions::default());
    });

    view! {
        <div class="search-page">
            <div class="group-page__header">
                <a class="group-page__back" href="/" rel=crate::app_part::link_rel("/")>
                    {move || i18n.t(Msg::BackToGroups)}
                </a>
                <h1 class="group-page__title">{move || i18n.t(Msg::SearchTitle)}</h1>
            </div>
            <SearchForm url_query url_group groups=group_list on_search/>
            {move || {
                let q = url_query.get();
                let group_id = url_group.get();
                match checked_query(&q) {
                    Ok(q) => {
                        view! { <SearchResults query=SearchQuery { q, group_id } group_names/> }
                            .into_any()
                    }
                    // Typed into the URL by hand: say why nothing is searched.
                    Err(QueryProblem::TooLong) => {
                        view! {
                            <p class="search-page__invalid" role="alert">
                                {move || i18n.t(Msg::SearchQueryTooLong)}
                            </p>
                        }
                            .into_any()
                    }
                    Err(QueryProblem::Empty) => ().into_any(),
                }
            }}
        </div>
    }
}
