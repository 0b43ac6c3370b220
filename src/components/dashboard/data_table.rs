//! One table of the dashboard.

use leptos::prelude::*;

use super::count_bar::CountBar;
use crate::dashboard_model::TableData;

/// A table whose rows have a header and numbers (right-aligned), with, when `data` has one, a
/// bar after the first value drawn for the eye (its header is the first value's, hidden). One
/// component for every table: the dashboard ships one table renderer, not one per table.
#[component]
pub fn DataTable(
    /// Headers and rows, already in the reader's language.
    data: TableData,
    /// The `id` of the heading naming the table: a table wider than a phone scrolls sideways,
    /// and the scrolling region takes keyboard focus under that name.
    labelled_by: &'static str,
) -> impl IntoView {
    let TableData {
        headers,
        rows,
        bar_max,
    } = data;
    let bar_header = bar_max.map(|_| {
        view! {
            <th scope="col" class="dashboard__bar-col">
                <span class="visually-hidden">{headers.get(1).copied().unwrap_or_default()}</span>
            </th>
        }
    });
    let mut head = headers.into_iter();
    let first = head.next().unwrap_or_default();
    let value_header = head.next();
    view! {
        <div class="dashboard__scroll" role="region" tabindex="0" aria-labelledby=labelled_by>
            <table class="dashboard__table">
                <thead>
                    <tr>
                        <th scope="col">{first}</th>
                        {value_header.map(|h| view! { <th scope="col">{h}</th> })}
                        {bar_header}
                        {head.map(|h| view! { <th scope="col">{h}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            let mut cells = row.cells.into_iter();
                            let first_value = cells.next();
                            let bar = bar_max.map(|max| {
                                view! {
                                    <td class="dashboard__bar-col">
                                        <CountBar value=row.bar.unwrap_or(0) max/>
                                    </td>
                                }
                            });
                            view! {
                                <tr>
                                    <th scope="row">{row.label}</th>
                                    {first_value.map(|c| view! { <td class="dashboard__num">{c}</td> })}
                                    {bar}
                                    {cells.map(|c| view! { <td class="dashboard__num">{c}</td> }).collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
