//! Thin wrappers over `window.localStorage` and `window.sessionStorage`; silently do nothing
//! where storage is unavailable (private mode, quota, or a native test build).

/// Reads a value.
pub fn get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Writes a value, ignoring quota errors.
pub fn set(key: &str, value: &str) {
    if let Some(s) = local_storage() {
        let _ = s.set_item(key, value);
    }
}

/// Removes a value.
pub fn remove(key: &str) {
    if let Some(s) = local_storage() {
        let _ = s.remove_item(key);
    }
}

/// Reads a value of this tab's `sessionStorage`.
pub fn session_get(key: &str) -> Option<String> {
    session_storage()?.get_item(key).ok().flatten()
}

/// Writes a value to this tab's `sessionStorage` (synchronously), ignoring quota errors.
pub fn session_set(key: &str, value: &str) {
    if let Some(s) = session_storage() {
        let _ = s.set_item(key, value);
    }
}

/// Removes a value from this tab's `sessionStorage`.
pub fn session_remove(key: &str) {
    if let Some(s) = session_storage() {
        let _ = s.remove_item(key);
    }
}

/// The keys of this tab's `sessionStorage` that start with `prefix`.
pub fn session_keys_with_prefix(prefix: &str) -> Vec<String> {
    let Some(s) = session_storage() else {
        return Vec::new();
    };
    let len = s.length().unwrap_or(0);
    (0..len)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(prefix))
        .collect()
}

#[cfg(target_arch = "wasm32")]
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

#[cfg(not(target_arch = "wasm32"))]
fn local_storage() -> Option<web_sys::Storage> {
    None
}

#[cfg(target_arch = "wasm32")]
fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

#[cfg(not(target_arch = "wasm32"))]
fn session_storage() -> Option<web_sys::Storage> {
    None
}
