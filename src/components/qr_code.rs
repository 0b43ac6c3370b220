//! A QR code of a text, drawn as SVG.

use leptos::prelude::*;
use qrcode::render::svg;
use qrcode::QrCode as Code;

use crate::i18n::{use_i18n, Msg};

/// The SVG markup of a QR code of `text` with the accessible name `label` (`None` when the text
/// is too long for a QR code).
pub fn qr_svg(text: &str, label: &str) -> Option<String> {
    let code = Code::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    let start = svg.find("<svg")?;
    let label = label
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    Some(svg[start..].replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{label}\" class=\"qr__svg\""),
        1,
    ))
}

/// The QR code of `text` ("招待リンクのQRコード" by default), redrawn when the text or the
/// language changes.
#[component]
pub fn QrCode(
    /// What the code encodes.
    #[prop(into)]
    text: Signal<String>,
    /// Its accessible name.
    #[prop(optional)]
    label: Option<Msg>,
) -> impl IntoView {
    let i18n = use_i18n();
    let label = label.unwrap_or(Msg::InvitationQr);
    let markup = move || qr_svg(&text.get(), i18n.t(label)).unwrap_or_default();
    view! { <div class="qr" inner_html=markup></div> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_svg_has_its_accessible_name() {
        let svg = qr_svg("https://example.org/join/abc", "招待リンクのQRコード").unwrap();
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"招待リンクのQRコード\""));
        assert!(svg.ends_with("</svg>"));
    }
}
