//! A facility's online application (利用申込): the facility, its representative, the pledge.

use leptos::prelude::*;
use tsunagu_api::{ApplicationForm, ApplicationReceipt, FacilityKind, Pledge, Profession};

use super::field_problem::problem_text;
use super::pledge_box::PledgeBox;
use crate::api::{self, ApiError, Client};
use crate::components::onboarding::profession_select::ProfessionSelect;
use crate::components::text_field::TextField;
use crate::i18n::{api_error_text, facility_kind_label, use_i18n, Msg};

/// Why the form was not sent.
#[derive(Debug, Clone, PartialEq)]
enum Refused {
    /// A field the rules refused: its wire name and why.
    Field(&'static str, tsunagu_api::ErrorCode),
    /// The pledge was not accepted.
    Pledge,
    /// The server refused or could not be reached.
    Api(ApiError),
}

/// The application: 施設 (name, kana, kind, address), 代表者 (name, kana, profession, login ID,
/// phone, e-mail), the pledge with its checkbox, and 申し込む. Checked with the server's own
/// rules before sending, so a refusal names its field; nothing typed is lost on a refusal.
#[component]
pub fn ApplicationFormView(
    /// The pledge in force, which the representative accepts.
    pledge: Pledge,
    /// Called with the receipt once the application is queued.
    on_done: Callback<ApplicationReceipt>,
) -> impl IntoView {
    let i18n = use_i18n();
    let facility_name = RwSignal::new(String::new());
    let facility_kana = RwSignal::new(String::new());
    let kind = RwSignal::new(FacilityKind::Clinic);
    let address = RwSignal::new(String::new());
    let rep_name = RwSignal::new(String::new());
    let rep_kana = RwSignal::new(String::new());
    let profession = RwSignal::new(Profession::Physician);
    let login_id = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let accepted = RwSignal::new(false);
    let refused = RwSignal::new(None::<Refused>);
    let version = pledge.version;

    let submit = Action::new_local(move |form: &ApplicationForm| {
        let form = form.clone();
        let client = Client::new(api::api_base(), None);
        async move {
            match client.submit_application(&form).await {
                Ok(receipt) => on_done.run(receipt),
                Err(e) => refused.set(Some(Refused::Api(e))),
            }
        }
    });
    let pending = submit.pending();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let mut form = ApplicationForm {
            facility_name: facility_name.get_untracked(),
            facility_name_kana: facility_kana.get_untracked(),
            facility_kind: kind.get_untracked(),
            address: address.get_untracked(),
            representative_name: rep_name.get_untracked(),
            representative_name_kana: rep_kana.get_untracked(),
            representative_profession: profession.get_untracked(),
            login_id: login_id.get_untracked(),
            phone: phone.get_untracked(),
            email: email.get_untracked(),
            pledge_version: version,
        };
        if let Err((field, code)) = tsunagu_api::onboarding_rules::normalise_application(&mut form)
        {
            refused.set(Some(Refused::Field(field, code)));
            return;
        }
        if !accepted.get_untracked() {
            refused.set(Some(Refused::Pledge));
            return;
        }
        refused.set(None);
        submit.dispatch(form);
    };

    let alert = move || {
        let locale = i18n.locale();
        refused.get().map(|r| {
            let text = match r {
                Refused::Field(field, code) => problem_text(field, code, locale),
                Refused::Pledge => Msg::PledgeRequired.text(locale).to_owned(),
                Refused::Api(e) => api_error_text(&e, locale).to_owned(),
            };
            view! { <p class="login__error" role="alert">{text}</p> }
        })
    };

    view! {
            <form class="apply__form" on:submit=on_submit aria-labelledby="apply-title">
                <h1 class="login__title" id="apply-title">{move || i18n.t(Msg::ApplyTitle)}</h1>
                <p class="apply__intro">{move || i18n.t(Msg::ApplyIntro)}</p>
                <fieldset class="apply__section">
                    <legend>{move || i18n.t(Msg::ApplyFacility)}</legend>
                    <TextField id="apply-facility-name" label=Msg::FacilityName value=facility_name required=true/>
                    <TextField id="apply-facility-kana" label=Msg::FacilityNameKana value=facility_kana required=true/>
                    <div class="field">
                        <label class="field__label" for="apply-kind">{move || i18n.t(Msg::FacilityKind)}</label>
                        <select
                            class="field__input"
                            id="apply-kind"
                            on:change=move |ev| kind.set(FacilityKind::parse(&event_target_value(&ev)))
                        >
                            {FacilityKind::ALL
                                .iter()
                                .map(|&k| view! {
                                    <option value=k.as_str() selected=move || kind.get() == k>
                                        {move || facility_kind_label(k, i18n.locale())}
                                    </option>
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <TextField id="apply-address" label=Msg::Address value=address autocomplete="street-address" required=true/>
                </fieldset>
                <fieldset class="apply__section">
                    <legend>{move || i18n.t(Msg::ApplyRepresentative)}</legend>
                    <TextField id="apply-rep-name" label=Msg::RepresentativeName value=rep_name autocomplete="name" required=true/>
                    <TextField id="apply-rep-kana" label=Msg::NameKana value=rep_kana required=true/>
    <ProfessionSelect id="apply-profession" value=profession/>
                    <TextField
                        id="apply-login-id"
                        label=Msg::LoginId
                        value=login_id
                        autocomplete="username"
                        described_by="apply-login-id-hint"
                        required=true
                    />
                    <p class="field__hint" id="apply-login-id-hint">{move || i18n.t(Msg::LoginIdHint)}</p>
                    <TextField id="apply-phone" label=Msg::Phone value=phone input_type="tel" autocomplete="tel" required=true/>
                    <TextField id="apply-email" label=Msg::Email value=email input_type="email" autocomplete="email" required=true/>
                </fieldset>
                <PledgeBox pledge accepted id="apply-pledge"/>
                {alert}
                <button type="submit" class="button button--primary login__submit" disabled=move || pending.get()>
                    {move || i18n.t(Msg::ApplySubmit)}
                </button>
            </form>
        }
}
