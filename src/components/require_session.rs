//! Route guard for pages that need a session.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::session::use_session;

/// Renders `children` while a session exists and redirects to `/login` otherwise, also when the
/// session ends later (logout, expiry). No Suspense boundary, so pages show their own loading
/// states.
#[component]
pub fn RequireSession(
    /// The protected content.
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_session();
    let logged_in = Memo::new(move |_| session.is_logged_in());
    move || {
        if logged_in.get() {
            children().into_any()
        } else {
            view! { <Redirect path="/login"/> }.into_any()
        }
    }
}
