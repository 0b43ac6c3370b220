//! A horizontal bar inside a table cell.

use leptos::prelude::*;

use crate::dashboard_model::bar_percent;

/// `value` drawn as a bar `value / max` of the cell wide, for the eye only: the number is in
/// the cell beside it.
#[component]
pub fn CountBar(
    /// The count drawn.
    value: u32,
    /// The largest count of the column, the full width.
    max: u32,
) -> impl IntoView {
    let width = format!("width:{}%", bar_percent(value, max));
    view! {
        <span class="count-bar" aria-hidden="true">
            <span class="count-bar__fill" style=width></span>
        </span>
    }
}
