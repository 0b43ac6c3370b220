//! Route guard for pages that need a session.

use leptos::prelude::*;

use crate::app_part::LOGIN_PATH;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// Renders `children` while a session exists and otherwise loads the login page (a build of its
/// own, so never this one), also when the session ends later (logout, expiry). Offline
/// (a logout in a patient's home without signal) that load would fail: it says so and loads the
/// page when the connection is back.
/// No Suspense boundary, so pages show their own loading states.
#[component]
pub fn RequireSession(
    /// The protected content.
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_session();
    let logged_in = Memo::new(move |_| session.is_logged_in());
    let i18n = use_i18n();
    let load_login_page = || {
        let _ = window().location().replace(LOGIN_PATH);
    };
    move || {
        if logged_in.get() {
            children().into_any()
        } else if window().navigator().on_line() {
            load_login_page();
            ().into_any()
        } else {
            let online = window_event_listener_untyped("online", move |_| load_login_page());
            on_cleanup(move || online.remove());
            view! {
                <p class="require-session__offline" role="status">
                    {move || i18n.t(Msg::LoginPageWhenOnline)}
                </p>
            }
            .into_any()
        }
    }
}
