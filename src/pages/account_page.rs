//! The account page (`/manage/account`).

use leptos::prelude::*;

use crate::components::account::two_factor_setup::TwoFactorSetup;
use crate::i18n::{use_i18n, Msg};

/// "アカウント設定": the user's own account; today its two-step verification.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="account-page">
            <h1 class="account-page__title">{move || i18n.t(Msg::AccountSettings)}</h1>
            <TwoFactorSetup/>
        </div>
    }
}
