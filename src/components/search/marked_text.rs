//! Text with the search query marked.

use leptos::prelude::*;

use crate::highlight::search_parts;

/// `text` as plain text nodes, every occurrence of `query` (ASCII letters in any case) wrapped
/// in `<mark>`. User text is never parsed as HTML.
#[component]
pub fn MarkedText(
    /// The text to show.
    text: String,
    /// What was searched for.
    query: String,
) -> impl IntoView {
    search_parts(&text, &query)
        .into_iter()
        .map(|part| {
            let run = part.text(&text).to_owned();
            match part.mark {
                Some(()) => view! { <mark class="search-hit__mark">{run}</mark> }.into_any(),
                None => run.into_any(),
            }
        })
        .collect_view()
}
