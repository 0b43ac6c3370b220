//! The login session: bearer token and current user, persisted in `localStorage`
//! (`tsunagu.session`) so a reload keeps the user logged in.
//!
//! [`SessionCtx::client`] hands out API clients that carry the token and, when the server says the
//! session is expired or missing, drop it and remember why, so the login page can say so.

use leptos::prelude::*;
use tsunagu_api::{ErrorCode, Me, Session};

use crate::api::{self, Client};
use crate::storage;

/// `localStorage` key of the persisted session.
pub const SESSION_KEY: &str = "tsunagu.session";

/// `localStorage` key set while the nurse's app is locked after a time without input
/// ([`crate::components::idle_lock`]): a reload, or a tab opened meanwhile, starts locked too.
/// Starting or ending a session removes it.
pub const LOCKED_KEY: &str = "tsunagu.locked";

/// `sessionStorage` keys (this tab) of who logged out and why a session ended: the login page
/// shows them, also after a page load — a logout on a management page loads the login page of
/// the other build.
const LOGGED_OUT_KEY: &str = "tsunagu.logged_out";
const NOTICE_KEY: &str = "tsunagu.session_notice";

/// The session context.
#[derive(Debug, Clone, Copy)]
pub struct SessionCtx {
    session: RwSignal<Option<Session>>,
    /// Why the user was sent back to the login page, shown there once.
    notice: RwSignal<Option<ErrorCode>>,
    /// Who just logged out in this tab (not persisted): the login page offers them to remove
    /// their data from this device.
    logged_out: RwSignal<Option<uuid::Uuid>>,
}

impl SessionCtx {
    /// Whether a token is present (tracked).
    pub fn is_logged_in(&self) -> bool {
        self.session.with(Option::is_some)
    }

    /// The bearer token (tracked).
    pub fn token(&self) -> Option<String> {
        self.session.with(|s| s.as_ref().map(|s| s.token.clone()))
    }

    /// The logged-in user (tracked).
    pub fn me(&self) -> Option<Me> {
        self.session.with(|s| s.as_ref().map(|s| s.user.clone()))
    }

    /// The logged-in user's id (tracked).
    pub fn my_id(&self) -> Option<uuid::Uuid> {
        self.session.with(|s| s.as_ref().map(|s| s.user.id))
    }

    /// Why the previous session ended, if it ended by itself (tracked).
    pub fn notice(&self) -> Option<ErrorCode> {
        self.notice.get()
    }

    /// The user who logged out last in this tab, while their data may still be removed (tracked).
    pub fn logged_out_user(&self) -> Option<uuid::Uuid> {
        self.logged_out.get()
    }

    /// Forgets who logged out (their data was removed, or someone logged in).
    pub fn clear_logged_out_user(&self) {
        storage::session_remove(LOGGED_OUT_KEY);
        self.logged_out.set(None);
    }

    /// Whether `token` is still the session's token (untracked): work started under a session
    /// checks it before sending, so nothing authenticated leaves after a logout.
    pub fn is_current_token(&self, token: Option<&str>) -> bool {
        self.session
            .with_untracked(|s| s.as_ref().is_some_and(|s| Some(s.token.as_str()) == token))
    }

    /// Forgets the logout reason.
    pub fn clear_notice(&self) {
        storage::session_remove(NOTICE_KEY);
        self.notice.set(None);
    }

    /// Stores a new session after a successful login.
    pub fn set_session(&self, session: Session) {
        if let Ok(json) = serde_json::to_string(&session) {
            storage::set(SESSION_KEY, &json);
        }
        storage::remove(LOCKED_KEY);
        self.clear_notice();
        self.clear_logged_out_user();
        self.session.set(Some(session));
    }

    /// Replaces the stored user after a `GET /me`.
    pub fn set_me(&self, me: Me) {
        self.session.update(|s| {
            if let Some(s) = s {
                s.user = me;
                if let Ok(json) = serde_json::to_string(&*s) {
                    storage::set(SESSION_KEY, &json);
                }
            }
        });
    }

    /// Drops the session locally, remembering `reason` for the login page.
    pub fn drop_session(&self, reason: Option<ErrorCode>) {
        storage::remove(SESSION_KEY);
        storage::remove(LOCKED_KEY);
        match reason {
            Some(code) => storage::session_set(NOTICE_KEY, code.as_str()),
            None => storage::session_remove(NOTICE_KEY),
        }
        self.notice.set(reason);
        self.session.set(None);
    }

    /// An API client carrying the current token (untracked); a lost session drops it.
    pub fn client(&self) -> Client {
        let token = self
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()));
        let this = *self;
        Client::new(api::api_base(), token).with_auth_lost(Callback::new(move |code| {
            this.drop_session(Some(code));
        }))
    }

    /// Logs out: tells the server (best effort), then forgets the session; the login page then
    /// offers to remove the user's data from this device.
    pub fn logout(&self) {
        let client = self.client();
        let user = self
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.user.id));
        match user {
            Some(id) => storage::session_set(LOGGED_OUT_KEY, &id.to_string()),
            None => storage::session_remove(LOGGED_OUT_KEY),
        }
        self.logged_out.set(user);
        self.drop_session(None);
        leptos::task::spawn_local(async move {
            let _ = client.logout().await;
        });
    }
}

/// The session remembered in `localStorage`, if any.
pub fn stored_session() -> Option<Session> {
    storage::get(SESSION_KEY).and_then(|s| crate::json::parse(&s))
}

/// Provides the session context, restoring the remembered session.
pub fn provide_session() -> SessionCtx {
    let ctx = SessionCtx {
        session: RwSignal::new(stored_session()),
        notice: RwSignal::new(storage::session_get(NOTICE_KEY).and_then(|code| code.parse().ok())),
        logged_out: RwSignal::new(
            storage::session_get(LOGGED_OUT_KEY).and_then(|id| id.parse().ok()),
        ),
    };
    provide_context(ctx);
    ctx
}

/// Re-validates a restored session with `GET /me`, refreshing the user (a lost session is dropped
/// by the client).
pub fn refresh_me(ctx: SessionCtx) {
    if !ctx.session.with_untracked(Option::is_some) {
        return;
    }
    let client = ctx.client();
    leptos::task::spawn_local(async move {
        if let Ok(me) = client.me().await {
            ctx.set_me(me);
        }
    });
}

/// Keeps the `tsunagu_media` cookie in step with the session: whenever this page has a session
/// token it did not send yet (at start, after a login, after another account logged in), it
/// calls `PUT /session/media-cookie` once, so `<img>`, `<video>` and download links of
/// attachments load (they cannot send the bearer header). The cookie ends with the session on
/// the server, so a logout needs no call.
pub fn keep_media_cookie(ctx: SessionCtx) {
    let sent = StoredValue::new(None::<String>);
    crate::effect::effect(move || {
        let token = ctx.token();
        if token.is_none() || sent.with_value(|s| *s == token) {
            return;
        }
        sent.set_value(token);
        let client = ctx.client();
        leptos::task::spawn_local(async move {
            let _ = client.set_media_cookie().await;
        });
    });
}

/// The session context; panics when [`provide_session`] was not called above.
pub fn use_session() -> SessionCtx {
    expect_context::<SessionCtx>()
}
