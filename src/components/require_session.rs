//! Route guard for pages that need a session.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::app_part::{use_app_part, AppPart};
use crate::session::use_session;

/// Renders `children` while a session exists and redirects to `/login` otherwise, also when the
/// session ends later (logout, expiry); from the management build, by loading the login page.
/// No Suspense boundary, so pages show their own loading states.
#[component]
pub fn RequireSession(
    /// The protected content.
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_session();
    let logged_in = Memo::new(move |_| session.is_logged_in());
    let login_is_here = use_app_part() == AppPart::of("/login");
    move || {
        if logged_in.get() {
            children().into_any()
        } else if login_is_here {
            view! { <Redirect path="/login"/> }.into_any()
        } else {
            // The login page is in the other build: load it.
            if let Some(window) = web_sys::window() {
                let _ = window.location().replace("/login");
            }
            ().into_any()
        }
    }
}
