//! The API base URL setting: empty means the app's own origin.

use crate::storage;

/// `localStorage` key of the API base URL setting (empty or absent: same origin).
pub const API_BASE_KEY: &str = "tsunagu.api_base";

/// Normalises a base URL setting: trimmed, without trailing slashes; empty means same origin.
pub fn normalize_base(s: &str) -> String {
    s.trim().trim_end_matches('/').to_owned()
}

/// The API base URL: the stored setting, or `""` (same origin).
pub fn api_base() -> String {
    storage::get(API_BASE_KEY)
        .map(|s| normalize_base(&s))
        .unwrap_or_default()
}

/// Stores the API base URL setting; an empty value goes back to same origin.
pub fn set_api_base(value: &str) {
    let v = normalize_base(value);
    if v.is_empty() {
        storage::remove(API_BASE_KEY);
    } else {
        storage::set(API_BASE_KEY, &v);
    }
}
