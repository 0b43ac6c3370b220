//! The account page (`/manage/account`).

use leptos::prelude::*;

use crate::app_part::link_rel;
use crate::components::account::two_factor_setup::TwoFactorSetup;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// "アカウント設定": the user's own account; today its two-step verification, and for an
/// operator the way to the operator console ("事務局", a build of its own: the link is here
/// rather than in the home navigation, which the nurse's app shares and which would grow it).
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let is_operator = move || session.me().is_some_and(|m| m.is_operator);
    view! {
        <div class="account-page">
            <h1 class="account-page__title">{move || i18n.t(Msg::AccountSettings)}</h1>
            <Show when=is_operator>
                <p class="account-page__operator">
                    <a class="button button--secondary" href="/operator" rel=link_rel("/operator")>
                        {move || i18n.t(Msg::OperatorConsole)}
                    </a>
                </p>
            </Show>
            <TwoFactorSetup/>
        </div>
    }
}
