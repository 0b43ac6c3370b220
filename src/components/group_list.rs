//! The list of my groups ("マイグループ"), in sections, with a filter.

pub mod filtered_groups;
pub mod group_list_item;
pub mod group_section;

use std::time::Duration;

use leptos::leptos_dom::helpers::{set_timeout_with_handle, TimeoutHandle};
use leptos::prelude::*;
use tsunagu_api::Group;

use crate::api::ApiError;
use crate::home_model::changes_group_list;
use crate::i18n::{use_i18n, Msg};
use crate::live::use_live;
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

/// Wait after a live event before reloading the list, so a burst of posts costs one request.
const REFRESH_DEBOUNCE: Duration = Duration::from_millis(600);

/// What the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListState {
    Loading,
    Failed(ApiError),
    Empty,
    Groups,
}

/// The "マイグループ" heading, the filter textbox ("グループを絞り込み") and the caller's groups
/// in sections (患者グループ / 職場グループ / ダイレクトメッセージ), latest activity first. The
/// list reloads (debounced) when live events change unread counts or order: new or deleted
/// posts, my own read marker moving, membership changes; reloading keeps the filter textbox
/// (and its focus) in place.
#[component]
pub fn GroupList() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let live = use_live();
    let refresh = use_context::<GroupListRefresh>();
    crate::clock::provide_clock();
    // Kept here so a reload of the list keeps what was typed.
    let filter = RwSignal::new(String::new());
    let groups = crate::load::load(move || {
        if let Some(r) = refresh {
            r.0.track();
        }
        let client = session.client();
        async move { client.groups(Some(tsunagu_api::MAX_PAGE_LIMIT), None).await }
    });

    let pending = StoredValue::new(None::<TimeoutHandle>);
    let schedule_refetch = move || {
        if pending.get_value().is_some() {
            return;
        }
        let h = set_timeout_with_handle(
            move || {
                pending.try_set_value(None);
                groups.refetch();
            },
            REFRESH_DEBOUNCE,
        );
        pending.set_value(h.ok());
    };
    on_cleanup(move || {
        if let Some(Some(h)) = pending.try_get_value() {
            h.clear();
        }
    });
    live.subscribe(move |event| {
        if changes_group_list(event, untrack(|| session.my_id())) {
            schedule_refetch();
        }
    });
    // The stream restarted without resuming: events may have been missed.
    let fresh_starts = StoredValue::new(live.fresh_starts_untracked());
    crate::effect::effect(move || {
        let n = live.fresh_starts();
        if n != fresh_starts.get_value() {
            fresh_starts.set_value(n);
            schedule_refetch();
        }
    });

    // The last list received stays shown while a newer one loads.
    let items = Memo::new(move |prev: Option<&Vec<Group>>| match groups.get() {
        Some(Ok(page)) => page.items,
        _ => prev.cloned().unwrap_or_default(),
    });
    // Also outside the list: the tab's title and the app's icon badge.
    crate::effect::effect(move || {
        crate::page_flags::show_unread(items.with(|gs| gs.iter().map(|g| g.unread_count).sum()));
    });
    let state = Memo::new(move |_| match groups.get() {
        None => ListState::Loading,
        Some(Err(err)) => ListState::Failed(err),
        Some(Ok(page)) if page.items.is_empty() => ListState::Empty,
        Some(Ok(_)) => ListState::Groups,
    });

    view! {
        <section class="group-list" aria-labelledby="group-list-heading">
            <h2 class="group-list__heading" id="group-list-heading">
                {move || i18n.t(Msg::MyGroups)}
            </h2>
            {move || match state.get() {
                ListState::Loading => {
                    view! { <p class="group-list__status">{move || i18n.t(Msg::Loading)}</p> }
                        .into_any()
                }
                ListState::Failed(err) => {
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
                ListState::Empty => {
                    view! { <p class="group-list__status">{move || i18n.t(Msg::NoGroups)}</p> }
                        .into_any()
                }
                ListState::Groups => {
                    view! { <FilteredGroups groups=Signal::from(items) filter/> }.into_any()
                }
            }}
        </section>
    }
}
