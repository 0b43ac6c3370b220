//! A system entry of a timeline (a membership change).

use leptos::prelude::*;
use tsunagu_api::{Post, SystemEvent};

use super::unread_divider::UNREAD_ID;
use crate::i18n::system::system_event_text;
use crate::i18n::use_i18n;
use crate::time_format::{datetime_attr, format_datetime};

/// A system entry as a centred, muted line, phrased in the current language, keeping
/// `data-post-id` like posts. An article to assistive technology: a feed holds only articles.
#[component]
pub fn SystemEntry(
    /// The entry's post (its id and time).
    post: Post,
    /// What happened.
    event: SystemEvent,
    /// Whether the unread divider is drawn above it (then it is the divider's description).
    #[prop(into)]
    unread_start: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let created = post.created_at;
    view! {
        <div
            class="tl-system"
            role="article"
            aria-describedby=move || unread_start.get().then_some(UNREAD_ID)
            data-post-id=post.id.to_string()
        >
            <span class="tl-system__text">
                {move || system_event_text(&event, i18n.locale())}
            </span>
            <time class="tl-system__time" datetime=datetime_attr(&created)>
                {move || format_datetime(&created, i18n.locale())}
            </time>
        </div>
    }
}
