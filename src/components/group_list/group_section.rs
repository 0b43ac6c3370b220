//! One section of the group list (patient groups, workplace groups or direct messages).

use leptos::prelude::*;
use tsunagu_api::{Group, GroupKind};

use super::group_list_item::GroupListItem;
use crate::i18n::{use_i18n, Msg};

/// What identifies a row's content: a row is re-created only when its group's shown data
/// changed, so unchanged rows (and the link someone is clicking) stay in place on reloads.
fn row_key(g: &Group) -> (uuid::Uuid, String, u32, u32, Option<String>, bool) {
    (
        g.id,
        g.name.clone(),
        g.unread_count,
        g.mention_count,
        g.last_post
            .as_ref()
            .map(|p| format!("{}{}{:?}", p.created_at, p.excerpt, p.author_name)),
        g.archived,
    )
}

/// A heading (患者グループ / 職場グループ / ダイレクトメッセージ) and its groups, in the given order.
#[component]
pub fn GroupSection(
    /// Which section.
    kind: GroupKind,
    /// Its groups, already sorted (replaced when the list reloads).
    #[prop(into)]
    groups: Signal<Vec<Group>>,
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
                <For each=move || groups.get() key=row_key let:group>
                    <GroupListItem group/>
                </For>
            </ul>
        </section>
    }
}
