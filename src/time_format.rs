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

/// How long ago `secs_ago` seconds is, as a value and unit of `Intl.RelativeTimeFormat`:
/// "今" under a minute (a server clock a little ahead counts too), minutes under an hour,
/// hours under a day; `None` beyond, where the date itself says more.
pub fn relative_step(secs_ago: i64) -> Option<(f64, &'static str)> {
    match secs_ago {
        -60..=59 => Some((0.0, "second")),
        60..=3599 => Some((-(secs_ago / 60) as f64, "minute")),
        3600..=86399 => Some((-(secs_ago / 3600) as f64, "hour")),
        _ => None,
    }
}

/// `t` relative to `now` ("3分前", "2時間前", "3 minutes ago"; "今" / "now"), or as
/// [`format_datetime`] when more than a day ago.
#[cfg(target_arch = "wasm32")]
pub fn format_ago(t: &DateTime<Utc>, now: &DateTime<Utc>, locale: Locale) -> String {
    use wasm_bindgen::JsValue;
    let Some((value, unit)) = relative_step((*now - *t).num_seconds()) else {
        return format_datetime(t, locale);
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"numeric".into(), &"auto".into());
    let locales = js_sys::Array::of1(&JsValue::from_str(locale.date_locale()));
    js_sys::Intl::RelativeTimeFormat::new(&locales, &options)
        .format(value, unit)
        .into()
}

/// `t` (native builds have no `Intl`: as [`format_datetime`]).
#[cfg(not(target_arch = "wasm32"))]
pub fn format_ago(t: &DateTime<Utc>, _now: &DateTime<Utc>, locale: Locale) -> String {
    format_datetime(t, locale)
}

/// Machine-readable value for `<time datetime>`.
pub fn datetime_attr(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::relative_step;

    #[test]
    fn recent_times_are_relative_and_older_ones_are_dates() {
        assert_eq!(relative_step(0), Some((0.0, "second")));
        assert_eq!(
            relative_step(-30),
            Some((0.0, "second")),
            "a clock a little ahead"
        );
        assert_eq!(relative_step(59), Some((0.0, "second")));
        assert_eq!(relative_step(180), Some((-3.0, "minute")));
        assert_eq!(relative_step(3599), Some((-59.0, "minute")));
        assert_eq!(relative_step(7200 + 1799), Some((-2.0, "hour")));
        assert_eq!(relative_step(86399), Some((-23.0, "hour")));
        assert_eq!(relative_step(86400), None);
        assert_eq!(relative_step(-3600), None, "far in the future: the date");
    }
}
