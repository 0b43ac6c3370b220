//! The offer, right after a logout, to remove the user's data from this device.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::device_data::{erase, next_step, unsent_posts, EraseStep};
use crate::i18n::{use_i18n, Msg};
use crate::post_view::fill;
use crate::session::use_session;

/// Shown on the login page after the user logged out in this tab: "ログアウトしました" and the
/// button 「この端末のデータを削除」, which removes that user's drafts, their session copies and
/// their outbox from this device (a shared tablet's next user never sees them anyway: they are
/// keyed by user). When posts are still waiting to be sent it first warns, with their count,
/// and removes only after 「送信せずに削除」; 「キャンセル」 keeps everything. Mount it only while
/// [`crate::session::SessionCtx::logged_out_user`] is set.
#[component]
pub fn DeviceDataOffer() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let step = RwSignal::new(EraseStep::Offered);

    let run_erase = move || {
        let Some(user) = session.logged_out_user() else {
            return;
        };
        step.set(EraseStep::Erasing);
        spawn_local(async move {
            let done = erase(user).await;
            step.try_set(if done.is_ok() {
                EraseStep::Done
            } else {
                EraseStep::Failed
            });
        });
    };
    let on_erase = move |_| {
        let Some(user) = untrack(|| session.logged_out_user()) else {
            return;
        };
        step.set(EraseStep::Checking);
        spawn_local(async move {
            match unsent_posts(user).await.map(next_step) {
                Ok(EraseStep::Erasing) => untrack(run_erase),
                Ok(next) => {
                    step.try_set(next);
                }
                Err(_) => {
                    step.try_set(EraseStep::Failed);
                }
            }
        });
    };

    // One fixed structure whose parts are hidden or filled by the step (smaller than a view per
    // step).
    let offered = move || matches!(step.get(), EraseStep::Offered | EraseStep::Failed);
    let warned = move || matches!(step.get(), EraseStep::Warn(_));
    let alert = move || match step.get() {
        EraseStep::Warn(n) => fill(
            i18n.t(Msg::DeviceDataUnsentWarning),
            &[("n", &n.to_string())],
        ),
        EraseStep::Failed => i18n.t(Msg::DeviceDataFailed).to_owned(),
        _ => String::new(),
    };
    let status = move || match step.get() {
        EraseStep::Checking | EraseStep::Erasing => i18n.t(Msg::DeviceDataWorking),
        EraseStep::Done => i18n.t(Msg::DeviceDataErased),
        _ => "",
    };

    view! {
        <section class="device-data" aria-labelledby="device-data-title">
            <h2 class="device-data__title" id="device-data-title">
                {move || i18n.t(Msg::LoggedOut)}
            </h2>
            <p class="device-data__hint" hidden=move || !offered()>
                {move || i18n.t(Msg::DeviceDataHint)}
            </p>
            <p class="device-data__alert" role="alert" hidden=move || alert().is_empty()>
                {alert}
            </p>
            <div class="device-data__actions">
                <button
                    type="button"
                    class="button button--secondary"
                    hidden=move || !offered()
                    on:click=on_erase
                >
                    {move || i18n.t(Msg::DeviceDataErase)}
                </button>
                <button
                    type="button"
                    class="button button--danger"
                    hidden=move || !warned()
                    on:click=move |_| untrack(run_erase)
                >
                    {move || i18n.t(Msg::DeviceDataEraseAnyway)}
                </button>
                <button
                    type="button"
                    class="button button--secondary"
                    hidden=move || !warned()
                    on:click=move |_| step.set(EraseStep::Offered)
                >
                    {move || i18n.t(Msg::Cancel)}
                </button>
            </div>
            <p class="device-data__status" role="status">
                {status}
            </p>
        </section>
    }
}
