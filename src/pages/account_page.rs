//! The account page (`/manage/account`).

use leptos::prelude::*;

use crate::app_part::link_rel;
use crate::components::account::email_setting::EmailSetting;
use crate::components::account::push_setting::PushSetting;
use crate::components::account::text_size_setting::TextSizeSetting;
use crate::components::account::two_factor_setup::TwoFactorSetup;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// "アカウント設定": this device's text size and notifications, the user's own account (its two-step verification)
/// and the ways to what the
/// account administers: a facility's staff and the access log (facility administrators), the
/// operator console ("事務局", a build of its own). Here rather than in the home navigation:
/// the nurse's app, which every nurse downloads, does not carry them.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let admin = move || session.me().is_some_and(|m| m.is_facility_admin);
    let is_operator = move || session.me().is_some_and(|m| m.is_operator);
    let reviewer = move || {
        session
            .me()
            .is_some_and(|m| m.is_facility_admin || m.is_operator)
    };
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
            <Show when=admin>
                <p class="account-page__staff">
                    <a class="button button--secondary" href="/manage/staff">{move || i18n.t(Msg::StaffNav)}</a>
                </p>
            </Show>
            <Show when=reviewer>
                <p class="account-page__access-log">
                    <a class="button button--secondary" href="/manage/access-log">{move || i18n.t(Msg::AccessLogTitle)}</a>
                </p>
            </Show>
            <TextSizeSetting/>
            <PushSetting/>
            <EmailSetting/>
            <TwoFactorSetup/>
        </div>
    }
}
