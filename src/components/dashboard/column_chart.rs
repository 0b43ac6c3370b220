//! Columns over time, drawn in SVG.

use leptos::prelude::*;

use crate::dashboard_model::{bar_percent, scale};

/// One column per period, oldest on the left, scaled to the largest, with the first and last
/// period named under it and the largest value at its top. Drawn for the eye (`aria-hidden`):
/// the table under each chart carries the same numbers for screen readers.
#[component]
pub fn ColumnChart(
    /// The periods' names, oldest first.
    labels: Vec<String>,
    /// One value per period.
    values: Vec<u32>,
) -> impl IntoView {
    let max = scale(values.iter().copied());
    let n = values.len().max(1);
    let columns = values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let h = bar_percent(v, max);
            view! {
                <rect
                    class="column-chart__column"
                    x=format!("{}", i * 10 + 1)
                    y=format!("{}", 100 - h)
                    width="8"
                    height=format!("{h}")
                ></rect>
            }
        })
        .collect_view();
    let first = labels.first().cloned().unwrap_or_default();
    let last = labels.last().cloned().unwrap_or_default();
    view! {
        <div class="column-chart" aria-hidden="true">
            <span class="column-chart__max">{crate::i18n::group_digits(max as usize)}</span>
            <svg
                class="column-chart__plot"
                viewBox=format!("0 0 {} 100", n * 10)
                preserveAspectRatio="none"
            >
                {columns}
            </svg>
            <span class="column-chart__axis">
                <span>{first}</span>
                <span>{last}</span>
            </span>
        </div>
    }
}
