//! Creating a group (`/groups/new`).

use leptos::prelude::*;

use crate::app_part::{link_rel, use_go};
use tsunagu_api::{
    DirectoryPerson, GroupKind, NewGroup, PatientProfileInput, PhysicianRule, Profession,
};

use crate::api::ApiError;
use crate::components::group_list::GroupListRefresh;
use crate::components::new_group::person_picker::PersonPicker;
use crate::components::text_field::TextField;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// Status used for errors found before sending.
const LOCAL_VALIDATION_STATUS: u16 = 422;

/// "新しいグループ": kind (患者グループ / 職場グループ); for patients 氏名, よみがな, 生年月日,
/// 主治医 and ケアマネジャー (chosen in the directory), メモ and the physician rule; for
/// workplaces グループ名. "作成" creates it and opens it.
#[component]
pub fn NewGroupPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let go = use_go();
    let refresh = use_context::<GroupListRefresh>();
    let kind = RwSignal::new(GroupKind::Patient);
    let name = RwSignal::new(String::new());
    let kana = RwSignal::new(String::new());
    let birth = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let physician = RwSignal::new(None::<DirectoryPerson>);
    let care_manager = RwSignal::new(None::<DirectoryPerson>);
    let rule = RwSignal::new(PhysicianRule::ApprovalRequired);
    let error = RwSignal::new(None::<ApiError>);

    let create = Action::new_local(move |new: &NewGroup| {
        let client = session.client();
        let new = new.clone();
        let go = go.clone();
        async move {
            match client.create_group(&new).await {
                Ok(g) => {
                    if let Some(r) = refresh {
                        r.bump();
                    }
                    go(&format!("/groups/{}", g.id));
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name_v = name.get_untracked().trim().to_owned();
        let required = |code| {
            error.set(Some(ApiError::Problem {
                status: LOCAL_VALIDATION_STATUS,
                code,
            }))
        };
        if name_v.is_empty()
            || (kind.get_untracked() == GroupKind::Patient
                && kana.get_untracked().trim().is_empty())
        {
            required(tsunagu_api::ErrorCode::FieldRequired);
            return;
        }
        error.set(None);
        let new = match kind.get_untracked() {
            GroupKind::Patient => {
                let b = birth.get_untracked();
                NewGroup {
                    kind: GroupKind::Patient,
                    name: String::new(),
                    patient: Some(PatientProfileInput {
                        name: name_v,
                        name_kana: kana.get_untracked().trim().to_owned(),
                        birth_date: (!b.is_empty()).then_some(b),
                        attending_physician_id: physician
                            .with_untracked(|p| p.as_ref().map(|p| p.id)),
                        care_manager_id: care_manager.with_untracked(|p| p.as_ref().map(|p| p.id)),
                        notes: notes.get_untracked(),
                    }),
                    physician_rule: Some(rule.get_untracked()),
                }
            }
            _ => NewGroup {
                kind: GroupKind::Workplace,
                name: name_v,
                patient: None,
                physician_rule: None,
            },
        };
        create.dispatch(new);
    };

    let is_patient = move || kind.get() == GroupKind::Patient;
    let radio = move |group: &'static str,
                      id: &'static str,
                      label: Msg,
                      checked: Signal<bool>,
                      on: Callback<()>| {
        view! {
            <label class="radio" for=id>
                <input
                    type="radio"
                    id=id
                    name=group
                    prop:checked=move || checked.get()
                    on:change=move |_| on.run(())
                />
                {move || i18n.t(label)}
            </label>
        }
    };

    view! {
        <div class="new-group">
            <div class="group-page__header">
                <a class="group-page__back" href="/" rel=link_rel("/")>
                    {move || i18n.t(Msg::BackToGroups)}
                </a>
                <h1 class="group-page__title">{move || i18n.t(Msg::NewGroup)}</h1>
            </div>
            <form class="new-group__form" on:submit=on_submit>
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{move || i18n.t(Msg::GroupKindLabel)}</legend>
                    {radio(
                        "new-group-kind",
                        "new-group-kind-patient",
                        Msg::KindPatient,
                        Signal::derive(move || kind.get() == GroupKind::Patient),
                        Callback::new(move |()| kind.set(GroupKind::Patient)),
                    )}
                    {radio(
                        "new-group-kind",
                        "new-group-kind-workplace",
                        Msg::KindWorkplace,
                        Signal::derive(move || kind.get() == GroupKind::Workplace),
                        Callback::new(move |()| kind.set(GroupKind::Workplace)),
                    )}
                </fieldset>
                <Show
                    when=is_patient
                    fallback=move || view! { <TextField id="new-group-name" label=Msg::GroupName value=name/> }
                >
                    <TextField id="new-group-patient-name" label=Msg::PatientName value=name/>
                    <TextField id="new-group-kana" label=Msg::NameKana value=kana/>
                    <TextField id="new-group-birth" label=Msg::BirthDate value=birth input_type="date"/>
                    <PersonPicker
                        id="new-group-physician"
                        legend=Msg::AttendingPhysician
                        profession=Profession::Physician
                        chosen=physician
                    />
                    <PersonPicker
                        id="new-group-cm"
                        legend=Msg::CareManager
                        profession=Profession::CareManager
                        chosen=care_manager
                    />
                    <div class="field">
                        <label class="field__label" for="new-group-notes">
                            {move || i18n.t(Msg::Notes)}
                        </label>
                        <textarea
                            class="field__input"
                            id="new-group-notes"
                            rows="3"
                            prop:value=move || notes.get()
                            on:input=move |ev| notes.set(event_target_value(&ev))
                        ></textarea>
                    </div>
                    <fieldset class="fieldset">
                        <legend class="fieldset__legend">
                            {move || i18n.t(Msg::PhysicianRuleLabel)}
                        </legend>
                        {radio(
                            "new-group-rule",
                            "new-group-rule-approval",
                            Msg::RuleApproval,
                            Signal::derive(move || rule.get() == PhysicianRule::ApprovalRequired),
                            Callback::new(move |()| rule.set(PhysicianRule::ApprovalRequired)),
                        )}
                        {radio(
                            "new-group-rule",
                            "new-group-rule-inform",
                            Msg::RuleInform,
                            Signal::derive(move || rule.get() == PhysicianRule::InformOnly),
                            Callback::new(move |()| rule.set(PhysicianRule::InformOnly)),
                        )}
                    </fieldset>
                </Show>
                {move || {
                    error
                        .get()
                        .map(|e| {
                            view! {
                                <p class="form__error" role="alert">
                                    {move || i18n.api_error(&e)}
                                </p>
                            }
                        })
                }}
                <button
                    type="submit"
                    class="button button--primary"
                    disabled=move || create.pending().get()
                >
                    {move || i18n.t(Msg::Create)}
                </button>
            </form>
        </div>
    }
}
