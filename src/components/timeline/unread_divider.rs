//! The "ここから未読" line above the first unread post.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};

/// The line "ここから未読" above the first post that arrived after the reader's read marker.
/// Drawn for the eye only: a feed may hold nothing but its articles, so assistive technology
/// hears it as the description of that first post (`aria-describedby="tl-unread"`), read as
/// the reader reaches it.
/// The divider's id, which the first unread entry names as its description.
pub const UNREAD_ID: &str = "tl-unread";

#[component]
pub fn UnreadDivider() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="tl-divider" id=UNREAD_ID aria-hidden="true">
            <span class="tl-divider__label">
                {move || i18n.t(Msg::UnreadFromHere)}
            </span>
        </div>
    }
}
