//! The QR code and the key of a two-step enrolment, as an authenticator app takes them.

use leptos::prelude::*;
use tsunagu_api::TwoFactorEnrolment;

use crate::i18n::{use_i18n, Msg};

/// The key in groups of four, as authenticator apps show what is typed.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The server's SVG as an image: an `<img>` never runs what an SVG may contain, whatever
/// backend the app talks to.
fn svg_data_url(svg: &str) -> String {
    let encoded = web_sys::window()
        .and_then(|w| w.btoa(svg).ok())
        .unwrap_or_default();
    format!("data:image/svg+xml;base64,{encoded}")
}

/// "Scan this": the QR code (an image named for screen readers) and the key to type instead.
#[component]
pub fn EnrolmentQr(
    /// The secret the server issued.
    enrolment: TwoFactorEnrolment,
) -> impl IntoView {
    let i18n = use_i18n();
    let qr = svg_data_url(&enrolment.qr_svg);
    let key = grouped(&enrolment.secret);
    view! {
        <p class="two-factor__intro">{move || i18n.t(Msg::TwoFactorScan)}</p>
        <img class="two-factor__qr" src=qr alt=move || i18n.t(Msg::TwoFactorQr)/>
        <p class="two-factor__key">
            <span class="two-factor__key-label">{move || i18n.t(Msg::TwoFactorKey)}</span>
            " "
            <code class="two-factor__key-value">{key}</code>
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn the_key_reads_in_groups_of_four() {
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
        assert_eq!(grouped(""), "");
    }
}
