//! The staff list as CSV: import (a preview with every row's problems, then all rows or none)
//! and export.

use leptos::prelude::*;
use tsunagu_api::{ErrorCode, ImportProblem, StaffImport};
use wasm_bindgen::JsCast;

use super::use_staff_page;
use crate::components::onboarding::field_problem::field_label;
use crate::i18n::{error_text, use_i18n, Locale, Msg};
use crate::session::use_session;

/// A row problem's code (as the server names it) in words.
pub fn problem_words(problem: &ImportProblem, locale: Locale) -> String {
    let reason = match problem.code.as_str() {
        "missing" => error_text(ErrorCode::FieldRequired, locale),
        "too_long" => error_text(ErrorCode::FieldTooLong, locale),
        "login_id_taken" => error_text(ErrorCode::LoginIdTaken, locale),
        "duplicate_in_file" => Msg::CsvDuplicateInFile.text(locale),
        "unknown_profession" => Msg::CsvUnknownProfession.text(locale),
        "not_staff_profession" => Msg::CsvNotStaff.text(locale),
        _ => error_text(ErrorCode::FieldInvalid, locale),
    };
    format!("{}: {reason}", field_label(&problem.field).text(locale))
}

/// "CSVで一括登録": choose the file, 内容を確認 (every row's problems by row number), then すべて
/// 登録 — enabled only when no row has a problem; the links appear above the list. And "CSVで
/// 書き出す", the list as Excel opens it.
#[component]
pub fn StaffImportPanel() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let page = use_staff_page();
    let file = RwSignal::new_local(None::<web_sys::File>);
    let preview = RwSignal::new(None::<StaffImport>);
    let imported = RwSignal::new(None::<usize>);

    let send = Action::new_local(move |dry_run: &bool| {
        let dry_run = *dry_run;
        let client = session.client();
        let chosen = file.get_untracked();
        async move {
            let Some(chosen) = chosen else { return };
            match client.import_staff(page.facility, &chosen, dry_run).await {
                Ok(report) if dry_run => {
                    page.error.set(None);
                    preview.set(Some(report));
                }
                Ok(report) => {
                    imported.set(Some(report.created.len()));
                    preview.set(None);
                    page.issued(report.created);
                }
                Err(e) => page.error.set(Some(e)),
            }
        }
    });
    let export = Action::new_local(move |_: &()| {
        let client = session.client();
        async move {
            let path = format!("/facilities/{}/staff.csv", page.facility);
            match client
                .fetch(gloo_net::http::Method::GET, &path, None, None)
                .await
            {
                Ok(resp) => {
                    if let Ok(bytes) = resp.binary().await {
                        crate::download::save_csv(&bytes, "staff.csv");
                    }
                }
                Err(e) => page.error.set(Some(e)),
            }
        }
    });
    let on_file = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        file.set(input.and_then(|i| i.files()).and_then(|f| f.get(0)));
        preview.set(None);
        imported.set(None);
    };
    let can_import = move || {
        preview.with(|p| p.as_ref().is_some_and(|p| p.invalid == 0 && p.valid > 0))
            && !send.pending().get()
    };
    view! {
        <section class="staff__csv" aria-labelledby="staff-csv-title">
            <h2 class="staff__heading" id="staff-csv-title">{move || i18n.t(Msg::StaffCsvTitle)}</h2>
            <p class="field__hint">{move || i18n.t(Msg::StaffCsvHint)}</p>
            <div class="field">
                <label class="field__label" for="staff-csv-file">{move || i18n.t(Msg::StaffCsvFile)}</label>
                <input class="field__input" id="staff-csv-file" type="file" accept=".csv,text/csv" on:change=on_file/>
            </div>
            <button
                type="button"
                class="button"
                disabled=move || file.with(Option::is_none) || send.pending().get()
                on:click=move |_| { send.dispatch(true); }
            >
                {move || i18n.t(Msg::StaffCsvPreview)}
            </button>
            <button type="button" class="button button--primary" disabled=move || !can_import() on:click=move |_| { send.dispatch(false); }>
                {move || i18n.t(Msg::StaffCsvImport)}
            </button>
            <button type="button" class="button button--secondary" on:click=move |_| { export.dispatch(()); }>
                {move || i18n.t(Msg::StaffCsvExport)}
            </button>
            {move || imported.get().map(|n| view! {
                <p class="staff__csv-done" role="status">{n} {move || i18n.t(Msg::StaffCsvImported)}</p>
            })}
            {move || preview.get().map(|report| {
                let problems: Vec<_> = report.rows.into_iter().filter(|r| !r.problems.is_empty()).collect();
                view! {
                    <p class="staff__csv-summary" role="status">
                        {report.valid} " / " {report.invalid} " " {move || i18n.t(Msg::StaffCsvSummary)}
                    </p>
                    <ul class="staff__csv-problems">
                        {problems.into_iter().map(|row| {
                            let words = row.problems.iter()
                                .map(|p| problem_words(p, i18n.locale()))
                                .collect::<Vec<_>>()
                                .join(" ");
                            view! {
                                <li>{move || i18n.t(Msg::StaffCsvLine)} " " {row.line} ": " {words}</li>
                            }
                        }).collect_view()}
                    </ul>
                }
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_problems_read_as_field_and_reason() {
        let p = ImportProblem {
            field: "login_id".into(),
            code: "duplicate_in_file".into(),
        };
        assert_eq!(
            problem_words(&p, Locale::Ja),
            "ログインID: ファイルの中で同じログインIDが重複しています。"
        );
        let p = ImportProblem {
            field: "display_name_kana".into(),
            code: "invalid_kana".into(),
        };
        assert_eq!(
            problem_words(&p, Locale::Ja),
            "よみがな: 入力の形式が正しくありません。"
        );
    }
}
