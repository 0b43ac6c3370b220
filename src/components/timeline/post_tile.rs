//! One post of a timeline.

use leptos::prelude::*;
use tsunagu_api::Post;

use crate::i18n::{profession_label, use_i18n, Msg};
use crate::time_format::{datetime_attr, format_datetime};

/// A post as an `<article>`: author, profession, facility, Japan time and the body as plain text
/// with its line breaks kept.
#[component]
pub fn PostTile(
    /// The post to show.
    post: Post,
    /// Whether the current user wrote it.
    #[prop(optional)]
    mine: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let class = if mine {
        "tl-post tl-post--mine"
    } else {
        "tl-post"
    };
    let profession = post.author.profession;
    let created = post.created_at;
    let author_id = format!("post-{}-author", post.id);
    let labelled_by = author_id.clone();

    view! {
        <article class=class data-post-id=post.id.to_string() aria-labelledby=labelled_by>
            <header class="tl-post__header">
                <span class="tl-post__author" id=author_id>
                    {post.author.display_name}
                </span>
                <span class="tl-post__profession">
                    {move || profession_label(profession, i18n.locale())}
                </span>
                {post
                    .author
                    .facility_name
                    .map(|f| view! { <span class="tl-post__facility">{f}</span> })}
                {mine
                    .then(|| {
                        view! {
                            <span class="tl-post__mine-badge">{move || i18n.t(Msg::You)}</span>
                        }
                    })}
                <time class="tl-post__time" datetime=datetime_attr(&created)>
                    {move || format_datetime(&created, i18n.locale())}
                </time>
            </header>
            <p class="tl-post__body">{post.body}</p>
        </article>
    }
}
