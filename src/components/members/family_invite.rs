//! Inviting the patient's family through a one-time link.

use leptos::html::Input;
use leptos::prelude::*;
use tsunagu_api::{InvitationKind, InvitationLink, InvitationStatus};
use uuid::Uuid;
use wasm_bindgen::JsCast;

use super::use_members;
use crate::components::qr_code::QrCode;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;
use crate::time_format::{datetime_attr, format_datetime};

/// The link a person opens for an invitation token: `<origin>/join/<token>`.
pub fn join_url(origin: &str, token: &str) -> String {
    format!("{}/join/{token}", origin.trim_end_matches('/'))
}

/// "家族を招待": creates a family link and shows it in a readonly textbox ("招待リンク") with a
/// copy button, its QR code and expiry; lists the open links with "取り消す".
#[component]
pub fn FamilyInvite() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let ctx = use_members();
    let created = RwSignal::new(None::<InvitationLink>);
    let copied = RwSignal::new(false);
    let input_ref = NodeRef::<Input>::new();
    let links_reload = RwSignal::new(0u32);
    let reload_links = move || links_reload.update(|v| *v = v.wrapping_add(1));
    let links = crate::load::load(move || {
        links_reload.track();
        let client = session.client();
        async move { client.links(ctx.group_id).await }
    });
    let create = Action::new_local(move |_: &()| {
        let client = session.client();
        async move {
            match client
                .create_link(ctx.group_id, InvitationKind::Family)
                .await
            {
                Ok(link) => {
                    copied.set(false);
                    created.set(Some(link));
                    ctx.error.set(None);
                    reload_links();
                }
                Err(e) => ctx.failed(e),
            }
        }
    });
    let revoke = Action::new_local(move |id: &Uuid| {
        let client = session.client();
        let id = *id;
        async move {
            match client.revoke_link(ctx.group_id, id).await {
                Ok(()) => {
                    if created.with_untracked(|c| c.as_ref().is_some_and(|l| l.invitation.id == id))
                    {
                        created.set(None);
                    }
                    ctx.error.set(None);
                    reload_links();
                }
                Err(e) => ctx.failed(e),
            }
        }
    });
    let url = Signal::derive(move || {
        created.with(|c| {
            c.as_ref()
                .map(|l| join_url(&crate::app_part::page_origin(), &l.token))
                .unwrap_or_default()
        })
    });
    let copy = move |_| {
        if let Some(input) = input_ref.get_untracked() {
            input.select();
            let ok = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
                .and_then(|d| d.exec_command("copy").ok())
                .unwrap_or(false);
            copied.set(ok);
        }
    };

    view! {
        <section class="members__section" aria-labelledby="family-invite-heading">
            <h2 class="members__heading" id="family-invite-heading">
                {move || i18n.t(Msg::InviteFamily)}
            </h2>
            <button
                type="button"
                class="button button--primary"
                disabled=move || create.pending().get()
                on:click=move |_| {
                    create.dispatch(());
                }
            >
                {move || i18n.t(Msg::InviteFamily)}
            </button>
            {move || {
                created
                    .get()
                    .map(|link| {
                        let expires = link.invitation.expires_at;
                        view! {
                            <div class="invite-link">
                                <div class="field">
                                    <label class="field__label" for="invite-link-url">
                                        {move || i18n.t(Msg::InvitationLink)}
                                    </label>
                                    <input
                                        class="field__input"
                                        id="invite-link-url"
                                        type="text"
                                        readonly
                                        node_ref=input_ref
                                        prop:value=move || url.get()
                                    />
                                </div>
                                <button type="button" class="button button--secondary" on:click=copy>
                                    {move || i18n.t(Msg::Copy)}
                                </button>
                                <span role="status">
                                    {move || copied.get().then(|| i18n.t(Msg::Copied))}
                                </span>
                                <QrCode text=url/>
                                {expires
                                    .map(|t| {
                                        view! {
                                            <p class="invite-link__expiry">
                                                {move || i18n.t(Msg::ExpiresAt)}
                                                " "
                                                <time datetime=datetime_attr(&t)>
                                                    {move || format_datetime(&t, i18n.locale())}
                                                </time>
                                            </p>
                                        }
                                    })}
                            </div>
                        }
                    })
            }}
            {move || {
                links
                    .get()
                    .and_then(Result::ok)
                    .map(|list| {
                        let open: Vec<_> = list
                            .items
                            .into_iter()
                            .filter(|i| i.status == InvitationStatus::Open)
                            .collect();
                        (!open.is_empty())
                            .then(|| {
                                view! {
                                    <h3 class="members__subheading">
                                        {move || i18n.t(Msg::OpenLinks)}
                                    </h3>
                                    <ul class="members__list">
                                        {open
                                            .into_iter()
                                            .map(|inv| {
                                                let id = inv.id;
                                                let t = inv.expires_at.unwrap_or(inv.created_at);
                                                view! {
                                                    <li class="member-row">
                                                        <span>
                                                            {move || i18n.t(Msg::ExpiresAt)}
                                                            " "
                                                            <time datetime=datetime_attr(&t)>
                                                                {move || format_datetime(&t, i18n.locale())}
                                                            </time>
                                                        </span>
                                                        <button
                                                            type="button"
                                                            class="button button--secondary"
                                                            on:click=move |_| {
                                                                revoke.dispatch(id);
                                                            }
                                                        >
                                                            {move || i18n.t(Msg::Revoke)}
                                                        </button>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                            })
                    })
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_urls() {
        assert_eq!(
            join_url("https://a.example/", "tok"),
            "https://a.example/join/tok"
        );
    }
}
