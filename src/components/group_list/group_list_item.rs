//! One group in the group list.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use tsunagu_api::Group;

use crate::i18n::{group_kind_label, member_count, use_i18n, Msg};
use crate::time_format::{datetime_attr, format_datetime};

/// A group as a link whose accessible name is exactly the group name; the kind, member count and
/// last post time sit beside it, and the whole row is the touch target.
#[component]
pub fn GroupListItem(
    /// The group to show.
    group: Group,
) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let href = format!("/groups/{}", group.id);
    let current = {
        let href = href.clone();
        move || (location.pathname.get() == href).then_some("page")
    };
    let kind = group.kind;
    let kind_class = format!("group-item__kind group-item__kind--{}", kind.as_str());
    let members = group.member_count;
    let last = group.last_post_at;

    view! {
        <li class="group-item">
            <a class="group-item__link" href=href aria-current=current>
                {group.name}
            </a>
            <span class="group-item__meta">
                <span class=kind_class>{move || group_kind_label(kind, i18n.locale())}</span>
                <span class="group-item__members">
                    {move || member_count(members, i18n.locale())}
                </span>
                {move || match last {
                    Some(t) => {
                        view! {
                            <time class="group-item__time" datetime=datetime_attr(&t)>
                                {i18n.t(Msg::LastPost)}
                                " "
                                {format_datetime(&t, i18n.locale())}
                            </time>
                        }
                            .into_any()
                    }
                    None => {
                        view! {
                            <span class="group-item__time group-item__time--none">
                                {i18n.t(Msg::NoPostsShort)}
                            </span>
                        }
                            .into_any()
                    }
                }}
            </span>
        </li>
    }
}
