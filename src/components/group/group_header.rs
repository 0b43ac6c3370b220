//! The header of an open group.

use leptos::prelude::*;

use crate::app_part::link_rel;
use tsunagu_api::Group;

use crate::home_model::display_name;
use crate::i18n::{group_kind_label, member_count, use_i18n, Msg};

/// Back link (phones), the group name as the page heading, kind and member count, the link
/// "メンバー" to the members panel, "このグループを検索" (search with this group as scope) and
/// "写真・ファイル" (the group's media view, a build of its own).
#[component]
pub fn GroupHeader(
    /// The group.
    group: Group,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = group.kind;
    let members = group.member_count;
    let members_href = format!("/manage/groups/{}/members", group.id);
    let search_href = format!("/search?group={}", group.id);
    let media_href = format!("/media/groups/{}", group.id);
    view! {
        <div class="group-page__header">
            <a class="group-page__back" href="/" rel=link_rel("/")>
                {move || i18n.t(Msg::BackToGroups)}
            </a>
            <h1 class="group-page__title">{display_name(&group)}</h1>
            <span class="group-page__meta">
                <span class=format!(
                    "group-item__kind group-item__kind--{}",
                    kind.as_str(),
                )>{move || group_kind_label(kind, i18n.locale())}</span>
                <span>{move || member_count(members, i18n.locale())}</span>
            </span>
            <a
                class="button button--secondary group-page__members"
                href=members_href.clone()
                rel=link_rel(&members_href)
            >
                {move || i18n.t(Msg::Members)}
            </a>
            <a
                class="button button--secondary group-page__search"
                href=search_href.clone()
                rel=link_rel(&search_href)
            >
                {move || i18n.t(Msg::SearchThisGroup)}
            </a>
            <a
                class="button button--secondary group-page__media"
                href=media_href.clone()
                rel=link_rel(&media_href)
            >
                {move || i18n.t(Msg::GalleryTitle)}
            </a>
        </div>
    }
}
