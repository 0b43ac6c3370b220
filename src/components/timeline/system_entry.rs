//! A system entry of a timeline (a membership change).

use leptos::prelude::*;
use tsunagu_api::{Post, SystemEvent};

use crate::i18n::system::system_event_text;
use crate::i18n::use_i18n;
use crate::time_format::{datetime_attr, format_datetime};

/// A system entry as a centred, muted note (not an article by an author), phrased in the current
/// language, keeping `data-post-id` like posts.
#[component]
pub fn SystemEntry(
    /// The entry's post (its id and time).
    post: Post,
    /// What happened.
    event: SystemEvent,
) -> impl IntoView {
    let i18n = use_i18n();
    let created = post.created_at;
    view! {
        <div class="tl-system" role="note" data-post-id=post.id.to_string()>
            <span class="tl-system__text">
                {move || system_event_text(&event, i18n.locale())}
            </span>
            <time class="tl-system__time" datetime=datetime_attr(&created)>
                {move || format_datetime(&created, i18n.locale())}
            </time>
        </div>
    }
}
