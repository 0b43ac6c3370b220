//! 通知: Web Push on this device.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tsunagu_api::ErrorCode;

use crate::api::Client;
use crate::i18n::{use_i18n, Msg};
use crate::push_device::{self, Support};
use crate::session::use_session;

/// The server's key to subscribe with and whether this device gets pushes now, or the reason
/// there can be no switch.
async fn load(client: Client) -> Result<(String, bool), Msg> {
    match push_device::support() {
        Support::NeedsHomeScreen => return Err(Msg::PushNeedsHomeScreen),
        Support::Unsupported => return Err(Msg::PushUnsupported),
        Support::Available => {}
    }
    let key = client.vapid_key().await.map_err(|e| {
        if e.code() == Some(ErrorCode::PushNotConfigured) {
            Msg::PushNotConfigured
        } else {
            Msg::PushFailed
        }
    })?;
    let on = match push_device::current().await {
        Some(sub) => client
            .push_status(sub.endpoint())
            .await
            .is_ok_and(|s| s.subscribed),
        None => false,
    };
    if !on && push_device::denied() {
        return Err(Msg::PushDenied);
    }
    Ok((key.public_key, on))
}

/// Turns pushes to this device on (the browser's permission, the push service, then the
/// server) or off (the server first: once it forgets the device nothing more is sent); the
/// state after, or why it could not change.
async fn switch(client: Client, key: String, turn_on: bool) -> Result<bool, Msg> {
    if !turn_on {
        let endpoint = push_device::current().await.map(|s| s.endpoint());
        client
            .delete_push_subscription(endpoint)
            .await
            .map_err(|_| Msg::PushFailed)?;
        push_device::unsubscribe().await;
        return Ok(false);
    }
    match push_device::subscribe(&key).await {
        Ok(sub) => match client.put_push_subscription(&sub).await {
            Ok(()) => Ok(true),
            Err(_) => {
                push_device::unsubscribe().await;
                Err(Msg::PushFailed)
            }
        },
        Err(None) if push_device::denied() => Err(Msg::PushDenied),
        Err(None) => Ok(false),
        Err(Some(_)) => Err(Msg::PushFailed),
    }
}

/// "通知": one switch, "この端末で通知を受け取る", which asks for the browser's permission,
/// subscribes with the push service and gives the subscription to the server. Says what a
/// notice holds (never the post), and why there is no switch when there cannot be one: no Web
/// Push in this browser, an iPhone or iPad outside the home-screen app, notifications refused
/// in the browser, none on this server.
#[component]
pub fn PushSetting() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let key = RwSignal::new(None::<String>);
    let on = RwSignal::new(false);
    let busy = RwSignal::new(true);
    let note = RwSignal::new(None::<Msg>);

    spawn_local(async move {
        match load(session.client()).await {
            Ok((k, now_on)) => {
                key.set(Some(k));
                on.set(now_on);
                busy.set(false);
            }
            Err(why) => note.set(Some(why)),
        }
    });
    let toggle = move |turn_on: bool| {
        let Some(k) = key.get_untracked() else { return };
        busy.set(true);
        note.set(None);
        let client = session.client();
        spawn_local(async move {
            match switch(client, k, turn_on).await {
                Ok(now_on) => on.set(now_on),
                Err(why) => {
                    on.set(false);
                    note.set(Some(why));
                }
            }
            busy.set(why_no_switch(note.get_untracked()));
        });
    };

    view! {
        <section class="push-setting" aria-labelledby="push-setting-title">
            <h2 class="push-setting__title" id="push-setting-title">
                {move || i18n.t(Msg::PushTitle)}
            </h2>
            <p class="push-setting__about">{move || i18n.t(Msg::PushAbout)}</p>
            <label class="push-setting__switch" hidden=move || key.with(Option::is_none)>
                <input
                    type="checkbox"
                    role="switch"
                    prop:checked=move || on.get()
                    disabled=move || busy.get()
                    on:change=move |ev| toggle(event_target_checked(&ev))
                />
                {move || i18n.t(Msg::PushOnThisDevice)}
            </label>
            <p class="push-setting__note" role="status">{move || note.get().map(|m| i18n.t(m))}</p>
        </section>
    }
}

/// Whether the switch stays disabled after `note`: a refusal in the browser is undone only in
/// its settings.
fn why_no_switch(note: Option<Msg>) -> bool {
    note == Some(Msg::PushDenied)
}
