//! A facility's staff (`/manage/staff` for one's own facility, `/manage/staff/:id` for the
//! operator).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use crate::components::staff::activation_link_panel::ActivationLinkPanel;
use crate::components::staff::add_staff_form::AddStaffForm;
use crate::components::staff::staff_import::StaffImportPanel;
use crate::components::staff::staff_row::StaffRow;
use crate::components::staff::{provide_staff_page, use_staff_page};
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// "職員の管理": the facility named in the path, else the viewer's own. Whoever may not manage
/// it gets the server's answer (not found).
#[component]
pub fn StaffPage() -> impl IntoView {
    let params = use_params_map();
    let session = use_session();
    let facility = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|id| Uuid::parse_str(&id).ok())
            .or_else(|| session.me().and_then(|m| m.facility.map(|f| f.id)))
    };
    view! {
        {move || facility().map(|id| view! { <StaffOf facility=id/> })}
    }
}

/// The staff page of one facility.
#[component]
fn StaffOf(
    /// The facility.
    facility: Uuid,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let page = provide_staff_page(facility);
    let list = crate::load::load(move || {
        page.version.track();
        let client = session.client();
        async move { client.staff(facility).await }
    });
    view! {
        <div class="staff">
            <h1 class="staff__title">
                {move || i18n.t(Msg::StaffTitle)}
                {move || list.get().and_then(Result::ok).map(|l| format!(" — {}", l.facility.name))}
            </h1>
            {move || page.error.get().map(|e| view! {
                <p class="login__error" role="alert">{move || i18n.api_error(&e)}</p>
            })}
            <IssuedLinks/>
            {move || match list.get() {
                None => view! { <p>{move || i18n.t(Msg::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="login__error" role="alert">{move || i18n.api_error(&e)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <table class="staff__table">
                        <thead>
                            <tr>
                                <th scope="col">{move || i18n.t(Msg::DisplayName)}</th>
                                <th scope="col">{move || i18n.t(Msg::Profession)}</th>
                                <th scope="col">{move || i18n.t(Msg::LoginId)}</th>
                                <th scope="col">{move || i18n.t(Msg::StaffStatus)}</th>
                                <th scope="col"></th>
                            </tr>
                        </thead>
                        <tbody>
                            {list.items.into_iter().map(|staff| view! { <StaffRow staff/> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
            <AddStaffForm/>
            <StaffImportPanel/>
        </div>
    }
}

/// The links issued on this visit, newest first.
#[component]
fn IssuedLinks() -> impl IntoView {
    let page = use_staff_page();
    view! {
        {move || page.issued.get().into_iter().map(|s| view! {
            <ActivationLinkPanel link=s.activation name=s.staff.display_name/>
        }).collect_view()}
    }
}
