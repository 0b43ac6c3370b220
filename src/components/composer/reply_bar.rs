//! The post being replied to, above the editor.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::outbox::ReplyQuote;

/// 「返信先」 with the quoted post's author and excerpt, and a button to write a new post
/// instead.
#[component]
pub fn ReplyBar(
    /// The quoted post.
    quote: ReplyQuote,
    /// Called when the user cancels the reply.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="composer__reply" role="group" aria-label=move || i18n.t(Msg::ComposerReplyingTo)>
            <span class="composer__reply-label">{move || i18n.t(Msg::ComposerReplyingTo)}</span>
            <span class="composer__reply-author">{quote.author_name}</span>
            <q class="composer__reply-excerpt">{quote.excerpt}</q>
            <button
                type="button"
                class="button button--ghost composer__reply-cancel"
                on:click=move |_| on_cancel.run(())
            >
                {move || i18n.t(Msg::ComposerCancelReply)}
            </button>
        </div>
    }
}
