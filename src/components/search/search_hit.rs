//! One search result.

use leptos::prelude::*;

use crate::app_part::link_rel;
use tsunagu_api::SearchHit;

use super::marked_text::MarkedText;
use crate::i18n::labels::timeline_label;
use crate::i18n::{profession_label, use_i18n, Msg};
use crate::post_view::fill;
use crate::time_format::{datetime_attr, format_datetime};

/// A found post named like a timeline post ("<author> <time> の投稿"): the group as a link to
/// it and the timeline, author, time, and the text with the query marked.
#[component]
pub fn SearchHitItem(
    /// The hit.
    hit: SearchHit,
    /// The group's name as I see it (direct messages are named after the other person).
    group_name: String,
    /// What was searched for.
    query: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let post = hit.post;
    let created = post.created_at;
    let timeline = post.timeline;
    let profession = post.author.profession;
    let author = post.author.display_name.clone();
    let label = {
        let author = author.clone();
        move || {
            fill(
                i18n.t(Msg::PostTileLabel),
                &[
                    ("name", &author),
                    ("time", &format_datetime(&created, i18n.locale())),
                ],
            )
        }
    };
    view! {
        <li class="search-hit">
            <article class="search-hit__article" aria-label=label>
                <div class="search-hit__meta">
                    <a
                        class="search-hit__group"
                        href=format!("/groups/{}", hit.group_id)
                        rel=link_rel("/groups/")
                    >
                        {group_name}
                    </a>
                    <span class="search-hit__timeline">
                        {move || timeline_label(timeline, i18n.locale())}
                    </span>
                </div>
                <div class="search-hit__byline">
                    <span class="search-hit__author">{author.clone()}</span>
                    <span class="search-hit__profession">
                        {move || profession_label(profession, i18n.locale())}
                    </span>
                    <time class="search-hit__time" datetime=datetime_attr(&created)>
                        {move || format_datetime(&created, i18n.locale())}
                    </time>
                </div>
                <p class="search-hit__body">
                    <MarkedText text=post.body query/>
                </p>
            </article>
        </li>
    }
}
