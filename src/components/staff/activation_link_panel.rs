//! A freshly issued activation link: the URL to copy, its QR code, when it expires.

use leptos::prelude::*;
use tsunagu_api::ActivationLink;
use wasm_bindgen::JsCast;

use crate::components::qr_code::QrCode;
use crate::i18n::{use_i18n, Msg};
use crate::time_format::{datetime_attr, format_datetime};

/// The full URL of an activation link on this server.
pub fn activation_url(origin: &str, token: &str) -> String {
    format!("{}/activate/{token}", origin.trim_end_matches('/'))
}

/// "有効化リンク（72時間・1回限り）": for whom, the URL in a readonly box with a copy button,
/// its QR code, when it expires, and that it is shown only here.
#[component]
pub fn ActivationLinkPanel(
    /// The link just issued.
    link: ActivationLink,
    /// Whom it is for, as shown.
    name: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let url = activation_url(&crate::app_part::page_origin(), &link.token);
    let copied = RwSignal::new(false);
    let input_ref = NodeRef::<leptos::html::Input>::new();
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
    let expires = link.expires_at;
    let qr_text = url.clone();
    let input_id = format!("activation-url-{}", link.user_id);
    view! {
        <section class="activation-link" aria-label=move || i18n.t(Msg::ActivationIssued)>
            <h3 class="activation-link__title">{move || i18n.t(Msg::ActivationIssued)}</h3>
            <p class="activation-link__who">{name} " (" {link.login_id} ")"</p>
            <div class="field">
                <label class="field__label" for=input_id.clone()>{move || i18n.t(Msg::ActivationIssued)}</label>
                <input
                    class="field__input activation-link__url"
                    id=input_id
                    type="text"
                    readonly
                    node_ref=input_ref
                    prop:value=url
                />
            </div>
            <button type="button" class="button button--secondary" on:click=copy>
                {move || i18n.t(Msg::CopyLink)}
            </button>
            <span role="status">{move || copied.get().then(|| i18n.t(Msg::Copied))}</span>
            <QrCode text=Signal::derive(move || qr_text.clone()) label=Msg::ActivationQr/>
            <p class="activation-link__expires">
                {move || i18n.t(Msg::ExpiresAt)}
                " "
                <time datetime=datetime_attr(&expires)>{move || format_datetime(&expires, i18n.locale())}</time>
            </p>
            <p class="activation-link__once" role="note">{move || i18n.t(Msg::ActivationShownOnce)}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::activation_url;

    #[test]
    fn the_link_is_the_activation_page_of_this_server() {
        assert_eq!(
            activation_url("https://tsunagu.example.jp/", "abc_123"),
            "https://tsunagu.example.jp/activate/abc_123"
        );
    }
}
