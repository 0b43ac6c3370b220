//! One part of the dashboard: heading, chart, table, CSV.

use leptos::prelude::*;

use super::column_chart::ColumnChart;
use super::csv_button::CsvButton;
use super::data_table::DataTable;
use crate::dashboard_model::TableData;
use crate::i18n::Msg;

/// A titled section: an optional column chart (for the eye), its table, and 「CSVで保存」 of
/// the server's CSV of the same table.
#[component]
pub fn DashboardSection(
    /// The heading's `id`, naming the section.
    id: &'static str,
    /// The heading, already in the reader's language.
    title: String,
    /// The CSV table's name (`facilities`, `weeks`, …).
    csv: &'static str,
    /// The table's title for the CSV button's accessible name.
    csv_title: Msg,
    /// Columns over time (labels and values), drawn above the table.
    #[prop(optional)]
    chart: Option<(Vec<String>, Vec<u32>)>,
    /// The table.
    table: TableData,
    /// Shown instead of the table when it has no rows.
    #[prop(optional)]
    empty: Option<&'static str>,
) -> impl IntoView {
    let body = match empty {
        Some(text) if table.rows.is_empty() => {
            view! { <p class="dashboard__empty">{text}</p> }.into_any()
        }
        _ => view! { <DataTable data=table labelled_by=id/> }.into_any(),
    };
    view! {
        <section class="dashboard__section" aria-labelledby=id>
            <h2 class="dashboard__heading" id=id>{title}</h2>
            {chart.map(|(labels, values)| view! { <ColumnChart labels values/> })}
            {body}
            <CsvButton table=csv title=csv_title/>
        </section>
    }
}
