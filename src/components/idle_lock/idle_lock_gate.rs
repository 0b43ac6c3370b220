//! The gate of the nurse's app: its content, or the lock screen.

use leptos::prelude::*;

use super::activity::watch_activity;
use super::lock_screen::LockScreen;
use crate::idle_lock::Lock;
use crate::live::use_live;
use crate::session::{use_session, LOCKED_KEY};
use crate::storage;

/// Shows `children` (the header with the urgent banner, the group list and the routes) until
/// the tab has had no input for as long as `GET /meta` says (15 minutes unless the deployment
/// says otherwise; 0: never), or was hidden for longer; then removes them from the page —
/// unmounted, not covered — and shows the [`LockScreen`] until the password is given again.
/// The session, the live connection and the outbox sender sit above it and keep running, so
/// stores stay current and queued posts still go out; drafts and the outbox are in IndexedDB.
/// Being locked is remembered in `localStorage` ([`LOCKED_KEY`]): a reload, or a tab opened
/// meanwhile, starts locked. Without a session it shows `children`, whose `RequireSession`
/// loads the login page.
#[component]
pub fn IdleLock(
    /// The app: unmounted while locked, mounted afresh (same route) when unlocked.
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_session();
    let live = use_live();
    let two_factor = move || session.me().is_some_and(|me| me.two_factor);
    let lock = RwSignal::new(
        if session.is_logged_in() && storage::get(LOCKED_KEY).is_some() {
            Lock::locked(two_factor())
        } else {
            Lock::active()
        },
    );
    let locked = Memo::new(move |_| lock.with(Lock::is_locked));
    watch_activity(
        move || live.idle_lock_seconds(),
        move || locked.get(),
        Callback::new(move |()| {
            storage::set(LOCKED_KEY, "1");
            lock.update(|l| l.idle(two_factor()));
        }),
    );
    let shows_lock = Memo::new(move |_| locked.get() && session.is_logged_in());
    move || {
        if shows_lock.get() {
            view! { <LockScreen lock/> }.into_any()
        } else {
            children().into_any()
        }
    }
}
