//! Saving one of the dashboard's tables as CSV.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// 「CSVで保存」 for one table: fetches `/operator/dashboard.csv?table=<table>` with the session
/// and saves it as `<table>.csv`; its accessible name says which table. A failure shows under
/// the button.
#[component]
pub fn CsvButton(
    /// The server's name of the table (`facilities`, `weeks`, …), also the file's name.
    table: &'static str,
    /// The table's title, for the button's accessible name.
    title: Msg,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let error = RwSignal::new(None::<ApiError>);
    let save = Action::new_local(move |_: &()| {
        let client = session.client();
        async move {
            match client.dashboard_csv(table).await {
                Ok(bytes) => {
                    error.set(None);
                    crate::download::save_csv(&bytes, &format!("{table}.csv"));
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <button
            type="button"
            class="button button--secondary dashboard__csv"
            aria-label=move || i18n.t(Msg::DashboardCsvOf).replace("{table}", i18n.t(title))
            disabled=move || save.pending().get()
            on:click=move |_| {
                save.dispatch(());
            }
        >
            {move || i18n.t(Msg::DashboardCsv)}
        </button>
        {move || error.get().map(|e| view! { <p role="alert">{move || i18n.api_error(&e)}</p> })}
    }
}
