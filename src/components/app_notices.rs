//! Notices about the app itself, above every page: a new version, a saved copy shown offline.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::page_flags::apply_update;

/// Two notices that the service worker's messages show (`public/page.js` sets
/// attributes on the page's root element, and the style shows a notice while its attribute is
/// there):
/// - 「新しいバージョンがあります」 with 「更新する」 once a deployment's service worker is
///   installed and waiting (`data-update="ready"`). Nothing switches by itself: the page
///   reloads on the new version when the user chooses, and drafts and the outbox (IndexedDB)
///   are there after the reload.
/// - while the app's reads are answered from this device's copy (`data-offline-copy`: no
///   network, or the server unreachable), that it is offline and shows what this device saved;
///   posts wait in the outbox until the connection is back.
///
/// Shown by the style rather than by signals and listeners: the same notices for a fraction of
/// the download (docs/performance.md).
#[component]
pub fn AppNotices() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="app-notice app-notice--update" role="status">
            {move || i18n.t(Msg::UpdateReady)}
            <button type="button" class="button button--primary" on:click=move |_| apply_update()>
                {move || i18n.t(Msg::UpdateApply)}
            </button>
        </div>
        <p class="app-notice app-notice--offline" role="status">
            {move || i18n.t(Msg::OfflineCopy)}
        </p>
    }
}
