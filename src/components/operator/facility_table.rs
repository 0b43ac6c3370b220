//! The facilities, each a way to its staff.

use leptos::prelude::*;

use super::facility_suspension::FacilitySuspension;
use crate::app_part::link_rel;
use crate::i18n::{facility_kind_label, member_count, use_i18n, Msg};
use crate::session::use_session;

/// Every registered facility (by type, then kana, as the directory lists them): its name,
/// linking to its staff management (`/manage/staff/{id}`, a page of the management build),
/// its type, its number of registered staff, and suspending or reactivating the facility.
#[component]
pub fn FacilityTable() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let version = RwSignal::new(0u32);
    let reload = Callback::new(move |()| version.update(|v| *v += 1));
    let facilities = crate::load::load(move || {
        version.track();
        let client = session.client();
        async move { client.facilities().await }
    });
    move || match facilities.get() {
        None => {
            view! { <p class="operator-facilities__status">{i18n.t(Msg::Loading)}</p> }.into_any()
        }
        Some(Err(err)) => view! { <p role="alert">{move || i18n.api_error(&err)}</p> }.into_any(),
        Some(Ok(list)) if list.items.is_empty() => {
            view! { <p class="operator-facilities__status">{move || i18n.t(Msg::NoFacilities)}</p> }
                .into_any()
        }
        Some(Ok(list)) => view! {
            <ul class="operator-facilities">
                {list
                    .items
                    .into_iter()
                    .map(|f| {
                        let href = format!("/manage/staff/{}", f.id);
                        let kind = f.kind;
                        let staff = f.staff_count;
                        let (id, name, suspended) = (f.id, f.name.clone(), f.suspended);
                        view! {
                            <li class="operator-facilities__item">
                                <a
                                    class="operator-facilities__name"
                                    href=href.clone()
                                    rel=link_rel(&href)
                                >
                                    {f.name}
                                </a>
                                <span class="operator-facilities__kind">
                                    {move || facility_kind_label(kind, i18n.locale())}
                                </span>
                                <span class="operator-facilities__staff">
                                    {move || i18n.t(Msg::Staff)}
                                    " "
                                    {move || member_count(staff, i18n.locale())}
                                </span>
                                <FacilitySuspension facility=id name suspended on_done=reload/>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    }
}
