//! Tsunagu SPA: Leptos (client-side rendering) compiled to WebAssembly.
//!
//! [`App`] provides the contexts (locale, session) and routes `/login`, `/` (my groups) and
//! `/groups/:id` (a timeline); [`ManageApp`], a second build ([`app_part`]), routes
//! `/manage/groups/new`, `/manage/groups/:id/members`, `/manage/invitations` (the physician's
//! inbox) and `/manage/directory`; [`JoinApp`], a third, `/join/:token` (family invitation
//! links); [`SearchApp`], a fourth, `/search` (posts of my groups). The routes other than
//! `/login` and `/join/:token` require a session.

pub mod api;
pub mod app_part;
pub mod boot;
pub mod components;
pub mod device_data;
pub mod drafts;
pub mod effect;
pub mod highlight;
pub mod home_model;
pub mod i18n;
pub mod idb;
pub mod json;
pub mod live;
pub mod load;
pub mod outbox;
pub use tsunagu_api::kana;
pub mod pages;
pub mod post_view;
pub mod session;
pub mod sort;
pub mod storage;
pub mod text;
pub mod time_format;
pub mod timeline_model;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use app_part::AppPart;
use components::app_header::AppHeader;
use components::select_group_hint::SelectGroupHint;
use pages::directory_page::DirectoryPage;
use pages::group_page::GroupPage;
use pages::home_page::HomePage;
use pages::invitations_page::InvitationsPage;
use pages::join_page::JoinPage;
use pages::login_page::LoginPage;
use pages::members_page::MembersPage;
use pages::new_group_page::NewGroupPage;
use pages::not_found_page::NotFoundPage;
use pages::search_page::SearchPage;

/// Provides the app-wide contexts, one per concern: locale ([`i18n::provide_i18n`]), session
/// ([`session::provide_session`]), live events ([`live::provide_live`]), the outbox sender
/// ([`outbox::sender::provide_outbox`]) and what the static login form held
/// ([`boot::provide_boot_login`]).
#[component]
pub fn Providers(
    /// The app (or, in tests, the part of it under test).
    children: Children,
) -> impl IntoView {
    i18n::provide_i18n();
    session::provide_session();
    live::provide_live();
    outbox::provide_outbox();
    boot::provide_boot_login();
    children()
}

/// The nurse's app ([`AppPart::Main`]): login, my groups and timelines; everything but `/login`
/// redirects to `/login` without a session.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <AppShell part=AppPart::Main>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/login") view=LoginPage/>
                <ParentRoute path=path!("") view=HomePage>
                    <Route path=path!("") view=SelectGroupHint/>
                    <Route path=path!("/groups/:id") view=GroupPage/>
                </ParentRoute>
            </Routes>
        </AppShell>
    }
}

/// The management pages ([`AppPart::Manage`], the second build under `/manage/`): new group,
/// members, the physician's invitations and the directory, beside the same group list; all
/// need a session.
#[component]
pub fn ManageApp() -> impl IntoView {
    view! {
        <AppShell part=AppPart::Manage>
            <Routes fallback=NotFoundPage>
                <ParentRoute path=path!("/manage") view=HomePage>
                    <Route path=path!("/groups/new") view=NewGroupPage/>
                    <Route path=path!("/groups/:id/members") view=MembersPage/>
                    <Route path=path!("/invitations") view=InvitationsPage/>
                    <Route path=path!("/directory") view=DirectoryPage/>
                </ParentRoute>
            </Routes>
        </AppShell>
    }
}

/// The family invitation page ([`AppPart::Join`], the third build under `/join/`): a family
/// member opens the link, creates an account and is taken to the nurse's app.
#[component]
pub fn JoinApp() -> impl IntoView {
    view! {
        <AppShell part=AppPart::Join>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/join/:token") view=JoinPage/>
            </Routes>
        </AppShell>
    }
}

/// Search ([`AppPart::Search`], the fourth build under `/search`): posts of my groups, beside
/// the same group list; needs a session.
#[component]
pub fn SearchApp() -> impl IntoView {
    view! {
        <AppShell part=AppPart::Search>
            <Routes fallback=NotFoundPage>
                <ParentRoute path=path!("") view=HomePage>
                    <Route path=path!("/search") view=SearchPage/>
                </ParentRoute>
            </Routes>
        </AppShell>
    }
}

/// What the builds share around their routes: the contexts, the router, the header and the
/// main area.
#[component]
fn AppShell(
    /// Which build this is.
    part: AppPart,
    /// The build's `<Routes>`.
    children: Children,
) -> impl IntoView {
    app_part::provide_app_part(part);
    view! {
        <Providers>
            <Router>
                <AppFrame>{children()}</AppFrame>
            </Router>
        </Providers>
    }
}

/// The header above the main area; re-validates a restored session once.
#[component]
fn AppFrame(
    /// The routes.
    children: Children,
) -> impl IntoView {
    session::refresh_me(session::use_session());
    view! {
        <AppHeader/>
        <main class="app-main">{children()}</main>
    }
}
