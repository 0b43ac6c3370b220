//! The list of my groups ("マイグループ"), in sections, with a filter.

pub mod filtered_groups;
pub mod group_list_item;
pub mod group_section;

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;
use filtered_groups::FilteredGroups;

/// Bumped to make the group list reload (e.g. after sending a post changes the order).
#[derive(Debug, Clone, Copy)]
pub struct GroupListRefresh(pub RwSignal<u32>);

impl GroupListRefresh {
    /// Asks the list to reload.
    pub fn bump(&self) {
        self.0.update(|v| *v = v.wrapping_add(1));
    }
}

/// The "マイグループ" heading, the filter textbox ("グループを絞り込み") and the caller's groups
/// in sections (患者グループ / 職場グループ / ダイレクトメッセージ), latest activity first.
#[component]
pub fn GroupList() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let refresh = use_context::<GroupListRefresh>();
    // Kept here so a reload of the list keeps what was typed.
    let filter = RwSignal::new(String::new());
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
                Some(Ok(page)) => view! { <FilteredGroups groups=page.items filter/> }.into_any(),
            }}
        </section>
    }
}
