//! The posts of one timeline that wait in the outbox, shown right above the editor.

use leptos::prelude::*;
use tsunagu_api::Timeline;
use uuid::Uuid;

use super::outbox_entry::OutboxEntry;
use crate::components::keyed_list::{KeyedList, Row};
use crate::i18n::{use_i18n, Msg};
use crate::outbox::{use_outbox, ItemState, NewItem};

/// The current user's outbox items of `timeline` in `group_id`, oldest first, like posts at the
/// end of the timeline: 「送信待ち」, 「送信中…」, or — refused by the server — the reason with
/// 編集 and 破棄. Nothing is rendered while the outbox of this timeline is empty.
#[component]
pub fn OutboxList(
    /// The group.
    group_id: Uuid,
    /// The timeline (`None`: the group's default).
    timeline: Option<Timeline>,
    /// Called with the content of a refused item the user wants to change (the item is already
    /// removed from the outbox).
    on_edit: Callback<NewItem>,
) -> impl IntoView {
    let i18n = use_i18n();
    let outbox = use_outbox();
    let items = Memo::new(move |_| outbox.items_of(group_id, timeline));
    move || {
        (!items.with(Vec::is_empty)).then(|| {
            view! {
                <ul class="outbox" aria-label=move || i18n.t(Msg::OutboxList)>
                    <KeyedList rows=Signal::derive(move || {
                        items
                            .get()
                            .into_iter()
                            .map(|item| {
                                let key = item.key;
                                // Re-rendered when its state changes (queued → sending → rejected).
                                Row::new(key, Row::state(item.state), move || {
                                    let on_edit_item = Callback::new(move |()| {
                                        if let Some(content) = outbox.edit(key) {
                                            on_edit.run(content);
                                        }
                                    });
                                    let on_discard = Callback::new(move |()| outbox.discard(key));
                                    view! {
                                        <OutboxEntry item=item.clone() on_edit=on_edit_item on_discard/>
                                    }
                                        .into_any()
                                })
                            })
                            .collect()
                    })/>
                </ul>
            }
        })
    }
}

/// Whether some queued item of `items` has failed at least once (so the user is told it will
/// be retried).
pub fn any_waiting_for_retry(items: &[crate::outbox::OutboxItem]) -> bool {
    items
        .iter()
        .any(|i| i.state == ItemState::Queued && i.attempts > 0)
}
