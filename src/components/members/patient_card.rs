//! The patient profile of a patient group.

use leptos::prelude::*;
use tsunagu_api::PatientProfile;

use super::patient_form::PatientForm;
use crate::i18n::labels::{age_on, birth_with_age};
use crate::i18n::{use_i18n, Msg};

/// Today in Japan, `YYYY-MM-DD`.
pub fn today_in_japan() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(9))
        .format("%Y-%m-%d")
        .to_string()
}

/// Name, kana, birth date with age, 主治医, ケアマネジャー and notes; admins get "編集", which
/// swaps the card for the form.
#[component]
pub fn PatientCard(
    /// The profile.
    profile: PatientProfile,
    /// Whether the caller may edit it.
    can_edit: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    let p = profile.clone();
    view! {
        <section class="members__section patient-card" aria-labelledby="patient-heading">
            <h2 class="members__heading" id="patient-heading">
                {move || i18n.t(Msg::PatientProfile)}
            </h2>
            <Show
                when=move || editing.get()
                fallback=move || {
                    let p = p.clone();
                    let not_set = move || i18n.t(Msg::NotSet).to_owned();
                    let birth = p.birth_date.clone();
                    let physician = p.attending_physician.as_ref().map(|a| a.display_name.clone());
                    let cm = p.care_manager.as_ref().map(|a| a.display_name.clone());
                    view! {
                        <dl class="patient-card__fields">
                            <dt>{move || i18n.t(Msg::PatientName)}</dt>
                            <dd>{p.name.clone()}</dd>
                            <dt>{move || i18n.t(Msg::NameKana)}</dt>
                            <dd>{p.name_kana.clone()}</dd>
                            <dt>{move || i18n.t(Msg::BirthDate)}</dt>
                            <dd>
                                {move || match &birth {
                                    Some(b) => {
                                        birth_with_age(b, age_on(b, &today_in_japan()), i18n.locale())
                                    }
                                    None => not_set(),
                                }}
                            </dd>
                            <dt>{move || i18n.t(Msg::AttendingPhysician)}</dt>
                            <dd>{move || physician.clone().unwrap_or_else(not_set)}</dd>
                            <dt>{move || i18n.t(Msg::CareManager)}</dt>
                            <dd>{move || cm.clone().unwrap_or_else(not_set)}</dd>
                            <dt>{move || i18n.t(Msg::Notes)}</dt>
                            <dd class="patient-card__notes">{p.notes.clone()}</dd>
                        </dl>
                        {can_edit
                            .then(|| {
                                view! {
                                    <button
                                        type="button"
                                        class="button button--secondary"
                                        on:click=move |_| editing.set(true)
                                    >
                                        {move || i18n.t(Msg::Edit)}
                                    </button>
                                }
                            })}
                    }
                }
            >
                <PatientForm
                    profile=profile.clone()
                    on_done=Callback::new(move |()| editing.set(false))
                />
            </Show>
        </section>
    }
}
