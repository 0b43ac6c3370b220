//! Display of wire timestamps in Japan time, in the locale's own format.

use chrono::{DateTime, Utc};

use crate::i18n::Locale;

/// Time zone the timeline is shown in.
pub const DISPLAY_TIME_ZONE: &str = "Asia/Tokyo";

/// Formats `t` as a short local date and time, e.g. `2026/11/24 9:30` or
/// `Nov 24, 2026, 9:30 AM`, using the browser's `Intl` data.
#[cfg(target_arch = "wasm32")]
pub fn format_datetime(t: &DateTime<Utc>, locale: Locale) -> String {
    use wasm_bindgen::JsValue;
    let date = js_sys::Date::new(&JsValue::from_f64(t.timestamp_millis() as f64));
    let options = js_sys::Object::new();
    for (k, v) in [
        ("timeZone", DISPLAY_TIME_ZONE),
        ("dateStyle", "medium"),
        ("timeStyle", "short"),
    ] {
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    date.to_locale_string(locale.date_locale(), &options).into()
}

/// Formats `t` (native builds have no `Intl`: RFC 3339 in UTC).
#[cfg(not(target_arch = "wasm32"))]
pub fn format_datetime(t: &DateTime<Utc>, _locale: Locale) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Machine-readable value for `<time datetime>`.
pub fn datetime_attr(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
