//! The access log (`/manage/access-log`), for the operator and facility administrators.

use leptos::prelude::*;
use tsunagu_api::AccessLogEntry;

use crate::api::encode_query_value;
use crate::components::text_field::TextField;
use crate::i18n::{use_i18n, with_note, Msg};
use crate::session::use_session;
use crate::time_format::{datetime_attr, format_datetime};

/// The query string of the filters: an action text and a day range (`YYYY-MM-DD`, local days
/// as the browser gives them, read as UTC midnights), and the page's keyset.
pub fn filters(action: &str, from: &str, to: &str, before: Option<i64>) -> String {
    let mut parts = vec!["limit=50".to_owned()];
    if !action.trim().is_empty() {
        parts.push(format!("action={}", encode_query_value(action.trim())));
    }
    if !from.is_empty() {
        parts.push(format!("from={}T00:00:00.000Z", encode_query_value(from)));
    }
    if !to.is_empty() {
        parts.push(format!("to={}T23:59:59.999Z", encode_query_value(to)));
    }
    if let Some(b) = before {
        parts.push(format!("before={b}"));
    }
    format!("?{}", parts.join("&"))
}

/// "アクセスログ": filters (操作, 開始日, 終了日), the entries newest first (日時, 誰が, 操作,
/// グループ, 接続元), さらに古いログ, and CSVで書き出す of what the filters select.
#[component]
pub fn AccessLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let action = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let entries = RwSignal::new(Vec::<AccessLogEntry>::new());
    let next = RwSignal::new(None::<i64>);
    let error = RwSignal::new(None::<crate::api::ApiError>);
    let load = Action::new_local(move |before: &Option<i64>| {
        let query = filters(
            &action.get_untracked(),
            &from.get_untracked(),
            &to.get_untracked(),
            *before,
        );
        let append = before.is_some();
        let client = session.client();
        async move {
            match client.access_log(&query).await {
                Ok(page) => {
                    if append {
                        entries.update(|e| e.extend(page.items));
                    } else {
                        entries.set(page.items);
                    }
                    next.set(page.next_before);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    load.dispatch(None);
    let export = Action::new_local(move |_: &()| {
        let query = filters(
            &action.get_untracked(),
            &from.get_untracked(),
            &to.get_untracked(),
            None,
        );
        let client = session.client();
        async move {
            let path = format!("/access-log.csv{query}");
            match client
                .fetch(gloo_net::http::Method::GET, &path, None, None)
                .await
            {
                Ok(resp) => {
                    if let Ok(bytes) = resp.binary().await {
                        crate::download::save_csv(&bytes, "access-log.csv");
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <div class="access-log">
            <h1 class="access-log__title">{move || i18n.t(Msg::AccessLogTitle)}</h1>
            <p class="field__hint">{move || i18n.t(Msg::AccessLogHint)}</p>
            <form
                class="access-log__filters"
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    load.dispatch(None);
                }
            >
                <TextField id="access-log-action" label=Msg::AccessLogAction value=action/>
                <TextField id="access-log-from" label=Msg::AccessLogFrom value=from input_type="date"/>
                <TextField id="access-log-to" label=Msg::AccessLogTo value=to input_type="date"/>
                <button type="submit" class="button button--primary">{move || i18n.t(Msg::AccessLogSearch)}</button>
                <button type="button" class="button button--secondary" on:click=move |_| { export.dispatch(()); }>
                    {move || i18n.t(Msg::AccessLogExport)}
                </button>
            </form>
            {move || error.get().map(|e| view! { <p class="login__error" role="alert">{move || i18n.api_error(&e)}</p> })}
            <table class="staff__table access-log__table">
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.t(Msg::AccessLogWhen)}</th>
                        <th scope="col">{move || i18n.t(Msg::AccessLogWho)}</th>
                        <th scope="col">{move || i18n.t(Msg::AccessLogWhat)}</th>
                        <th scope="col">{move || i18n.t(Msg::AccessLogGroup)}</th>
                        <th scope="col">{move || i18n.t(Msg::AccessLogFromWhere)}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || entries.get().into_iter().map(|e| {
                        let at = e.at;
                        let who = e.user.map(|u| with_note(&u.display_name, &u.login_id, i18n.locale())).unwrap_or_default();
                        let group = e.group_name.or(e.group_id.map(|g| g.to_string())).unwrap_or_default();
                        view! {
                            <tr>
                                <td><time datetime=datetime_attr(&at)>{move || format_datetime(&at, i18n.locale())}</time></td>
                                <td>{who}</td>
                                <td><code>{e.action}</code></td>
                                <td>{group}</td>
                                <td>{e.client_ip.unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {move || (entries.with(Vec::is_empty) && !load.pending().get()).then(|| view! {
                <p role="status">{move || i18n.t(Msg::AccessLogNone)}</p>
            })}
            {move || next.get().map(|before| view! {
                <button type="button" class="button" on:click=move |_| { load.dispatch(Some(before)); }>
                    {move || i18n.t(Msg::AccessLogMore)}
                </button>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::filters;

    #[test]
    fn filters_make_the_query() {
        assert_eq!(filters(" ", "", "", None), "?limit=50");
        assert_eq!(
            filters("session", "2026-12-01", "2026-12-02", Some(42)),
            "?limit=50&action=session&from=2026-12-01T00:00:00.000Z&to=2026-12-02T23:59:59.999Z&before=42"
        );
    }
}
