//! What the operator hands to an approved facility's representative: the activation link.

use leptos::html::{Code, H2};
use leptos::prelude::*;
use tsunagu_api::{Approval, ACTIVATION_LINK_HOURS};
use wasm_bindgen::{JsCast, JsValue};

use crate::components::confirm_button::ConfirmButton;
use crate::components::qr_code::QrCode;
use crate::i18n::{use_i18n, Msg};
use crate::operator_model::{activation_url, with_number};
use crate::time_format::{datetime_attr, format_datetime};

/// This page's origin (`https://host:port`).
fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// `object.name(arg)` when `object` has such a method, for browser APIs the app's `web-sys`
/// features do not bind (the clipboard, the selection).
fn call_method(object: &JsValue, name: &str, arg: Option<&JsValue>) -> Option<JsValue> {
    let method: js_sys::Function = js_sys::Reflect::get(object, &JsValue::from_str(name))
        .ok()?
        .dyn_into()
        .ok()?;
    match arg {
        Some(arg) => method.call1(object, arg),
        None => method.call0(object),
    }
    .ok()
}

/// Selects `element`'s text and asks the browser to copy it (works outside HTTPS, where
/// `navigator.clipboard` is missing): the message to show, copied or only selected.
fn select_and_copy(element: &web_sys::Element) -> Msg {
    let Some(window) = web_sys::window() else {
        return Msg::LinkSelected;
    };
    if let Some(selection) = call_method(&window, "getSelection", None) {
        call_method(&selection, "selectAllChildren", Some(element));
    }
    let copied = window
        .document()
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|d| d.exec_command("copy").ok())
        .unwrap_or(false);
    if copied {
        Msg::Copied
    } else {
        Msg::LinkSelected
    }
}

/// Copies `text` with `navigator.clipboard`, or else selects `element` (which shows it) so the
/// operator can copy it by hand; sets `outcome` to what happened.
fn copy_link(text: String, element: web_sys::Element, outcome: RwSignal<Option<Msg>>) {
    let promise = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("clipboard")).ok())
        .filter(|c| !c.is_undefined() && !c.is_null())
        .and_then(|c| call_method(&c, "writeText", Some(&JsValue::from_str(&text))))
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
    match promise {
        Some(promise) => leptos::task::spawn_local(async move {
            let msg = match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => Msg::Copied,
                Err(_) => select_and_copy(&element),
            };
            outcome.set(Some(msg));
        }),
        None => outcome.set(Some(select_and_copy(&element))),
    }
}

/// "〇〇を承認しました": the activation link of the new facility administrator's account as
/// text (`.approval-result__url`, the whole URL) with "リンクをコピー", its QR code, the login
/// ID, the expiry ("72時間有効・1回限り"), that it is shown only this once and how to hand it
/// over. Takes the focus when it appears; closing it asks first.
#[component]
pub fn ApprovalResult(
    /// The approval as the server answered it.
    approval: Approval,
    /// The approved facility's name.
    facility_name: String,
    /// Called when the operator closes the panel.
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let url = activation_url(&origin(), &approval.activation.token);
    let expires = approval.activation.expires_at;
    let login_id = approval.activation.login_id.clone();
    let title_id = format!("approval-{}", approval.activation.user_id);
    let heading = NodeRef::<H2>::new();
    let url_ref = NodeRef::<Code>::new();
    let outcome = RwSignal::new(None::<Msg>);
    crate::effect::effect(move || {
        if let Some(el) = heading.get() {
            let _ = el.focus();
        }
    });
    let copy_url = url.clone();
    let copy = move |_| {
        if let Some(el) = url_ref.get_untracked() {
            copy_link(copy_url.clone(), el.into(), outcome);
        }
    };
    let qr_text = url.clone();

    let labelled_by = title_id.clone();
    view! {
        <section class="approval-result" aria-labelledby=labelled_by>
            <h2 class="approval-result__title" id=title_id tabindex="-1" node_ref=heading>
                {move || i18n.t(Msg::ApprovedTitle).replace("{name}", &facility_name)}
            </h2>
            <p class="approval-result__once">{move || i18n.t(Msg::ActivationShownOnce)}</p>
            <div class="approval-result__link">
                <p class="approval-result__label">{move || i18n.t(Msg::ActivationLink)}</p>
                <code class="approval-result__url" node_ref=url_ref>{url}</code>
                <div class="approval-result__copy">
                    <button type="button" class="button button--primary" on:click=copy>
                        {move || i18n.t(Msg::CopyLink)}
                    </button>
                    <button
                        type="button"
                        class="button button--secondary"
                        on:click=move |_| {
                            if let Some(w) = web_sys::window() {
                                let _ = w.print();
                            }
                        }
                    >
                        {move || i18n.t(Msg::PrintLink)}
                    </button>
                    <span class="approval-result__copied" role="status">
                        {move || outcome.get().map(|m| i18n.t(m))}
                    </span>
                </div>
            </div>
            <QrCode text=Signal::derive(move || qr_text.clone()) label=Msg::ActivationQr/>
            <dl class="approval-result__facts">
                <dt>{move || i18n.t(Msg::LoginId)}</dt>
                <dd class="approval-result__login-id">{login_id}</dd>
                <dt>{move || i18n.t(Msg::ExpiresAt)}</dt>
                <dd>
                    <time datetime=datetime_attr(&expires)>
                        {move || format_datetime(&expires, i18n.locale())}
                    </time>
                    {move || with_number(i18n.t(Msg::ActivationValidity), ACTIVATION_LINK_HOURS)}
                </dd>
            </dl>
            <p class="approval-result__hand-over">{move || i18n.t(Msg::ActivationHandOver)}</p>
            <ConfirmButton
                label=Msg::CloseApproval
                question=Msg::ConfirmCloseApproval
                on_confirm=on_close
            />
        </section>
    }
}
