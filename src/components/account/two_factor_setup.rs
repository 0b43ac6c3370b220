//! Setting up two-step verification: password, QR code and first code, recovery codes once.

use leptos::prelude::*;
use tsunagu_api::TwoFactorEnrolment;

use crate::api::ApiError;
use crate::components::onboarding::enrolment_qr::EnrolmentQr;
use crate::components::onboarding::recovery_codes::RecoveryCodeList;
use crate::components::text_field::TextField;
use crate::i18n::{api_error_text, use_i18n, Msg};
use crate::session::{refresh_me, use_session};

/// Where the setup is.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// Not started here (on or off: the account says which).
    Idle,
    /// The secret was issued: scan it and confirm with a code.
    Scanning(TwoFactorEnrolment),
    /// On; the recovery codes, shown this once.
    Done(Vec<String>),
}

/// "2段階認証": on, or how to turn it on. Setting up asks for the current password, shows the
/// QR code and the key for the authenticator app, turns it on with the first code the app
/// shows, and then shows the recovery codes once.
#[component]
pub fn TwoFactorSetup() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let step = RwSignal::new(Step::Idle);
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let is_on = move || session.me().is_some_and(|m| m.two_factor);

    let start = Action::new_local(move |_: &()| {
        let client = session.client();
        let pw = password.get_untracked();
        async move {
            match client.start_two_factor(pw).await {
                Ok(enrolment) => {
                    password.set(String::new());
                    error.set(None);
                    step.set(Step::Scanning(enrolment));
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let confirm = Action::new_local(move |_: &()| {
        let client = session.client();
        let typed = code.get_untracked().trim().to_owned();
        async move {
            match client.confirm_two_factor(typed).await {
                Ok(codes) => {
                    error.set(None);
                    step.set(Step::Done(codes.recovery_codes));
                    refresh_me(session);
                }
                Err(e) => {
                    code.set(String::new());
                    error.set(Some(e));
                }
            }
        }
    });
    let busy = move || start.pending().get() || confirm.pending().get();
    let alert = move || {
        error.get().map(|e| {
            view! {
                <p class="two-factor__error" role="alert">
                    {move || api_error_text(&e, i18n.locale())}
                </p>
            }
        })
    };

    let body = move || match step.get() {
        Step::Idle if is_on() => view! {
            <p class="two-factor__state" role="status">{move || i18n.t(Msg::TwoFactorIsOn)}</p>
        }
        .into_any(),
        Step::Idle => view! {
            <p class="two-factor__intro">{move || i18n.t(Msg::TwoFactorIsOff)}</p>
            <form
                class="two-factor__form"
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    if !busy() {
                        start.dispatch(());
                    }
                }
            >
                {alert}
                <TextField
                    id="two-factor-password"
                    label=Msg::CurrentPassword
                    value=password
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                />
                <button type="submit" class="button button--primary" disabled=busy>
                    {move || i18n.t(Msg::TwoFactorStart)}
                </button>
            </form>
        }
        .into_any(),
        Step::Scanning(enrolment) => view! {
            <EnrolmentQr enrolment/>
            <form
                class="two-factor__form"
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    if !busy() {
                        confirm.dispatch(());
                    }
                }
            >
                {alert}
                <TextField
                    id="two-factor-code"
                    label=Msg::TwoFactorCode
                    value=code
                    autocomplete="one-time-code"
                    required=true
                />
                <button type="submit" class="button button--primary" disabled=busy>
                    {move || i18n.t(Msg::TwoFactorConfirm)}
                </button>
            </form>
        }
        .into_any(),
        Step::Done(codes) => view! {
            <p class="two-factor__state" role="status">{move || i18n.t(Msg::TwoFactorIsOn)}</p>
            <RecoveryCodeList codes/>
        }
        .into_any(),
    };

    view! {
        <section class="two-factor" aria-labelledby="two-factor-title">
            <h2 class="two-factor__title" id="two-factor-title">
                {move || i18n.t(Msg::TwoFactorTitle)}
            </h2>
            {body}
        </section>
    }
}
