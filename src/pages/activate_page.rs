//! Activating an account with its one-time link (`/activate/:token`, no login needed).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{self, Client};
use crate::components::onboarding::activation_form::ActivationForm;
use crate::i18n::{use_i18n, Msg};

/// Reads whose account the link activates and shows the activation form, or why the link does
/// not work (used, replaced, expired) and whom to ask.
#[component]
pub fn ActivatePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = Memo::new(move |_| params.with(|p| p.get("token")).unwrap_or_default());
    let info = crate::load::load(move || {
        let token = token.get();
        let client = Client::new(api::api_base(), None);
        async move { client.activation_info(&token).await }
    });
    view! {
        <div class="login activate">
            <div class="login__card login__card--wide">
                {move || match info.get() {
                    None => view! { <p>{move || i18n.t(Msg::Loading)}</p> }.into_any(),
                    Some(Err(err)) => view! {
                        <h1 class="login__title">{move || i18n.t(Msg::ActivateTitle)}</h1>
                        <p class="login__error" role="alert">{move || i18n.api_error(&err)}</p>
                    }
                        .into_any(),
                    Some(Ok(info)) => view! { <ActivationForm info token=token.get_untracked()/> }.into_any(),
                }}
            </div>
        </div>
    }
}
