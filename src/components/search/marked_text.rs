//! Text with the search query marked.

use leptos::prelude::*;

use crate::highlight::search_excerpt;

/// Characters of a long post a search result shows.
const EXCERPT_CHARS: usize = 200;
/// Characters shown before the first match.
const EXCERPT_CONTEXT: usize = 40;

/// `text` as plain text nodes, every match of `query` (folded as the server's search folds it)
/// wrapped in `<mark>`; a long text is cut to a window around the first match, with `…` where
/// text was left out. User text is never parsed as HTML.
#[component]
pub fn MarkedText(
    /// The text to show.
    text: String,
    /// What was searched for.
    query: String,
) -> impl IntoView {
    let (parts, cut_before, cut_after) =
        search_excerpt(&text, &query, EXCERPT_CHARS, EXCERPT_CONTEXT);
    let runs = parts
        .into_iter()
        .map(|part| {
            let run = part.text(&text).to_owned();
            match part.mark {
                Some(()) => view! { <mark class="search-hit__mark">{run}</mark> }.into_any(),
                None => run.into_any(),
            }
        })
        .collect_view();
    view! {
        {cut_before.then_some("…")}
        {runs}
        {cut_after.then_some("…")}
    }
}
