//! Editing the patient profile.

use leptos::prelude::*;
use tsunagu_api::{GroupUpdate, PatientProfile, PatientProfileInput};

use super::use_members;
use crate::components::text_field::TextField;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// A form (氏名, よみがな, 生年月日, メモ) saved with `PATCH /groups/{id}`; the physician and the
/// care manager stay as they are.
#[component]
pub fn PatientForm(
    /// The current profile.
    profile: PatientProfile,
    /// Called after saving or cancelling.
    on_done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let ctx = use_members();
    let name = RwSignal::new(profile.name.clone());
    let kana = RwSignal::new(profile.name_kana.clone());
    let birth = RwSignal::new(profile.birth_date.clone().unwrap_or_default());
    let notes = RwSignal::new(profile.notes.clone());
    let physician = profile.attending_physician.as_ref().map(|a| a.id);
    let cm = profile.care_manager.as_ref().map(|a| a.id);
    let save = Action::new_local(move |update: &GroupUpdate| {
        let client = session.client();
        let update = update.clone();
        async move {
            match client.update_group(ctx.group_id, &update).await {
                Ok(_) => {
                    ctx.changed(None);
                    on_done.run(());
                }
                Err(e) => ctx.failed(e),
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let birth = birth.get_untracked();
        save.dispatch(GroupUpdate {
            patient: Some(PatientProfileInput {
                name: name.get_untracked().trim().to_owned(),
                name_kana: kana.get_untracked().trim().to_owned(),
                birth_date: (!birth.is_empty()).then_some(birth),
                attending_physician_id: physician,
                care_manager_id: cm,
                notes: notes.get_untracked(),
            }),
            ..Default::default()
        });
    };
    view! {
        <form class="patient-form" on:submit=on_submit>
            <TextField id="patient-edit-name" label=Msg::PatientName value=name/>
            <TextField id="patient-edit-kana" label=Msg::NameKana value=kana/>
            <TextField id="patient-edit-birth" label=Msg::BirthDate value=birth input_type="date"/>
            <div class="field">
                <label class="field__label" for="patient-edit-notes">
                    {move || i18n.t(Msg::Notes)}
                </label>
                <textarea
                    class="field__input"
                    id="patient-edit-notes"
                    rows="3"
                    prop:value=move || notes.get()
                    on:input=move |ev| notes.set(event_target_value(&ev))
                ></textarea>
            </div>
            <button type="submit" class="button button--primary" disabled=move || save.pending().get()>
                {move || i18n.t(Msg::Save)}
            </button>
            <button type="button" class="button button--ghost" on:click=move |_| on_done.run(())>
                {move || i18n.t(Msg::Cancel)}
            </button>
        </form>
    }
}
