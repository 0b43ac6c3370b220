//! Searching the directory for a person and acting on the result.

use leptos::prelude::*;
use tsunagu_api::{DirectoryPerson, FacilityKind, Profession};

use crate::api::DirectoryQuery;
use crate::i18n::labels::{honorific, person_action, PersonAction};
use crate::i18n::{facility_kind_label, profession_label, use_i18n, Msg};
use crate::session::use_session;

/// Results per search.
const RESULTS: u32 = 20;

/// Every facility type, for the filter.
pub const FACILITY_KINDS: [FacilityKind; 10] = [
    FacilityKind::Clinic,
    FacilityKind::Hospital,
    FacilityKind::DentalClinic,
    FacilityKind::Pharmacy,
    FacilityKind::CareManagementOffice,
    FacilityKind::HomeNursingStation,
    FacilityKind::HomeHelpOffice,
    FacilityKind::CommunitySupportCenter,
    FacilityKind::Municipality,
    FacilityKind::Other,
];

/// Every profession of a professional, for the filter.
pub const PROFESSIONS: [Profession; 10] = [
    Profession::Physician,
    Profession::Dentist,
    Profession::Pharmacist,
    Profession::Nurse,
    Profession::CareManager,
    Profession::CareWorker,
    Profession::Therapist,
    Profession::SocialWorker,
    Profession::Administrative,
    Profession::Other,
];

/// A search box ("名前・よみ・事業所で検索"), facility-type and profession selects, and the
/// matching people, each with a button (visible `action_text`, accessible name such as
/// "高橋 誠さんを追加") that calls `on_pick`.
#[component]
pub fn PersonSearch(
    /// Prefix of the element ids, unique on the page.
    #[prop(into)]
    id: String,
    /// Visible text of each result's button.
    action_text: Msg,
    /// What the button does, for its accessible name.
    action: PersonAction,
    /// Called with the chosen person.
    on_pick: Callback<DirectoryPerson>,
    /// Only this profession (the profession select is then hidden).
    #[prop(optional)]
    profession: Option<Profession>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let q = RwSignal::new(String::new());
    let kind = RwSignal::new(None::<FacilityKind>);
    let prof = RwSignal::new(profession);
    let results = crate::load::load(move || {
        let query = DirectoryQuery {
            q: q.get(),
            facility_kind: kind.get(),
            profession: prof.get(),
        };
        let client = session.client();
        async move { client.directory_people(&query, RESULTS).await }
    });
    let q_id = format!("{id}-q");
    let kind_id = format!("{id}-kind");
    let prof_id = format!("{id}-profession");

    view! {
        <div class="person-search">
            <div class="person-search__filters">
                <div class="field">
                    <label class="field__label" for=q_id.clone()>
                        {move || i18n.t(Msg::SearchPeople)}
                    </label>
                    <input
                        class="field__input"
                        id=q_id
                        type="search"
                        prop:value=move || q.get()
                        on:input=move |ev| q.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label class="field__label" for=kind_id.clone()>
                        {move || i18n.t(Msg::FacilityKindFilter)}
                    </label>
                    <select
                        class="field__input"
                        id=kind_id
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            kind.set((!v.is_empty()).then(|| FacilityKind::parse(&v)));
                        }
                    >
                        <option value="">{move || i18n.t(Msg::Any)}</option>
                        {FACILITY_KINDS
                            .into_iter()
                            .map(|k| {
                                view! {
                                    <option value=k.as_str()>
                                        {move || facility_kind_label(k, i18n.locale())}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                {profession
                    .is_none()
                    .then(|| {
                        view! {
                            <div class="field">
                                <label class="field__label" for=prof_id.clone()>
                                    {move || i18n.t(Msg::ProfessionFilter)}
                                </label>
                                <select
                                    class="field__input"
                                    id=prof_id.clone()
                                    on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        prof.set((!v.is_empty()).then(|| Profession::parse(&v)));
                                    }
                                >
                                    <option value="">{move || i18n.t(Msg::Any)}</option>
                                    {PROFESSIONS
                                        .into_iter()
                                        .map(|p| {
                                            view! {
                                                <option value=p.as_str()>
                                                    {move || profession_label(p, i18n.locale())}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                        }
                    })}
            </div>
            {move || match results.get() {
                None => view! { <p class="person-search__status">{i18n.t(Msg::Loading)}</p> }.into_any(),
                Some(Err(err)) => {
                    view! { <p role="alert">{move || i18n.api_error(&err)}</p> }.into_any()
                }
                Some(Ok(page)) if page.items.is_empty() => {
                    view! { <p class="person-search__status">{i18n.t(Msg::NoPeople)}</p> }
                        .into_any()
                }
                Some(Ok(page)) => {
                    view! {
                        <ul class="person-search__results">
                            {page
                                .items
                                .into_iter()
                                .map(|person| view! { <PersonRow person action_text action on_pick/> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// One person of the results: name, profession, facility and the action button.
#[component]
fn PersonRow(
    /// The person.
    person: DirectoryPerson,
    /// Visible text of the button.
    action_text: Msg,
    /// What the button does, for its accessible name.
    action: PersonAction,
    /// Called with the person.
    on_pick: Callback<DirectoryPerson>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = person.display_name.clone();
    let profession = person.profession;
    let facility = person.facility.name.clone();
    let picked = person.clone();
    view! {
        <li class="person-row">
            <span class="person-row__name">
                {move || honorific(&person.display_name, i18n.locale())}
            </span>
            <span class="person-row__profession">
                {move || profession_label(profession, i18n.locale())}
            </span>
            <span class="person-row__facility">{facility}</span>
            <button
                type="button"
                class="button button--secondary person-row__action"
                aria-label=move || person_action(action, &name, i18n.locale())
                on:click=move |_| on_pick.run(picked.clone())
            >
                {move || i18n.t(action_text)}
            </button>
        </li>
    }
}
