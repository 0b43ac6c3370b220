//! The login page.

use leptos::prelude::*;
use tsunagu_api::{ErrorCode, LoginRequest};

use crate::api::{self, ApiError, Client};
use crate::app_part::use_go;
use crate::boot::{use_boot_login, BootField};
use crate::components::device_data_offer::DeviceDataOffer;
use crate::i18n::{error_text, use_i18n, Msg};
use crate::session::use_session;

/// Where this device's remembered-device token for `login_id` is kept (login IDs ignore ASCII
/// case, as the server compares them).
fn device_key(login_id: &str) -> String {
    format!("tsunagu.device.{}", login_id.trim().to_ascii_lowercase())
}

/// Login form (ログインID, パスワード, ログイン) and the collapsible server setting. A failed login
/// shows the translated reason in a `role="alert"` and keeps the login ID; a session that ended by
/// itself shows why. An account with two-factor login is asked for its 確認コード after the
/// password (which is kept for the second submit). On a new server without any operator it says
/// how to create the first one. Logged-in users are sent home (a page load: the nurse's app is another build),
/// operators to the console's applications.
/// Right after a logout it offers to remove the
/// user's data from this device ([`DeviceDataOffer`]). It continues from the static form of
/// `login.html` ([`crate::boot`]): what was typed, the focus, and a login already submitted.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let go = use_go();

    let boot = use_boot_login().unwrap_or_default();
    let login_id = RwSignal::new(boot.login_id);
    let password = RwSignal::new(boot.password);
    let error = RwSignal::new(None::<ApiError>);
    // Set once the server says the account needs a one-time code too.
    let need_code = RwSignal::new(false);
    let code = RwSignal::new(String::new());
    let code_input = NodeRef::<leptos::html::Input>::new();
    crate::effect::effect(move || {
        if need_code.get() {
            if let Some(input) = code_input.get() {
                let _ = input.focus();
            }
        }
    });
    // A plain task, not a resource: the login build has no other and would carry the resource
    // machinery for this one flag (~9 KiB).
    let first_start = RwSignal::new(false);
    // Days a device may be remembered after a login with a code (0: the operator does not allow
    // it, so it is not offered).
    let remember_days = RwSignal::new(0u32);
    let remember = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        let client = Client::new(api::api_base(), None);
        if let Ok(door) = client.login_meta().await {
            first_start.set(door.first_start);
            remember_days.set(door.remember_device_days);
        }
    });
    let login_id_input = NodeRef::<leptos::html::Input>::new();
    let password_input = NodeRef::<leptos::html::Input>::new();
    // The cursor stays in the field it was in on the static form.
    crate::effect::effect(move || {
        let input = match boot.focus {
            Some(BootField::LoginId) => login_id_input.get(),
            Some(BootField::Password) => password_input.get(),
            None => None,
        };
        if let Some(input) = input {
            let _ = input.focus();
        }
    });

    // The operator's work is the console: it opens on the applications that wait.
    crate::effect::effect(move || {
        if session.is_logged_in() {
            let operator = session.me().is_some_and(|m| m.is_operator);
            go(if operator { "/operator" } else { "/" });
        }
    });

    let login = Action::new_local(move |req: &LoginRequest| {
        let req = req.clone();
        let client = Client::new(api::api_base(), None);
        async move {
            match client.login(&req).await {
                Ok(s) => {
                    if let Some(token) = &s.device_token {
                        crate::storage::set(&device_key(&req.login_id), token);
                    }
                    session.set_session(s)
                }
                // The password was right: ask for the code, keep the password for the resend.
                Err(e) if e.code() == Some(ErrorCode::TwoFactorRequired) => need_code.set(true),
                Err(e) if e.code() == Some(ErrorCode::InvalidTwoFactorCode) => {
                    code.set(String::new());
                    error.set(Some(e));
                }
                Err(e) => {
                    password.set(String::new());
                    code.set(String::new());
                    error.set(Some(e));
                }
            }
        }
    });
    let pending = login.pending();
    let send = move || {
        let id = login_id.get_untracked().trim().to_owned();
        let with_code = need_code.get_untracked();
        login.dispatch(LoginRequest {
            device_token: crate::storage::get(&device_key(&id)),
            login_id: id,
            password: password.get_untracked(),
            code: with_code.then(|| code.get_untracked().trim().to_owned()),
            remember_device: with_code && remember.get_untracked(),
        });
    };
    if boot.submitted && !login_id.get_untracked().trim().is_empty() {
        // ログイン was pressed on the static form before the app had loaded.
        send();
    }

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        error.set(None);
        session.clear_notice();
        send();
    };

    // One alert: the login error, else why the previous session ended.
    let alert = move || {
        let locale = i18n.locale();
        match (error.get(), session.notice()) {
            (Some(e), _) => Some(crate::i18n::api_error_text(&e, locale)),
            (None, Some(code)) => Some(error_text(code, locale)),
            (None, None) => None,
        }
    };

    let base = RwSignal::new(api::api_base());
    let saved = RwSignal::new(false);
    let save_base = move |_| {
        api::set_api_base(&base.get_untracked());
        base.set(api::api_base());
        saved.set(true);
    };

    view! {
        <div class="login">
            <form class="login__card" on:submit=on_submit aria-labelledby="login-title">
                <h1 class="login__title" id="login-title">
                    {move || i18n.t(Msg::LoginTitle)}
                </h1>
                {move || {
                    alert()
                        .map(|text| {
                            view! {
                                <p class="login__error" role="alert">
                                    {text}
                                </p>
                            }
                        })
                }}
                {move || {
                    first_start
                        .get()
                        .then(|| {
                            view! {
                                <section class="login__first-start" aria-labelledby="first-start-title">
                                    <h2 class="login__first-start-title" id="first-start-title">
                                        {move || i18n.t(Msg::FirstStartTitle)}
                                    </h2>
                                    <p>{move || i18n.t(Msg::FirstStartHint)}</p>
                                    <pre class="login__command">
                                        <code>
                                            "tsunagu-server admin create-operator --login-id <ID> --name <NAME>"
                                        </code>
                                    </pre>
                                </section>
                            }
                        })
                }}
                <div class="field">
                    <label class="field__label" for="login-id">
                        {move || i18n.t(Msg::LoginId)}
                    </label>
                    <input
                        class="field__input"
                        id="login-id"
                        name="username"
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                        node_ref=login_id_input
                        prop:value=move || login_id.get()
                        on:input=move |ev| login_id.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label class="field__label" for="login-password">
                        {move || i18n.t(Msg::Password)}
                    </label>
                    <input
                        class="field__input"
                        id="login-password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        node_ref=password_input
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </div>
                <Show when=move || need_code.get()>
                    <div class="field">
                        <label class="field__label" for="login-code">
                            {move || i18n.t(Msg::TwoFactorCode)}
                        </label>
                        <input
                            class="field__input login__code"
                            id="login-code"
                            name="one-time-code"
                            type="text"
                            inputmode="numeric"
                            autocomplete="one-time-code"
                            autocapitalize="none"
                            spellcheck="false"
                            required
                            aria-describedby="login-code-hint"
                            node_ref=code_input
                            prop:value=move || code.get()
                            on:input=move |ev| code.set(event_target_value(&ev))
                        />
                        <p class="field__hint" id="login-code-hint">
                            {move || i18n.t(Msg::TwoFactorCodeHint)}
                        </p>
                    </div>
                    <Show when=move || { remember_days.get() > 0 }>
                        <label class="login__remember">
                            <input
                                type="checkbox"
                                prop:checked=move || remember.get()
                                on:change=move |ev| remember.set(event_target_checked(&ev))
                            />
                            " "
                            {move || i18n.t(Msg::RememberDevice)}
                        </label>
                    </Show>
                </Show>
                <button
                    type="submit"
                    class="button button--primary login__submit"
                    disabled=move || pending.get()
                    aria-busy=move || pending.get().to_string()
                >
                    {move || i18n.t(Msg::LoginButton)}
                </button>
                <p class="login__status" role="status">
                    {move || pending.get().then(|| i18n.t(Msg::LoggingIn))}
                </p>
                // Another build: a page load (`rel="external"` keeps the router out of it).
                <p class="login__apply">
                    <a href=crate::app_part::APPLY_PATH rel="external">{move || i18n.t(Msg::ApplyLink)}</a>
                </p>
            </form>
            <Show when=move || session.logged_out_user().is_some()>
                <DeviceDataOffer/>
            </Show>
            <details class="login__server">
                <summary class="login__server-summary">
                    {move || i18n.t(Msg::ServerSection)}
                </summary>
                <div class="field">
                    <label class="field__label" for="login-api-base">
                        {move || i18n.t(Msg::ServerUrl)}
                    </label>
                    <input
                        class="field__input"
                        id="login-api-base"
                        type="url"
                        inputmode="url"
                        placeholder="https://"
                        aria-describedby="login-api-base-hint"
                        prop:value=move || base.get()
                        on:input=move |ev| {
                            saved.set(false);
                            base.set(event_target_value(&ev));
                        }
                    />
                    <p class="field__hint" id="login-api-base-hint">
                        {move || i18n.t(Msg::ServerUrlHint)}
                    </p>
                </div>
                <button type="button" class="button button--secondary" on:click=save_base>
                    {move || i18n.t(Msg::ServerSave)}
                </button>
                <p class="login__status" role="status">
                    {move || saved.get().then(|| i18n.t(Msg::ServerSaved))}
                </p>
            </details>
        </div>
    }
}
