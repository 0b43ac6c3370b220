//! The registered facilities, grouped by facility type.

use leptos::prelude::*;
use tsunagu_api::FacilitySummary;

use super::person_search::FACILITY_KINDS;
use crate::i18n::{facility_kind_label, use_i18n, Msg};
use crate::session::use_session;

/// One section per facility type (translated type name as its heading) listing its facilities
/// with their number of registered staff.
#[component]
pub fn FacilityList() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let facilities = crate::load::load(move || {
        let client = session.client();
        async move { client.facilities().await }
    });
    view! {
        <div class="facility-list">
            {move || match facilities.get() {
                None => view! { <p>{i18n.t(Msg::Loading)}</p> }.into_any(),
                Some(Err(err)) => {
                    view! { <p role="alert">{move || i18n.api_error(&err)}</p> }.into_any()
                }
                Some(Ok(list)) => {
                    FACILITY_KINDS
                        .into_iter()
                        .filter_map(|kind| {
                            let items: Vec<FacilitySummary> = list
                                .items
                                .iter()
                                .filter(|f| f.kind == kind)
                                .cloned()
                                .collect();
                            (!items.is_empty())
                                .then(|| {
                                    view! {
                                        <section class="facility-list__kind">
                                            <h3 class="facility-list__heading">
                                                {move || facility_kind_label(kind, i18n.locale())}
                                            </h3>
                                            <ul class="facility-list__items">
                                                {items
                                                    .into_iter()
                                                    .map(|f| {
                                                        let staff = f.staff_count;
                                                        view! {
                                                            <li class="facility-list__item">
                                                                <span>{f.name}</span>
                                                                <span class="facility-list__staff">
                                                                    {move || i18n.t(Msg::Staff)}
                                                                    " "
                                                                    {move || crate::i18n::member_count(
                                                                        staff,
                                                                        i18n.locale(),
                                                                    )}
                                                                </span>
                                                            </li>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        </section>
                                    }
                                })
                        })
                        .collect_view()
                        .into_any()
                }
            }}
        </div>
    }
}
