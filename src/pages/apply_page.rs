//! A facility's online application (`/apply`, no login needed).

use leptos::prelude::*;
use tsunagu_api::ApplicationReceipt;

use crate::api::{self, Client};
use crate::components::onboarding::application_form::ApplicationFormView;
use crate::i18n::{use_i18n, Msg};

/// Loads the pledge in force and shows the application form; once sent, the receipt and what
/// happens next.
#[component]
pub fn ApplyPage() -> impl IntoView {
    let i18n = use_i18n();
    let pledge = crate::load::load(move || {
        let client = Client::new(api::api_base(), None);
        async move { client.pledge().await }
    });
    let receipt = RwSignal::new(None::<ApplicationReceipt>);
    let on_done = Callback::new(move |r: ApplicationReceipt| receipt.set(Some(r)));
    view! {
        <div class="login apply">
            <div class="login__card login__card--wide">
                {move || match (receipt.get(), pledge.get()) {
                    (Some(r), _) => view! {
                        <h1 class="login__title">{move || i18n.t(Msg::ApplyTitle)}</h1>
                        <p class="apply__done" role="status">{move || i18n.t(Msg::ApplyDone)}</p>
                        <p class="apply__receipt">
                            {move || i18n.t(Msg::ApplyReceiptNo)}
                            ": "
                            <code>{r.id.to_string()}</code>
                        </p>
                    }
                        .into_any(),
                    (None, None) => view! { <p>{move || i18n.t(Msg::Loading)}</p> }.into_any(),
                    (None, Some(Err(err))) => view! {
                        <h1 class="login__title">{move || i18n.t(Msg::ApplyTitle)}</h1>
                        <p class="login__error" role="alert">{move || i18n.api_error(&err)}</p>
                    }
                        .into_any(),
                    (None, Some(Ok(pledge))) => view! { <ApplicationFormView pledge on_done/> }.into_any(),
                }}
            </div>
        </div>
    }
}
