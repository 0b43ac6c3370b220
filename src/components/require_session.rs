//! Route guard for pages that need a session.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::app_part::{use_app_part, AppPart};
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// Renders `children` while a session exists and redirects to `/login` otherwise, also when the
/// session ends later (logout, expiry), by loading the login page (a build of its own). Offline
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
    let login_is_here = use_app_part() == AppPart::of("/login");
    move || {
        if logged_in.get() {
            children().into_any()
        } else if login_is_here {
            view! { <Redirect path="/login"/> }.into_any()
        } else if window().navigator().on_line() {
            let _ = window().location().replace("/login");
            ().into_any()
        } else {
            let online = window_event_listener_untyped("online", move |_| {
                let _ = window().location().replace("/login");
            });
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
