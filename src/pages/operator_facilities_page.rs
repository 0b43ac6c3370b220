//! The facilities, for their staff (`/operator/facilities`).

use leptos::prelude::*;

use crate::components::operator::facility_table::FacilityTable;
use crate::i18n::{use_i18n, Msg};

/// "施設とスタッフ": every facility, each opening its staff management (a page of the management
/// build).
#[component]
pub fn OperatorFacilitiesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="operator-page">
            <h1 class="operator-page__title">{move || i18n.t(Msg::OperatorFacilities)}</h1>
            <p class="operator-page__hint">{move || i18n.t(Msg::FacilitiesHint)}</p>
            <FacilityTable/>
        </div>
    }
}
