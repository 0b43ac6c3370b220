//! The deployment's settings: who must log in with two-step verification, and the idle lock.

use leptos::prelude::*;
use tsunagu_api::{ErrorCode, FacilityKind, Profession, Settings};

use crate::api::ApiError;
use crate::app_part::link_rel;
use crate::i18n::{facility_kind_label, profession_label, use_i18n, Msg};
use crate::operator_model::{parse_idle_minutes, with_member, IDLE_LOCK_MAX, IDLE_LOCK_MIN};
use crate::session::use_session;

/// What the last save did.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    /// Saved.
    Saved,
    /// Not sent: the idle lock is not 1–120.
    InvalidMinutes,
    /// The server refused.
    Failed(ApiError),
}

/// A checkbox labelled by its own text: checked while `checked` says so, `on_change` with the
/// new state.
fn checkbox(
    label: impl Fn() -> &'static str + Send + Sync + 'static,
    checked: impl Fn() -> bool + Send + Sync + 'static,
    on_change: impl Fn(bool) + 'static,
) -> impl IntoView {
    view! {
        <label class="policy-form__option">
            <input
                type="checkbox"
                class="policy-form__checkbox"
                prop:checked=checked
                on:change=move |ev| on_change(event_target_checked(&ev))
            />
            <span>{label}</span>
        </label>
    }
}

/// "2段階認証を必須にするアカウント": "全員に必須", then a checkbox per facility type (all 10)
/// and per profession (family included); "自動ロックまでの時間（分）" (1–120); "保存". Says
/// when it is saved, and when the policy would cover the operator's own account, which has no
/// two-step verification yet, that it must be set up first in アカウント設定.
#[component]
pub fn PolicyForm(
    /// The settings as loaded.
    settings: Settings,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let everyone = RwSignal::new(settings.two_factor.everyone);
    let kinds = RwSignal::new(settings.two_factor.facility_kinds.clone());
    let professions = RwSignal::new(settings.two_factor.professions.clone());
    let minutes = RwSignal::new(settings.idle_lock_minutes.to_string());
    let remember = RwSignal::new(settings.remember_device);
    // What was loaded (or last saved): a save changes only what this form shows, so settings
    // it does not know about (a newer server's) are sent back as they were.
    let base = StoredValue::new(settings);
    let outcome = RwSignal::new(None::<Outcome>);
    let save = Action::new_local(move |settings: &Settings| {
        let client = session.client();
        let settings = settings.clone();
        async move {
            match client.save_settings(&settings).await {
                Ok(saved) => {
                    everyone.set(saved.two_factor.everyone);
                    remember.set(saved.remember_device);
                    kinds.set(saved.two_factor.facility_kinds.clone());
                    professions.set(saved.two_factor.professions.clone());
                    minutes.set(saved.idle_lock_minutes.to_string());
                    base.set_value(saved);
                    outcome.set(Some(Outcome::Saved));
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if save.pending().get_untracked() {
            return;
        }
        let Some(idle_lock_minutes) = parse_idle_minutes(&minutes.get_untracked()) else {
            outcome.set(Some(Outcome::InvalidMinutes));
            return;
        };
        outcome.set(None);
        let mut settings = base.get_value();
        settings.two_factor.everyone = everyone.get_untracked();
        settings.two_factor.facility_kinds = kinds.get_untracked();
        settings.two_factor.professions = professions.get_untracked();
        settings.idle_lock_minutes = idle_lock_minutes;
        settings.remember_device = remember.get_untracked();
        save.dispatch(settings);
    };
    let message = move || {
        let locale = i18n.locale();
        outcome.get().map(|o| match o {
            Outcome::Saved => view! {
                <p class="policy-form__saved" role="status">{Msg::SettingsSaved.text(locale)}</p>
            }
            .into_any(),
            Outcome::InvalidMinutes => view! {
                <p class="policy-form__error" role="alert">{Msg::IdleLockInvalid.text(locale)}</p>
            }
            .into_any(),
            Outcome::Failed(e) if e.code() == Some(ErrorCode::TwoFactorSetupRequired) => view! {
                <p class="policy-form__error" role="alert">
                    {Msg::SettingsNeedTwoFactor.text(locale)}
                    " "
                    <a href="/manage/account" rel=link_rel("/manage/account")>
                        {Msg::AccountSettings.text(locale)}
                    </a>
                </p>
            }
            .into_any(),
            Outcome::Failed(e) => view! {
                <p class="policy-form__error" role="alert">{crate::i18n::api_error_text(&e, locale)}</p>
            }
            .into_any(),
        })
    };
    let kind_label = |k: FacilityKind| move || facility_kind_label(k, i18n.locale());
    let profession_label_of = |p: Profession| move || profession_label(p, i18n.locale());

    view! {
        <form class="policy-form" on:submit=submit novalidate>
            <fieldset class="policy-form__group">
                <legend class="policy-form__legend">{move || i18n.t(Msg::TwoFactorPolicy)}</legend>
                <p class="policy-form__hint">{move || i18n.t(Msg::TwoFactorPolicyHint)}</p>
                {checkbox(
                    move || i18n.t(Msg::TwoFactorEveryone),
                    move || everyone.get(),
                    move |on| everyone.set(on),
                )}
                <p class="policy-form__hint">{move || i18n.t(Msg::TwoFactorEveryoneHint)}</p>
                <fieldset class="policy-form__group policy-form__group--inner">
                    <legend class="policy-form__legend">{move || i18n.t(Msg::PolicyByKind)}</legend>
                    <div class="policy-form__options">
                        {FacilityKind::ALL
                            .iter()
                            .map(|&k| {
                                checkbox(
                                    kind_label(k),
                                    move || kinds.with(|v| v.contains(&k)),
                                    move |on| {
                                        kinds.update(|v| *v = with_member(v, k, on, FacilityKind::ALL))
                                    },
                                )
                            })
                            .collect_view()}
                    </div>
                </fieldset>
                <fieldset class="policy-form__group policy-form__group--inner">
                    <legend class="policy-form__legend">
                        {move || i18n.t(Msg::PolicyByProfession)}
                    </legend>
                    <div class="policy-form__options">
                        {Profession::ALL
                            .iter()
                            .map(|&p| {
                                checkbox(
                                    profession_label_of(p),
                                    move || professions.with(|v| v.contains(&p)),
                                    move |on| {
                                        professions
                                            .update(|v| *v = with_member(v, p, on, Profession::ALL))
                                    },
                                )
                            })
                            .collect_view()}
                    </div>
                </fieldset>
            </fieldset>
            {checkbox(
                move || i18n.t(Msg::RememberDeviceAllowed),
                move || remember.get(),
                move |on| remember.set(on),
            )}
            <div class="field policy-form__minutes">
                <label class="field__label" for="idle-lock-minutes">
                    {move || i18n.t(Msg::IdleLockMinutes)}
                </label>
                <input
                    class="field__input"
                    id="idle-lock-minutes"
                    type="number"
                    inputmode="numeric"
                    min=IDLE_LOCK_MIN
                    max=IDLE_LOCK_MAX
                    step="1"
                    required
                    aria-describedby="idle-lock-minutes-hint"
                    aria-invalid=move || {
                        (outcome.get() == Some(Outcome::InvalidMinutes)).to_string()
                    }
                    prop:value=move || minutes.get()
                    on:input=move |ev| minutes.set(event_target_value(&ev))
                />
                <p class="field__hint" id="idle-lock-minutes-hint">
                    {move || i18n.t(Msg::IdleLockMinutesHint)}
                </p>
            </div>
            {message}
            <button
                type="submit"
                class="button button--primary policy-form__save"
                disabled=move || save.pending().get()
            >
                {move || i18n.t(Msg::Save)}
            </button>
        </form>
    }
}
