//! The list of my groups ("マイグループ").

pub mod group_list_item;

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;
use group_list_item::GroupListItem;

/// Bumped to make the group list reload (e.g. after sending a post changes the order).
#[derive(Debug, Clone, Copy)]
pub struct GroupListRefresh(pub RwSignal<u32>);

/// The "マイグループ" heading and the caller's groups, latest activity first, as links.
#[component]
pub fn GroupList() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let refresh = use_context::<GroupListRefresh>();
    let groups = LocalResource::new(move || {
        if let Some(r) = refresh {
            r.0.track();
        }
        let client = session.client();
        async move { client.groups(Some(tsunagu_api::MAX_PAGE_LIMIT), None).await }
    });

    view! {
        <section class="group-list" aria-labelledby="group-list-heading">
            <h2 class="group-list__heading" id="group-list-heading">
                {move || i18n.t(Msg::MyGroups)}
            </h2>
            {move || match groups.get() {
                None => {
                    view! { <p class="group-list__status">{move || i18n.t(Msg::Loading)}</p> }
                        .into_any()
                }
                Some(Err(err)) => {
                    view! {
                        <div class="group-list__error">
                            <p role="alert">{move || i18n.api_error(&err)}</p>
                            <button
                                type="button"
                                class="button button--secondary"
                                on:click=move |_| groups.refetch()
                            >
                                {move || i18n.t(Msg::Retry)}
                            </button>
                        </div>
                    }
                        .into_any()
                }
                Some(Ok(page)) if page.items.is_empty() => {
                    view! { <p class="group-list__status">{move || i18n.t(Msg::NoGroups)}</p> }
                        .into_any()
                }
                Some(Ok(page)) => {
                    view! {
                        <ul class="group-list__items">
                            {page
                                .items
                                .into_iter()
                                .map(|group| view! { <GroupListItem group/> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
