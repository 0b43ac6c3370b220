//! The deployment's settings (`/operator/settings`).

use leptos::prelude::*;

use crate::components::operator::policy_form::PolicyForm;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// "設定": the two-factor policy and the idle lock, loaded, then edited in [`PolicyForm`].
#[component]
pub fn OperatorSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let settings = crate::load::load(move || {
        let client = session.client();
        async move { client.settings().await }
    });
    view! {
        <div class="operator-page">
            <h1 class="operator-page__title">{move || i18n.t(Msg::OperatorSettings)}</h1>
            {move || match settings.get() {
                None => view! { <p class="operator-page__status">{i18n.t(Msg::Loading)}</p> }.into_any(),
                Some(Err(err)) => view! { <p role="alert">{move || i18n.api_error(&err)}</p> }.into_any(),
                Some(Ok(settings)) => view! { <PolicyForm settings/> }.into_any(),
            }}
        </div>
    }
}
