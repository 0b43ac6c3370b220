//! The home page: my groups, and the open group beside them.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::components::group_list::{GroupList, GroupListRefresh};
use crate::components::home_nav::HomeNav;
use crate::components::require_session::RequireSession;

/// Two panes: the side panel (links and the group list) and the build's routes (a hint, an open
/// group, its members, the inbox, the directory, the new-group form or search). From 768px wide
/// both panes are shown side by side; on phones only one: the list at `/`, the group elsewhere.
/// Requires a session.
#[component]
pub fn HomePage(
    /// The build's routes, shown in the detail pane.
    children: ChildrenFn,
) -> impl IntoView {
    let location = use_location();
    provide_context(GroupListRefresh(RwSignal::new(0)));
    let class = move || {
        if location.pathname.with(|p| p != "/" && !p.is_empty()) {
            "layout layout--detail"
        } else {
            "layout"
        }
    };

    view! {
        <RequireSession>
            <div class=class>
                <div class="layout__list">
                    <HomeNav/>
                    <GroupList/>
                </div>
                <div class="layout__detail">
                    {children()}
                </div>
            </div>
        </RequireSession>
    }
}
