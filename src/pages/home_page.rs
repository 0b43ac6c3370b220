//! The home page: my groups, and the open group beside them.

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

use crate::components::group_list::{GroupList, GroupListRefresh};
use crate::components::require_session::RequireSession;

/// Two panes: the group list and the nested route (a hint, or an open group). From 768px wide
/// both panes are shown side by side; on phones only one: the list at `/`, the group elsewhere.
/// Requires a session.
#[component]
pub fn HomePage() -> impl IntoView {
    let location = use_location();
    provide_context(GroupListRefresh(RwSignal::new(0)));
    let class = move || {
        if location.pathname.with(|p| p.starts_with("/groups/")) {
            "layout layout--detail"
        } else {
            "layout"
        }
    };

    view! {
        <RequireSession>
            <div class=class>
                <div class="layout__list">
                    <GroupList/>
                </div>
                <div class="layout__detail">
                    <Outlet/>
                </div>
            </div>
        </RequireSession>
    }
}
