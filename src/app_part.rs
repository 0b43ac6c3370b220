//! The app is seven WebAssembly builds (seven trunk targets): the nurse's app — my groups,
//! timelines — the login page under [`LOGIN_PATH`], the management pages under
//! [`MANAGE_PREFIX`] (new group, members, invitations, directory), the family invitation page
//! under [`JOIN_PREFIX`], search under [`SEARCH_PREFIX`], the operator console under
//! [`OPERATOR_PREFIX`] and a group's photos and files under [`MEDIA_PREFIX`]. Most visits never need the others,
//! so the download a nurse waits for on a phone does not carry them
//! (docs/performance.md). Links and navigation from one build to another are full page loads;
//! the session, drafts and outbox are in browser storage, so nothing is lost on the way.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// Path of the login build (`/login`): the login form, and after a logout the offer to remove
/// the user's data from this device.
pub const LOGIN_PATH: &str = "/login";

/// Path prefix of the management build; the server serves its own `index.html` below it.
pub const MANAGE_PREFIX: &str = "/manage";

/// Path prefix of the family invitation build (`/join/<token>`).
pub const JOIN_PREFIX: &str = "/join";

/// Path of a facility's online application, served by the family invitation build (the
/// pages for people without an account).
pub const APPLY_PATH: &str = "/apply";

/// Path prefix of activation links (`/activate/<token>`), served by the same build.
pub const ACTIVATE_PREFIX: &str = "/activate";

/// Path prefix of the search build (`/search?q=…`).
pub const SEARCH_PREFIX: &str = "/search";

/// Path prefix of the media build: a group's photos and files (`/media/groups/<id>`) and the
/// comparison of two photos.
pub const MEDIA_PREFIX: &str = "/media";

/// Path prefix of the operator console (医師会事務局: applications, settings, the pledge).
pub const OPERATOR_PREFIX: &str = "/operator";

/// One of the builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppPart {
    /// My groups and timelines (`index.html`).
    Main,
    /// The login page (`login/index.html`).
    Login,
    /// New group, members, invitations and directory (`manage/index.html`).
    Manage,
    /// The pages for people without an account (`join/index.html`): family invitation links,
    /// a facility's application, activation links.
    Join,
    /// Search (`search/index.html`).
    Search,
    /// The operator console (`operator/index.html`).
    Operator,
    /// A group's photos and files and their comparison (`media/index.html`).
    Media,
}

impl AppPart {
    /// The build that serves `path` (a path, possibly with a query).
    pub fn of(path: &str) -> AppPart {
        let under = |prefix: &str| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
        };
        if under(LOGIN_PATH) {
            AppPart::Login
        } else if under(MANAGE_PREFIX) {
            AppPart::Manage
        } else if under(JOIN_PREFIX) || under(APPLY_PATH) || under(ACTIVATE_PREFIX) {
            AppPart::Join
        } else if under(SEARCH_PREFIX) {
            AppPart::Search
        } else if under(OPERATOR_PREFIX) {
            AppPart::Operator
        } else if under(MEDIA_PREFIX) {
            AppPart::Media
        } else {
            AppPart::Main
        }
    }
}

/// This page's origin (`https://host`), which serves every build: the base of links handed to
/// people (family invitations, activation links).
pub fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

#[derive(Clone, Copy)]
struct CurrentPart(AppPart);

/// Declares which build is running; call once at the root of each.
pub fn provide_app_part(part: AppPart) {
    provide_context(CurrentPart(part));
}

/// The build that is running ([`AppPart::Main`] when none was declared, as in tests).
pub fn use_app_part() -> AppPart {
    use_context::<CurrentPart>().map_or(AppPart::Main, |c| c.0)
}

/// The `rel` of a link to `href`: `external` when another build serves it, so the router
/// leaves the click to the browser, which loads that build.
pub fn link_rel(href: &str) -> Option<&'static str> {
    (AppPart::of(href) != use_app_part()).then_some("external")
}

/// Like `use_navigate`, but a path that another build serves is loaded as a page.
pub fn use_go() -> impl Fn(&str) + Clone + 'static {
    let navigate = use_navigate();
    let part = use_app_part();
    move |path: &str| {
        if AppPart::of(path) == part {
            navigate(path, NavigateOptions::default());
        } else if let Some(window) = web_sys::window() {
            let _ = window.location().assign(path);
        }
    }
}

/// The query parameter naming a timeline in the links below.
const TIMELINE_PARAM: &str = "timeline";

/// The timeline a page's `?timeline=` names (`None`: none, or not a timeline).
pub fn timeline_in(query: &leptos_router::params::ParamsMap) -> Option<tsunagu_api::Timeline> {
    timeline_named(query.get(TIMELINE_PARAM).as_deref())
}

fn timeline_named(value: Option<&str>) -> Option<tsunagu_api::Timeline> {
    value.and_then(|t| t.parse().ok())
}

/// A group's page in the nurse's app, on `timeline` (`None`: the group's first timeline).
pub fn group_href(group_id: uuid::Uuid, timeline: Option<tsunagu_api::Timeline>) -> String {
    match timeline {
        Some(t) => format!("/groups/{group_id}?{TIMELINE_PARAM}={}", t.as_str()),
        None => format!("/groups/{group_id}"),
    }
}

/// The media build's page that attaches and sends photos and files to a group's `timeline`:
/// the nurse's app keeps a link, so its download does not carry preparing and uploading.
pub fn send_media_href(group_id: uuid::Uuid, timeline: Option<tsunagu_api::Timeline>) -> String {
    match timeline {
        Some(t) => format!(
            "{MEDIA_PREFIX}/groups/{group_id}/send?{TIMELINE_PARAM}={}",
            t.as_str()
        ),
        None => format!("{MEDIA_PREFIX}/groups/{group_id}/send"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_belong_to_their_build() {
        for path in [
            "/manage",
            "/manage/",
            "/manage/groups/new",
            "/manage/groups/0191/members",
            "/manage/invitations",
            "/manage?x=1",
        ] {
            assert_eq!(AppPart::of(path), AppPart::Manage, "{path}");
        }
        for path in [
            "/",
            "/logins",
            "/groups/0191",
            "/searches",
            "/managers",
            "/joined",
            "/operators",
            "/medias",
            "/groups/0191/media",
        ] {
            assert_eq!(AppPart::of(path), AppPart::Main, "{path}");
        }
        for path in ["/login", "/login?x=1", "/login/"] {
            assert_eq!(AppPart::of(path), AppPart::Login, "{path}");
        }
        for path in ["/join/abc", "/join", "/join?x"] {
            assert_eq!(AppPart::of(path), AppPart::Join, "{path}");
        }
        for path in ["/search", "/search?q=a&group=1"] {
            assert_eq!(AppPart::of(path), AppPart::Search, "{path}");
        }
        for path in [
            "/operator",
            "/operator/",
            "/operator/settings",
            "/operator?x",
        ] {
            assert_eq!(AppPart::of(path), AppPart::Operator, "{path}");
        }
        for path in [
            "/media",
            "/media/groups/0191",
            "/media/groups/0191?kind=image",
        ] {
            assert_eq!(AppPart::of(path), AppPart::Media, "{path}");
        }
    }

    #[test]
    fn sending_media_and_coming_back_keep_the_timeline() {
        use tsunagu_api::Timeline;
        let g = uuid::Uuid::nil();
        let send = send_media_href(g, Some(Timeline::Family));
        assert_eq!(send, format!("/media/groups/{g}/send?timeline=family"));
        assert_eq!(AppPart::of(&send), AppPart::Media);
        assert_eq!(AppPart::of(&send_media_href(g, None)), AppPart::Media);
        let back = group_href(g, Some(Timeline::Family));
        assert_eq!(back, format!("/groups/{g}?timeline=family"));
        assert_eq!(AppPart::of(&back), AppPart::Main);
        assert_eq!(group_href(g, None), format!("/groups/{g}"));
        // What the links write, the pages read back.
        let query = |href: &str| {
            timeline_named(
                href.split_once('?')
                    .map(|(_, q)| q)
                    .unwrap_or_default()
                    .split('&')
                    .filter_map(|kv| kv.split_once('='))
                    .find(|(k, _)| *k == TIMELINE_PARAM)
                    .map(|(_, v)| v),
            )
        };
        assert_eq!(query(&send), Some(Timeline::Family));
        assert_eq!(query(&back), Some(Timeline::Family));
        assert_eq!(query(&group_href(g, None)), None);
        assert_eq!(query("/groups/x?timeline=bogus"), None);
    }
}
