//! Tsunagu SPA: Leptos (client-side rendering) compiled to WebAssembly.
//!
//! [`App`] provides the contexts (locale, session) and routes `/` (my groups) and
//! `/groups/:id` (a timeline); [`LoginApp`], a build of its own ([`app_part`]), `/login`;
//! [`ManageApp`], another build, routes
//! `/manage/groups/new`, `/manage/groups/:id/members`, `/manage/invitations` (the physician's
//! inbox) and `/manage/directory`; [`JoinApp`], another, `/join/:token` (family invitation
//! links); [`SearchApp`], another, `/search` (posts of my groups); [`MediaApp`], another,
//! `/media/groups/:id` (a group's photos and files) and `/media/groups/:id/send` (sending them); `OperatorApp`, another,
//! `/operator/…` (the medical association's console). The routes other than `/login` and
//! `/join/:token` require a session.

pub mod api;
pub mod app_part;
pub mod boot;
pub mod clock;
pub mod components;
#[cfg(any(feature = "operator", test))]
pub mod dashboard_model;
pub mod device_data;
pub mod download;
pub mod drafts;
pub mod effect;
pub mod highlight;
pub mod home_model;
pub mod i18n;
pub mod idb;
pub mod idle_lock;
pub mod json;
pub mod live;
pub mod load;
pub mod media;
pub mod media_view;
pub mod modal;
pub mod operator_model;
pub mod outbox;
pub use tsunagu_api::kana;
pub mod page_flags;
pub mod pages;
pub mod post_view;
pub mod push_device;
pub mod session;
pub mod sort;
pub mod storage;
pub mod text;
pub mod text_size;
pub mod time_format;
pub mod timeline_model;

use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::path;

use app_part::AppPart;
use components::app_header::AppHeader;
use components::app_notices::AppNotices;
use components::bottom_nav::BottomNav;
use components::idle_lock::IdleLock;
#[cfg(feature = "operator")]
use components::operator::operator_frame::OperatorFrame;
use components::select_group_hint::SelectGroupHint;
use pages::access_log_page::AccessLogPage;
use pages::account_page::AccountPage;
use pages::activate_page::ActivatePage;
use pages::apply_page::ApplyPage;
use pages::directory_page::DirectoryPage;
use pages::group_page::GroupPage;
use pages::home_page::HomePage;
use pages::invitations_page::InvitationsPage;
use pages::join_page::JoinPage;
use pages::login_page::LoginPage;
use pages::media_page::MediaPage;
use pages::members_page::MembersPage;
use pages::new_group_page::NewGroupPage;
use pages::not_found_page::NotFoundPage;
#[cfg(feature = "operator")]
use pages::operator_applications_page::OperatorApplicationsPage;
#[cfg(feature = "operator")]
use pages::operator_dashboard_page::OperatorDashboardPage;
#[cfg(feature = "operator")]
use pages::operator_facilities_page::OperatorFacilitiesPage;
#[cfg(feature = "operator")]
use pages::operator_pledge_page::OperatorPledgePage;
#[cfg(feature = "operator")]
use pages::operator_settings_page::OperatorSettingsPage;
use pages::search_page::SearchPage;
use pages::send_page::SendPage;
use pages::staff_page::StaffPage;

/// Provides the app-wide contexts, one per concern: locale ([`i18n::provide_i18n`]), session
/// ([`session::provide_session`]), live events ([`live::provide_live`]), the urgent posts
/// ([`components::urgent::provide_urgent_items`]) and the outbox sender
/// ([`outbox::sender::provide_outbox`]).
#[component]
pub fn Providers(
    /// The app (or, in tests, the part of it under test).
    children: Children,
) -> impl IntoView {
    provide_base();
    outbox::provide_outbox();
    children()
}

/// The contexts every build has: locale, session, live events and the urgent posts the banner
/// lists.
fn provide_base() {
    i18n::provide_i18n();
    session::provide_session();
    live::provide_live();
    components::urgent::provide_urgent_items();
}

// Every build routes with `FlatRoutes`, and the side panel with the group list ([`HomePage`])
// sits around the routes instead of being their parent route: the nested router cost ~12 KiB
// of every build's download (docs/performance.md). Moving between the routes inside the panel
// keeps the panel as it is, as the parent route did.

/// The nurse's app ([`AppPart::Main`]): my groups and timelines, `/` (a hint to pick a group)
/// and `/groups/:id` beside the group list; without a session it loads the login page. It is
/// [`AppShell`] with the [`IdleLock`] around the header and the routes: after a time without
/// input they leave the page until the password is given again. Above the routes, the
/// service worker's notices ([`AppNotices`]: a new version, a saved copy shown offline), here
/// only: the other builds are page loads that always come from the network when there is one.
/// Below them, the phone's [`BottomNav`].
#[component]
pub fn App() -> impl IntoView {
    app_part::provide_app_part(AppPart::Main);
    view! {
        <Providers>
            <Router>
                <IdleLock>
                    <AppFrame>
                        <AppNotices/>
                        <HomePage>
                            <FlatRoutes fallback=NotFoundPage>
                                <Route path=path!("") view=SelectGroupHint/>
                                <Route path=path!("/groups/:id") view=GroupPage/>
                            </FlatRoutes>
                        </HomePage>
                        <BottomNav/>
                    </AppFrame>
                </IdleLock>
            </Router>
        </Providers>
    }
}

/// The login page ([`AppPart::Login`], a build of its own under `/login/`): a nurse with a
/// stored session never downloads it, and someone without one gets a login form that is ready
/// sooner than the whole app. It continues from the static form of `login.html`
/// ([`boot::provide_boot_login`]) and, once logged in, loads the nurse's app.
#[component]
pub fn LoginApp() -> impl IntoView {
    boot::provide_boot_login();
    view! {
        <DoorShell part=AppPart::Login>
            <FlatRoutes fallback=NotFoundPage>
                <Route path=path!("/login") view=LoginPage/>
            </FlatRoutes>
        </DoorShell>
    }
}

/// The management pages ([`AppPart::Manage`], the second build under `/manage/`): new group,
/// members, the physician's invitations, the directory and the account page (two-step
/// verification), beside the same group list; all need a session.
#[component]
pub fn ManageApp() -> impl IntoView {
    view! {
        <AppShell part=AppPart::Manage>
            <HomePage>
                <FlatRoutes fallback=NotFoundPage>
                    <Route path=path!("/manage/groups/new") view=NewGroupPage/>
                    <Route path=path!("/manage/groups/:id/members") view=MembersPage/>
                    <Route path=path!("/manage/invitations") view=InvitationsPage/>
                    <Route path=path!("/manage/directory") view=DirectoryPage/>
                    <Route path=path!("/manage/account") view=AccountPage/>
                    <Route path=path!("/manage/staff") view=StaffPage/>
                    <Route path=path!("/manage/access-log") view=AccessLogPage/>
                    <Route path=path!("/manage/staff/:id") view=StaffPage/>
                </FlatRoutes>
            </HomePage>
        </AppShell>
    }
}

/// The family invitation page ([`AppPart::Join`], the third build under `/join/`): a family
/// member opens the link, creates an account and is taken to the nurse's app.
#[component]
pub fn JoinApp() -> impl IntoView {
    view! {
        <DoorShell part=AppPart::Join>
            <FlatRoutes fallback=NotFoundPage>
                <Route path=path!("/join/:token") view=JoinPage/>
                <Route path=path!("/apply") view=ApplyPage/>
                <Route path=path!("/activate/:token") view=ActivatePage/>
            </FlatRoutes>
        </DoorShell>
    }
}

/// Search ([`AppPart::Search`], the fourth build under `/search`): posts of my groups, beside
/// the same group list; needs a session.
#[component]
pub fn SearchApp() -> impl IntoView {
    view! {
        <AppShell part=AppPart::Search>
            <HomePage>
                <FlatRoutes fallback=NotFoundPage>
                    <Route path=path!("/search") view=SearchPage/>
                </FlatRoutes>
            </HomePage>
        </AppShell>
    }
}

/// A group's photos and files ([`AppPart::Media`], the seventh build under `/media/`, which
/// the nurse's app does not carry): the media view with its kind filter and the side-by-side
/// comparison of two photos, and the sending page (the composer with attachments, built with
/// the feature `send-media`), beside the same group list; needs a session.
#[component]
pub fn MediaApp() -> impl IntoView {
    view! {
        <AppShell part=AppPart::Media>
            <HomePage>
                <FlatRoutes fallback=NotFoundPage>
                    <Route path=path!("/media/groups/:id") view=MediaPage/>
                    <Route path=path!("/media/groups/:id/send") view=SendPage/>
                </FlatRoutes>
            </HomePage>
        </AppShell>
    }
}

/// The operator console ([`AppPart::Operator`], the sixth build under `/operator/`, which
/// nurses never download): the applications (`/operator`, `/operator/applications`), the
/// adoption dashboard, the facilities with a way to their staff, the confidentiality pledge and the settings, beside
/// the console's navigation; needs an operator's session. Compiled only with the `operator`
/// feature (the console's build), so the other builds' code is the same with or without it.
#[cfg(feature = "operator")]
#[component]
pub fn OperatorApp() -> impl IntoView {
    view! {
        <AppShell part=AppPart::Operator>
            <OperatorFrame>
                <FlatRoutes fallback=NotFoundPage>
                    <Route path=path!("/operator") view=OperatorApplicationsPage/>
                    <Route path=path!("/operator/applications") view=OperatorApplicationsPage/>
                    <Route path=path!("/operator/dashboard") view=OperatorDashboardPage/>
                    <Route path=path!("/operator/facilities") view=OperatorFacilitiesPage/>
                    <Route path=path!("/operator/pledge") view=OperatorPledgePage/>
                    <Route path=path!("/operator/settings") view=OperatorSettingsPage/>
                </FlatRoutes>
            </OperatorFrame>
        </AppShell>
    }
}

/// What the builds where a user stays share around their routes: the contexts with the outbox
/// sender (which delivers posts queued in any of them), the router, the idle lock (a locked
/// screen stays locked whichever build is opened: search and the management pages show patient
/// data too), the header and the main area.
#[component]
fn AppShell(
    /// Which build this is.
    part: AppPart,
    /// The build's `<Routes>`.
    children: ChildrenFn,
) -> impl IntoView {
    app_part::provide_app_part(part);
    view! {
        <Providers>
            <Router>
                <IdleLock>
                    {
                        // A copy per mount: the lock unmounts the routes and mounts them again.
                        let children = children.clone();
                        view! { <AppFrame>{children()}</AppFrame> }
                    }
                </IdleLock>
            </Router>
        </Providers>
    }
}

/// [`AppShell`] for the login and invitation pages, without the outbox: they load the nurse's
/// app right after a session starts, and a page that opened the IndexedDB database just before
/// it went away left the next page's open of it waiting (seen in the browser tests). Nor do
/// they carry its code.
#[component]
fn DoorShell(
    /// Which build this is.
    part: AppPart,
    /// The build's routes.
    children: Children,
) -> impl IntoView {
    app_part::provide_app_part(part);
    provide_base();
    view! {
        <Router>
            <AppFrame>{children()}</AppFrame>
        </Router>
    }
}

/// The header above the main area; re-validates a restored session once.
#[component]
fn AppFrame(
    /// The routes.
    children: Children,
) -> impl IntoView {
    let session = session::use_session();
    session::refresh_me(session);
    session::keep_media_cookie(session);
    view! {
        <AppHeader/>
        <main class="app-main">{children()}</main>
    }
}
