//! Suspending or reactivating a whole facility, from the operator's list of facilities.

use leptos::prelude::*;
use uuid::Uuid;

use crate::components::confirm_button::ConfirmButton;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// "利用停止" (asked first: every staff account of the facility is logged out and suspended) or,
/// for a suspended facility, "停止を解除"; `on_done` reloads the list. Named with the facility
/// for screen readers.
#[component]
pub fn FacilitySuspension(
    /// The facility.
    facility: Uuid,
    /// Its name, for the accessible name.
    name: String,
    /// Whether it is suspended now.
    suspended: bool,
    /// Runs after the change, to reload.
    on_done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let error = RwSignal::new(None::<crate::api::ApiError>);
    let change = Action::new_local(move |_: &()| {
        let client = session.client();
        async move {
            match client.set_facility_suspended(facility, !suspended).await {
                Ok(()) => on_done.run(()),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let label = if suspended {
        Msg::StaffReactivate
    } else {
        Msg::StaffSuspend
    };
    let named = Signal::derive(move || format!("{} {}", i18n.t(label), name));
    view! {
        {if suspended {
            view! {
                <span class="operator-facilities__suspended">{move || i18n.t(Msg::StaffSuspended)}</span>
                <button
                    type="button"
                    class="button button--secondary"
                    aria-label=named
                    on:click=move |_| { change.dispatch(()); }
                >
                    {move || i18n.t(label)}
                </button>
            }
                .into_any()
        } else {
            view! {
                <ConfirmButton
                    label=label
                    aria_label=named
                    question=Msg::FacilitySuspendConfirm
                    on_confirm=Callback::new(move |()| { change.dispatch(()); })
                    class="button--danger"
                />
            }
                .into_any()
        }}
        {move || error.get().map(|e| view! { <span role="alert">{move || i18n.api_error(&e)}</span> })}
    }
}
