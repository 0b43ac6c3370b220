//! The lock screen: the password (and code) asked for again.

use leptos::html::Input;
use leptos::prelude::*;
use tsunagu_api::LoginRequest;

use crate::api::{self, Client};
use crate::i18n::{api_error_text, use_i18n, Msg};
use crate::idle_lock::{Clear, Lock, Phase};
use crate::outbox::sender::OutboxCtx;
use crate::session::{use_session, LOCKED_KEY};
use crate::storage;

/// 「画面をロックしました」, whose password unlocks it, the パスワード field (and 確認コード for an
/// account with two-factor login, or once the server asks for it), 「ロックを解除」 and
/// 「ログアウトする」. A refused attempt keeps the lock and says why in a `role="alert"` (a wrong
/// password, a wrong code, too many attempts, no connection); a wrong password empties the
/// fields. Unlocked, the queued posts are tried at once.
#[component]
pub fn LockScreen(
    /// The lock, which this screen moves to unlocking, and on to active or back to locked.
    lock: RwSignal<Lock>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let outbox = use_context::<OutboxCtx>();
    let me = session.me();
    let name = me
        .as_ref()
        .map(|me| me.display_name.clone())
        .unwrap_or_default();
    let login_id = me.map(|me| me.login_id).unwrap_or_default();

    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let password_input = NodeRef::<Input>::new();
    let code_input = NodeRef::<Input>::new();
    let need_code = Memo::new(move |_| lock.with(Lock::needs_code));
    let unlocking = Memo::new(move |_| lock.with(|l| l.phase() == Phase::Unlocking));
    let focus = |input: NodeRef<Input>| {
        if let Some(input) = input.get_untracked() {
            let _ = input.focus();
        }
    };
    // The cursor goes where the next thing is to be typed: the code once the server asked for
    // it after a right password, else the password.
    crate::effect::effect(move || {
        let code_next = need_code.get() && !password.get_untracked().is_empty();
        let input = if code_next {
            code_input.get()
        } else {
            password_input.get()
        };
        if let Some(input) = input {
            let _ = input.focus();
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !lock.try_update(Lock::submit).unwrap_or(false) {
            return;
        }
        let req = LoginRequest {
            login_id: login_id.clone(),
            password: password.get_untracked(),
            code: need_code
                .get_untracked()
                .then(|| code.get_untracked().trim().to_owned()),
            // Unlocking proves the person again: a remembered device does not stand in for the
            // code here.
            remember_device: false,
            device_token: None,
        };
        leptos::task::spawn_local(async move {
            match Client::new(api::api_base(), None).login(&req).await {
                Ok(check) => {
                    // The unlock is a login, so the server checks the password (and code) as at
                    // every login, throttles failures and records it; the new session is then
                    // ended at once and this one kept. Replacing this one instead would end the
                    // session every tab of this browser shares (they would log out at their
                    // next request, taking the stored token with them) and restart the live
                    // stream and the outbox for nothing.
                    leptos::task::spawn_local(async move {
                        let _ = Client::new(api::api_base(), Some(check.token))
                            .logout()
                            .await;
                    });
                    storage::remove(LOCKED_KEY);
                    lock.try_update(Lock::unlocked);
                    if let Some(outbox) = outbox {
                        outbox.retry_now();
                    }
                }
                Err(e) => match lock.try_update(|l| l.refused(e)) {
                    Some(Clear::Both) => {
                        password.try_set(String::new());
                        code.try_set(String::new());
                        focus(password_input);
                    }
                    Some(Clear::Code) => {
                        code.try_set(String::new());
                        focus(code_input);
                    }
                    _ => {}
                },
            }
        });
    };

    view! {
        <main class="app-main idle-lock">
            <form class="idle-lock__card" on:submit=on_submit aria-labelledby="idle-lock-title">
                <h1 class="idle-lock__title" id="idle-lock-title">
                    {move || i18n.t(Msg::IdleLockTitle)}
                </h1>
                <p class="idle-lock__hint">
                    {move || i18n.t(Msg::IdleLockHint).replace("{name}", &name)}
                </p>
                {move || {
                    lock.with(Lock::error)
                        .map(|e| {
                            view! {
                                <p class="idle-lock__error" role="alert">
                                    {move || api_error_text(&e, i18n.locale())}
                                </p>
                            }
                        })
                }}
                <div class="field">
                    <label class="field__label" for="idle-lock-password">
                        {move || i18n.t(Msg::Password)}
                    </label>
                    <input
                        class="field__input"
                        id="idle-lock-password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        node_ref=password_input
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </div>
                {move || {
                    need_code
                        .get()
                        .then(|| {
                            view! {
                                <div class="field">
                                    <label class="field__label" for="idle-lock-code">
                                        {move || i18n.t(Msg::TwoFactorCode)}
                                    </label>
                                    <input
                                        class="field__input"
                                        id="idle-lock-code"
                                        name="one-time-code"
                                        type="text"
                                        inputmode="numeric"
                                        autocomplete="one-time-code"
                                        autocapitalize="none"
                                        spellcheck="false"
                                        required
                                        aria-describedby="idle-lock-code-hint"
                                        node_ref=code_input
                                        prop:value=move || code.get()
                                        on:input=move |ev| code.set(event_target_value(&ev))
                                    />
                                    <p class="field__hint" id="idle-lock-code-hint">
                                        {move || i18n.t(Msg::TwoFactorCodeHint)}
                                    </p>
                                </div>
                            }
                        })
                }}
                <button
                    type="submit"
                    class="button button--primary idle-lock__submit"
                    disabled=move || unlocking.get()
                    aria-busy=move || unlocking.get().to_string()
                >
                    {move || i18n.t(Msg::Unlock)}
                </button>
                <p class="idle-lock__status" role="status">
                    {move || unlocking.get().then(|| i18n.t(Msg::Unlocking))}
                </p>
                <p class="idle-lock__kept">{move || i18n.t(Msg::IdleLockKept)}</p>
                <button
                    type="button"
                    class="button button--secondary idle-lock__logout"
                    on:click=move |_| session.logout()
                >
                    {move || i18n.t(Msg::LogoutInstead)}
                </button>
            </form>
        </main>
    }
}
