//! One section of the group list (patient groups, workplace groups or direct messages).

use leptos::prelude::*;
use tsunagu_api::{Group, GroupKind};

use super::group_list_item::GroupListItem;
use crate::components::keyed_list::{KeyedList, Row};
use crate::i18n::{use_i18n, Msg};

/// What a row shows that can change: a row is re-created only when its group's shown data
/// changed, so unchanged rows (and the link someone is clicking) stay in place on reloads.
fn row_state(g: &Group) -> impl std::hash::Hash + '_ {
    (
        &g.name,
        g.unread_count,
        g.mention_count,
        g.last_post
            .as_ref()
            .map(|p| (p.created_at, &p.excerpt, &p.author_name)),
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
                <KeyedList rows=Signal::derive(move || {
                    groups
                        .get()
                        .into_iter()
                        .map(|group| {
                            let state = Row::state(row_state(&group));
                            Row::new(group.id, state, move || {
                                view! { <GroupListItem group=group.clone()/> }.into_any()
                            })
                        })
                        .collect()
                })/>
            </ul>
        </section>
    }
}
