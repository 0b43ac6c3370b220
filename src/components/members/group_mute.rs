//! このグループの通知: the per-group mute.

use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// A switch "このグループの通知を止める（至急は通知します）": the group sends the user no push
/// (and no e-mail) any more, except for urgent (至急) posts. Unread counts stay as they are.
#[component]
pub fn GroupMute(
    /// The group.
    group_id: Uuid,
    /// Whether the user muted it (from the group as fetched).
    muted: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let muted = RwSignal::new(muted);
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(None::<&'static str>);
    let change = move |to: bool| {
        busy.set(true);
        let client = session.client();
        spawn_local(async move {
            match client.set_group_mute(group_id, to).await {
                Ok(()) => {
                    muted.set(to);
                    failed.set(None);
                }
                Err(e) => failed.set(Some(i18n.api_error(&e))),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="group-mute">
            <label class="group-mute__switch">
                <input
                    type="checkbox"
                    role="switch"
                    prop:checked=move || muted.get()
                    disabled=move || busy.get()
                    on:change=move |ev| change(event_target_checked(&ev))
                />
                {move || i18n.t(Msg::GroupMute)}
            </label>
            <p class="group-mute__error" role="alert">{move || failed.get()}</p>
        </div>
    }
}
