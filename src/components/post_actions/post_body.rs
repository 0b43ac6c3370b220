//! A post's text with its mentions marked.

use leptos::prelude::*;
use tsunagu_api::Mention;
use uuid::Uuid;

use crate::highlight::mention_parts;

/// The body as plain text nodes (line breaks kept by CSS), with each `@表示名` of a mentioned
/// member marked; a mention of the reader is `<strong>` so it stands out to everyone, including
/// screen-reader users. User text is never parsed as HTML.
#[component]
pub fn PostBody(
    /// The post text.
    body: String,
    /// The members it mentions.
    mentions: Vec<Mention>,
    /// The reader.
    me: Option<Uuid>,
) -> impl IntoView {
    let names: Vec<(Uuid, &str)> = mentions
        .iter()
        .map(|m| (m.user_id, m.display_name.as_str()))
        .collect();
    let parts = mention_parts(&body, &names, me);
    let nodes = parts
        .into_iter()
        .map(|part| {
            let text = part.text(&body).to_owned();
            match part.mark {
                None => text.into_any(),
                Some(m) if m.is_me => view! {
                    <strong class="tl-post__mention tl-post__mention--me">{text}</strong>
                }
                .into_any(),
                Some(_) => view! { <span class="tl-post__mention">{text}</span> }.into_any(),
            }
        })
        .collect_view();
    view! { <p class="tl-post__body">{nodes}</p> }
}
