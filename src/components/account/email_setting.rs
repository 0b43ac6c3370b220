//! メール通知: the caller's notification address, its confirmation code, and the mode.

use leptos::prelude::*;
use tsunagu_api::{EmailMode, EmailNotifications};

use crate::api::{ApiError, Client};
use crate::components::text_field::TextField;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// What the setting shows, decided by the server's answer alone.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    /// The server sends no mail: say so, offer nothing.
    Unavailable,
    /// No address yet: ask for one.
    NoAddress,
    /// A code went to `address`: ask for it.
    Unconfirmed(String),
    /// Mail can go to `address`: choose how often.
    Confirmed(String, EmailMode),
}

fn stage(n: &EmailNotifications) -> Stage {
    match (&n.address, n.available, n.confirmed) {
        (_, false, _) => Stage::Unavailable,
        (None, true, _) => Stage::NoAddress,
        (Some(a), true, false) => Stage::Unconfirmed(a.clone()),
        (Some(a), true, true) => Stage::Confirmed(a.clone(), n.mode),
    }
}

/// A change the member asks for (or the first look).
#[derive(Debug, Clone)]
enum Op {
    Load,
    Address(String),
    Confirm(String),
    Mode(EmailMode),
    Remove,
}

/// Sends `op`; the state after it.
async fn run(client: Client, op: Op) -> Result<EmailNotifications, ApiError> {
    match op {
        Op::Load => {}
        Op::Address(a) => return client.set_email_address(a).await,
        Op::Confirm(c) => return client.confirm_email(c).await,
        Op::Mode(m) => return client.set_email_mode(m).await,
        Op::Remove => client.delete_email().await?,
    }
    client.email_notifications().await
}

/// 「60分ごと」 reads better as 「1時間ごと」.
fn period_text(minutes: u32, i18n: crate::i18n::I18n) -> String {
    if minutes >= 60 && minutes.is_multiple_of(60) {
        i18n.t(Msg::EmailEveryHours)
            .replace("{n}", &(minutes / 60).to_string())
    } else {
        i18n.t(Msg::EmailEveryMinutes)
            .replace("{n}", &minutes.to_string())
    }
}

/// The three modes in the order offered, each with its label.
const MODES: [(EmailMode, Msg); 3] = [
    (EmailMode::Immediate, Msg::EmailImmediate),
    (EmailMode::Digest, Msg::EmailDigest),
    (EmailMode::Off, Msg::EmailOff),
];

/// "メール通知": an address of the member's choice, confirmed with a six-digit code mailed to
/// it, then one of 「投稿ごとにすぐ」「まとめて（1時間ごと）」「受け取らない」. Says that a mail
/// never holds the post; says so when the server sends no mail. Typed text stays in its field
/// when the server refuses it.
#[component]
pub fn EmailSetting() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let state = RwSignal::new(None::<EmailNotifications>);
    let error = RwSignal::new(None::<ApiError>);
    let address = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    // The member asked to give another address while one is set.
    let changing = RwSignal::new(false);

    // One action for every change: one future type in the download instead of five.
    let act = Action::new_local(move |op: &Op| {
        let client = session.client();
        let op = op.clone();
        async move {
            let after_address = matches!(op, Op::Address(_));
            match run(client, op).await {
                Ok(n) => {
                    if after_address {
                        changing.set(false);
                    }
                    code.set(String::new());
                    error.set(None);
                    state.set(Some(n));
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    act.dispatch(Op::Load);
    let busy = move || act.pending().get();
    let digest_minutes = move || state.with(|s| s.as_ref().map_or(60, |n| n.digest_every_minutes));

    let address_form = move || {
        view! {
            <form
                class="email-setting__form"
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    if !busy() {
                        act.dispatch(Op::Address(address.get_untracked().trim().to_owned()));
                    }
                }
            >
                <TextField
                    id="email-address"
                    label=Msg::EmailAddress
                    value=address
                    input_type="email"
                    autocomplete="email"
                    required=true
                />
                <button type="submit" class="button button--primary" disabled=busy>
                    {move || i18n.t(Msg::EmailSendCode)}
                </button>
            </form>
        }
    };
    let change_button = move |sent_to: String| {
        view! {
            <button
                type="button"
                class="button button--secondary"
                disabled=busy
                on:click=move |_| {
                    address.set(sent_to.clone());
                    error.set(None);
                    changing.set(true);
                }
            >
                {move || i18n.t(Msg::EmailChangeAddress)}
            </button>
        }
    };

    let body = move || {
        let Some(s) = state.get() else {
            return ().into_any();
        };
        match stage(&s) {
            Stage::Unavailable => view! {
                <p class="email-setting__note" role="status">{move || i18n.t(Msg::EmailUnavailable)}</p>
            }
            .into_any(),
            Stage::NoAddress => address_form().into_any(),
            Stage::Unconfirmed(_) | Stage::Confirmed(..) if changing.get() => address_form().into_any(),
            Stage::Unconfirmed(sent_to) => {
                let sent = {
                    let to = sent_to.clone();
                    move || i18n.t(Msg::EmailCodeSent).replace("{address}", &to)
                };
                view! {
                    <p class="email-setting__note" role="status">{sent}</p>
                    <form
                        class="email-setting__form"
                        on:submit=move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            if !busy() {
                                act.dispatch(Op::Confirm(code.get_untracked().trim().to_owned()));
                            }
                        }
                    >
                        <TextField
                            id="email-code"
                            label=Msg::EmailCode
                            value=code
                            autocomplete="one-time-code"
                            required=true
                        />
                        <button type="submit" class="button button--primary" disabled=busy>
                            {move || i18n.t(Msg::EmailConfirm)}
                        </button>
                    </form>
                    <p class="email-setting__actions">{change_button(sent_to)}</p>
                }
                .into_any()
            }
            Stage::Confirmed(to, mode) => {
                let shown = to.clone();
                view! {
                    <p class="email-setting__address">
                        {move || i18n.t(Msg::EmailSendsTo)} <strong>{shown}</strong>
                    </p>
                    <fieldset class="email-setting__modes">
                        <legend class="email-setting__legend">{move || i18n.t(Msg::EmailHowOften)}</legend>
                        {MODES
                            .iter()
                            .map(|&(m, label)| {
                                let text = move || {
                                    if m == EmailMode::Digest {
                                        i18n.t(label)
                                            .replace("{period}", &period_text(digest_minutes(), i18n))
                                    } else {
                                        i18n.t(label).to_owned()
                                    }
                                };
                                view! {
                                    <label class="email-setting__mode">
                                        <input
                                            type="radio"
                                            name="email-mode"
                                            prop:checked=mode == m
                                            disabled=busy
                                            on:change=move |_| {
                                                act.dispatch(Op::Mode(m));
                                            }
                                        />
                                        {text}
                                    </label>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                    <p class="email-setting__actions">
                        {change_button(to)}
                        <button
                            type="button"
                            class="button button--secondary"
                            disabled=busy
                            on:click=move |_| {
                                address.set(String::new());
                                act.dispatch(Op::Remove);
                            }
                        >
                            {move || i18n.t(Msg::EmailRemove)}
                        </button>
                    </p>
                }
                .into_any()
            }
        }
    };

    view! {
        <section class="email-setting" aria-labelledby="email-setting-title">
            <h2 class="email-setting__title" id="email-setting-title">
                {move || i18n.t(Msg::EmailTitle)}
            </h2>
            <p class="email-setting__about">{move || i18n.t(Msg::EmailAbout)}</p>
            {move || {
                error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="email-setting__error" role="alert">
                                {move || i18n.api_error(&e)}
                            </p>
                        }
                    })
            }}
            {body}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(available: bool, address: Option<&str>, confirmed: bool) -> EmailNotifications {
        EmailNotifications {
            available,
            address: address.map(str::to_owned),
            confirmed,
            mode: EmailMode::Digest,
            digest_every_minutes: 60,
        }
    }

    #[test]
    fn the_server_answer_decides_the_stage() {
        assert_eq!(
            stage(&answer(false, Some("a@b.jp"), true)),
            Stage::Unavailable
        );
        assert_eq!(stage(&answer(true, None, false)), Stage::NoAddress);
        assert_eq!(
            stage(&answer(true, Some("a@b.jp"), false)),
            Stage::Unconfirmed("a@b.jp".into())
        );
        assert_eq!(
            stage(&answer(true, Some("a@b.jp"), true)),
            Stage::Confirmed("a@b.jp".into(), EmailMode::Digest)
        );
    }
}
