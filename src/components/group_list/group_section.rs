//! One section of the group list (patient groups, workplace groups or direct messages).

use leptos::prelude::*;
use tsunagu_api::{Group, GroupKind};

use super::group_list_item::GroupListItem;
use crate::i18n::{use_i18n, Msg};

/// A heading (患者グループ / 職場グループ / ダイレクトメッセージ) and its groups, in the given order.
#[component]
pub fn GroupSection(
    /// Which section.
    kind: GroupKind,
    /// Its groups, already sorted.
    groups: Vec<Group>,
) -> impl IntoView {
    let i18n = use_i18n();
    let heading = match kind {
        GroupKind::Patient => Msg::PatientGroups,
        GroupKind::Workplace => Msg::WorkplaceGroups,
        GroupKind::Direct => Msg::DirectMessages,
    };
    let id = format!("group-section-{}", kind.as_str());
    let labelled_by = id.clone();
    view! {
        <section class="group-section" aria-labelledby=labelled_by>
            <h3 class="group-section__heading" id=id>
                {move || i18n.t(heading)}
            </h3>
            <ul class="group-list__items">
                {groups.into_iter().map(|group| view! { <GroupListItem group/> }).collect_view()}
            </ul>
        </section>
    }
}
