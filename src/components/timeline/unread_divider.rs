//! The "ここから未読" line above the first unread post.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};

/// A separator named "ここから未読" (its text is visible too), drawn above the first post that
/// arrived after the reader's read marker.
#[component]
pub fn UnreadDivider() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="tl-divider" role="separator" aria-label=move || i18n.t(Msg::UnreadFromHere)>
            <span class="tl-divider__label" aria-hidden="true">
                {move || i18n.t(Msg::UnreadFromHere)}
            </span>
        </div>
    }
}
