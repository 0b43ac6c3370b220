//! This browser's side of Web Push: whether it can receive pushes at all, its subscription
//! with the push service, and the notification permission. What the server keeps is in
//! `api::push`; the service worker (`public/sw.js`) shows what arrives.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Notification, NotificationPermission, PushManager, PushSubscriptionOptionsInit,
    ServiceWorkerRegistration,
};

/// How long subscribing with the push service may take before it counts as failed.
const SUBSCRIBE_TIMEOUT_MS: i32 = 15_000;

/// Why this device may not receive pushes, or that it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Push is available (the permission may still be asked or refused).
    Available,
    /// An iPhone or iPad outside the home-screen app: iOS delivers pushes only to web apps
    /// added to the home screen, so the page says how.
    NeedsHomeScreen,
    /// This browser has no Web Push.
    Unsupported,
}

/// Decides [`Support`] from what the browser reports: whether it has `PushManager`, its user
/// agent, its touch points (iPadOS reports itself as a Mac) and whether it runs as the
/// installed app.
pub fn support_from(
    has_push: bool,
    user_agent: &str,
    touch_points: i32,
    standalone: bool,
) -> Support {
    let ios = ["iPhone", "iPad", "iPod"]
        .iter()
        .any(|d| user_agent.contains(d))
        || (user_agent.contains("Macintosh") && touch_points > 1);
    match (has_push, ios && !standalone) {
        (_, true) => Support::NeedsHomeScreen,
        (true, false) => Support::Available,
        (false, false) => Support::Unsupported,
    }
}

/// [`Support`] of this browser.
pub fn support() -> Support {
    let window = web_sys::window().expect("window");
    let nav = window.navigator();
    let has_push = js_sys::Reflect::has(&window, &"PushManager".into()).unwrap_or(false)
        && js_sys::Reflect::has(&window, &"Notification".into()).unwrap_or(false);
    let standalone = window
        .match_media("(display-mode: standalone)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches());
    support_from(
        has_push,
        &nav.user_agent().unwrap_or_default(),
        nav.max_touch_points(),
        standalone,
    )
}

/// Whether the user refused notifications to this site (only the browser's settings undo it).
pub fn denied() -> bool {
    Notification::permission() == NotificationPermission::Denied
}

async fn push_manager() -> Result<PushManager, JsValue> {
    let container = web_sys::window()
        .expect("window")
        .navigator()
        .service_worker();
    let registration: ServiceWorkerRegistration =
        JsFuture::from(container.ready()?).await?.unchecked_into();
    registration.push_manager()
}

/// This browser's current subscription, if any.
pub async fn current() -> Option<web_sys::PushSubscription> {
    let manager = push_manager().await.ok()?;
    let sub = JsFuture::from(manager.get_subscription().ok()?)
        .await
        .ok()?;
    sub.dyn_into().ok()
}

/// Asks for the permission (the browser's prompt, on the user's tap) and subscribes with the
/// server's key; the subscription as the contract carries it. `Err(None)` when the user did
/// not allow notifications, `Err(Some(_))` when the push service failed.
pub async fn subscribe(vapid_key: &str) -> Result<tsunagu_api::PushSubscription, Option<JsValue>> {
    let answer = JsFuture::from(Notification::request_permission().map_err(Some)?)
        .await
        .map_err(Some)?;
    if answer.as_string().as_deref() != Some("granted") {
        return Err(None);
    }
    let manager = push_manager().await.map_err(Some)?;
    let options = PushSubscriptionOptionsInit::new();
    options.set_user_visible_only(true);
    // The base64url text itself: browsers decode `applicationServerKey` strings.
    options.set_application_server_key(&JsValue::from_str(vapid_key));
    // A push service out of reach leaves the promise pending for good (seen in Chromium):
    // after SUBSCRIBE_TIMEOUT_MS it counts as failed, and the switch can be tried again.
    let subscribing = manager.subscribe_with_options(&options).map_err(Some)?;
    let timeout = js_sys::Promise::new(&mut |_, reject| {
        let _ = web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&reject, SUBSCRIBE_TIMEOUT_MS);
    });
    let sub = JsFuture::from(js_sys::Promise::race(&js_sys::Array::of2(
        &subscribing,
        &timeout,
    )))
    .await
    .map_err(Some)?;
    // `PushSubscription.toJSON()` is the contract's shape: {endpoint, keys: {p256dh, auth}}.
    let json = js_sys::JSON::stringify(&sub).map_err(Some)?;
    crate::json::parse(&String::from(json)).ok_or(Some(JsValue::NULL))
}

/// Ends this browser's subscription with the push service (the server forgets it apart).
pub async fn unsubscribe() {
    if let Some(sub) = current().await {
        if let Ok(p) = sub.unsubscribe() {
            let _ = JsFuture::from(p).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
    const IPAD: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15";
    const ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";

    #[test]
    fn ios_outside_the_home_screen_app_is_told_how() {
        assert_eq!(
            support_from(false, IPHONE, 5, false),
            Support::NeedsHomeScreen
        );
        // iPadOS says it is a Mac; its touch points give it away.
        assert_eq!(support_from(true, IPAD, 5, false), Support::NeedsHomeScreen);
        assert_eq!(support_from(true, IPHONE, 5, true), Support::Available);
    }

    #[test]
    fn other_browsers_go_by_push_support() {
        assert_eq!(support_from(true, ANDROID, 5, false), Support::Available);
        assert_eq!(support_from(true, IPAD, 0, false), Support::Available);
        assert_eq!(support_from(false, ANDROID, 5, false), Support::Unsupported);
    }
}
