//! Adding a staff member: name, kana, profession, login ID; then their activation link.

use leptos::prelude::*;
use tsunagu_api::{NewStaff, Profession};

use super::use_staff_page;
use crate::components::onboarding::field_problem::problem_text;
use crate::components::onboarding::profession_select::ProfessionSelect;
use crate::components::text_field::TextField;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// "職員を追加": 氏名, ふりがな, 職種, ログインID and "追加して有効化リンクを発行". Checked with the
/// server's rules first (the refused field is named); the fields clear once added and the link
/// appears above the list.
#[component]
pub fn AddStaffForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let page = use_staff_page();
    let name = RwSignal::new(String::new());
    let kana = RwSignal::new(String::new());
    let profession = RwSignal::new(Profession::Nurse);
    let login_id = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<(&'static str, tsunagu_api::ErrorCode)>);

    let add = Action::new_local(move |staff: &NewStaff| {
        let staff = staff.clone();
        let client = session.client();
        async move {
            match client.add_staff(page.facility, &staff).await {
                Ok(added) => {
                    name.set(String::new());
                    kana.set(String::new());
                    login_id.set(String::new());
                    page.issued(vec![added]);
                }
                Err(e) => page.error.set(Some(e)),
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if add.pending().get_untracked() {
            return;
        }
        let mut staff = NewStaff {
            display_name: name.get_untracked(),
            display_name_kana: kana.get_untracked(),
            profession: profession.get_untracked(),
            login_id: login_id.get_untracked(),
        };
        match tsunagu_api::onboarding_rules::normalise_staff(&mut staff) {
            Err(refused) => problem.set(Some(refused)),
            Ok(()) => {
                problem.set(None);
                add.dispatch(staff);
            }
        }
    };
    view! {
            <form class="staff__add" on:submit=on_submit aria-labelledby="staff-add-title">
                <h2 class="staff__heading" id="staff-add-title">{move || i18n.t(Msg::StaffAdd)}</h2>
                {move || problem.get().map(|(field, code)| view! {
                    <p class="login__error" role="alert">{problem_text(field, code, i18n.locale())}</p>
                })}
                <TextField id="staff-name" label=Msg::DisplayName value=name required=true/>
                <TextField id="staff-kana" label=Msg::NameKana value=kana required=true/>
    <ProfessionSelect id="staff-profession" value=profession/>
                <TextField id="staff-login-id" label=Msg::LoginId value=login_id autocomplete="off" required=true/>
                <button type="submit" class="button button--primary" disabled=move || add.pending().get()>
                    {move || i18n.t(Msg::StaffAddSubmit)}
                </button>
            </form>
        }
}
