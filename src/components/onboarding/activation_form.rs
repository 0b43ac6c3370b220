//! Activating an account with its one-time link: the pledge, two-step verification, the
//! password; then logged in, with the recovery codes shown once.

use leptos::prelude::*;
use tsunagu_api::{Activate, ActivationInfo, ErrorCode, TwoFactorEnrolment};

use super::enrolment_qr::EnrolmentQr;
use super::field_problem::problem_text;
use super::pledge_box::PledgeBox;
use super::recovery_codes::RecoveryCodeList;
use crate::api::{self, ApiError, Client};
use crate::components::text_field::TextField;
use crate::i18n::{api_error_text, use_i18n, with_note, Msg};
use crate::session::use_session;

/// Why the form was not sent.
#[derive(Debug, Clone, PartialEq)]
enum Refused {
    Field(&'static str, ErrorCode),
    Pledge,
    Mismatch,
    /// Two-step verification chosen, no code yet.
    CodeNeeded,
    Api(ApiError),
}

/// Checks the password and the choices before sending, with the server's rule (8+ characters
/// with two-step verification, else 13+ of mixed kinds; never the login ID).
fn check(
    login_id: &str,
    password: &str,
    confirm: &str,
    accepted: bool,
    two_factor: bool,
    code: &str,
) -> Result<(), Refused> {
    if !accepted {
        return Err(Refused::Pledge);
    }
    if two_factor && code.trim().is_empty() {
        return Err(Refused::CodeNeeded);
    }
    tsunagu_api::password_policy::check(password, login_id, two_factor)
        .map_err(|_| Refused::Field("password", ErrorCode::PasswordTooWeak))?;
    if password != confirm {
        return Err(Refused::Mismatch);
    }
    Ok(())
}

/// The activation form for an open link: whose account, the pledge, 2段階認証 (required by the
/// operator, or chosen: QR code, key, first code), the password twice, 有効化してログイン. Then
/// the recovery codes once, and on into the nurse's app.
#[component]
pub fn ActivationForm(
    /// Whose account the link activates.
    info: ActivationInfo,
    /// The link's secret.
    token: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let go = crate::app_part::use_go();
    let required = info.two_factor_required;
    let want_two_factor = RwSignal::new(true);
    let enrolment = RwSignal::new(None::<TwoFactorEnrolment>);
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let accepted = RwSignal::new(false);
    let refused = RwSignal::new(None::<Refused>);
    let codes = RwSignal::new(None::<Vec<String>>);
    let version = info.pledge.version;
    let login_id = info.login_id.clone();
    let two_factor = move || required || want_two_factor.get();

    let token_for_qr = token.clone();
    let show_qr = Action::new_local(move |_: &()| {
        let token = token_for_qr.clone();
        let client = Client::new(api::api_base(), None);
        async move {
            match client.start_activation_two_factor(&token).await {
                Ok(e) => enrolment.set(Some(e)),
                Err(e) => refused.set(Some(Refused::Api(e))),
            }
        }
    });
    let go_home = go.clone();
    let activate = Action::new_local(move |body: &Activate| {
        let body = body.clone();
        let token = token.clone();
        let go = go_home.clone();
        let client = Client::new(api::api_base(), None);
        async move {
            match client.activate(&token, &body).await {
                Ok(done) => {
                    session.set_session(done.session);
                    if done.recovery_codes.is_empty() {
                        go("/");
                    } else {
                        codes.set(Some(done.recovery_codes));
                    }
                }
                Err(e) => refused.set(Some(Refused::Api(e))),
            }
        }
    });
    let busy = move || activate.pending().get() || show_qr.pending().get();

    let login_for_check = login_id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy() {
            return;
        }
        let with_code = two_factor() && enrolment.get_untracked().is_some();
        let (pw, again, c) = (
            password.get_untracked(),
            confirm.get_untracked(),
            code.get_untracked(),
        );
        if let Err(r) = check(
            &login_for_check,
            &pw,
            &again,
            accepted.get_untracked(),
            two_factor(),
            &c,
        ) {
            refused.set(Some(r));
            return;
        }
        refused.set(None);
        activate.dispatch(Activate {
            password: pw,
            pledge_version: version,
            code: with_code.then(|| c.trim().to_owned()),
        });
    };

    let alert = move || {
        let locale = i18n.locale();
        refused.get().map(|r| {
            let text = match r {
                Refused::Field(field, code) => problem_text(field, code, locale),
                Refused::Pledge => Msg::PledgeRequired.text(locale).to_owned(),
                Refused::Mismatch => Msg::PasswordMismatch.text(locale).to_owned(),
                Refused::CodeNeeded => Msg::TwoFactorCodeNeeded.text(locale).to_owned(),
                Refused::Api(e) => api_error_text(&e, locale).to_owned(),
            };
            view! { <p class="login__error" role="alert">{text}</p> }
        })
    };
    let facility = info.facility.map(|f| f.name).unwrap_or_default();
    let (name, login_id) = (info.display_name, info.login_id);
    // Its own reactive text: switching the language must not rebuild the form being filled.
    let who = move || format!("{facility} {}", with_note(&name, &login_id, i18n.locale()));

    let form = move || {
        let who = who.clone();
        let pledge = info.pledge.clone();
        view! {
            <form class="activate__form" on:submit=on_submit.clone() aria-labelledby="activate-title">
                <h1 class="login__title" id="activate-title">{move || i18n.t(Msg::ActivateTitle)}</h1>
                <p class="activate__who">
                    {move || i18n.t(Msg::ActivateFor)}
                    ": "
                    <strong>{who}</strong>
                </p>
                <PledgeBox pledge accepted id="activate-pledge"/>
                <section class="two-factor" aria-labelledby="two-factor-title">
                    <h2 class="two-factor__title" id="two-factor-title">{move || i18n.t(Msg::TwoFactorTitle)}</h2>
                    {if required {
                        view! { <p class="two-factor__intro">{move || i18n.t(Msg::TwoFactorRequiredHere)}</p> }.into_any()
                    } else {
                        view! {
                            <label class="activate__opt-in">
                                <input
                                    type="checkbox"
                                    id="activate-two-factor"
                                    prop:checked=move || want_two_factor.get()
                                    on:change=move |ev| want_two_factor.set(event_target_checked(&ev))
                                />
                                " "
                                {move || i18n.t(Msg::TwoFactorOptIn)}
                            </label>
                        }.into_any()
                    }}
                    {move || two_factor().then(|| match enrolment.get() {
                        None => view! {
                            <button type="button" class="button" on:click=move |_| { show_qr.dispatch(()); } disabled=busy>
                                {move || i18n.t(Msg::TwoFactorShowQr)}
                            </button>
                        }.into_any(),
                        Some(e) => view! {
                            <EnrolmentQr enrolment=e/>
                            <TextField id="activate-code" label=Msg::TwoFactorCode value=code autocomplete="one-time-code" required=true/>
                        }.into_any(),
                    })}
                </section>
                <TextField
                    id="activate-password"
                    label=Msg::Password
                    value=password
                    input_type="password"
                    autocomplete="new-password"
                    described_by="activate-password-hint"
                    required=true
                />
                <p class="field__hint" id="activate-password-hint">
                    {move || i18n.t(if two_factor() { Msg::PasswordHintTwoFactor } else { Msg::PasswordHint })}
                </p>
                <TextField
                    id="activate-password-confirm"
                    label=Msg::PasswordConfirm
                    value=confirm
                    input_type="password"
                    autocomplete="new-password"
                    required=true
                />
                {alert}
                <button type="submit" class="button button--primary login__submit" disabled=busy>
                    {move || i18n.t(Msg::ActivateSubmit)}
                </button>
            </form>
        }
    };

    view! {
        {move || match codes.get() {
            None => form().into_any(),
            Some(list) => {
                let go = go.clone();
                view! {
                    <p class="two-factor__state" role="status">{move || i18n.t(Msg::TwoFactorIsOn)}</p>
                    <RecoveryCodeList codes=list/>
                    <button type="button" class="button button--primary" on:click=move |_| go("/")>
                        {move || i18n.t(Msg::ActivateContinue)}
                    </button>
                }
                    .into_any()
            }
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_is_checked_with_the_servers_rule() {
        assert_eq!(
            check("a.b", "Short-pw1", "Short-pw1", false, true, "123456"),
            Err(Refused::Pledge)
        );
        assert_eq!(
            check("a.b", "Short-pw1", "Short-pw1", true, true, " "),
            Err(Refused::CodeNeeded)
        );
        // 8 characters suffice with two-step verification, not without.
        assert_eq!(
            check("a.b", "Short-pw1", "Short-pw1", true, true, "123456"),
            Ok(())
        );
        assert_eq!(
            check("a.b", "Short-pw1", "Short-pw1", true, false, ""),
            Err(Refused::Field("password", ErrorCode::PasswordTooWeak))
        );
        assert_eq!(
            check(
                "a.b",
                "Long-enough-pw-1",
                "Long-enough-pw-2",
                true,
                false,
                ""
            ),
            Err(Refused::Mismatch)
        );
    }
}
