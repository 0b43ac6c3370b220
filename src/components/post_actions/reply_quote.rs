//! The quoted post above a reply.

use leptos::prelude::*;
use tsunagu_api::ReplyRef;
use wasm_bindgen::JsCast;

use crate::i18n::{use_i18n, Msg};
use crate::post_view::ScrollToPost;

/// Time given to the virtualised timeline to render a post it was asked to scroll to.
const RENDER_WAIT: std::time::Duration = std::time::Duration::from_millis(250);

/// The replied-to post (author and excerpt, or "削除された投稿") as a link to `#post-<id>`:
/// when that post is rendered it is scrolled into view and focused; when it is loaded but not
/// rendered (virtualised list) the timeline is asked to scroll to it ([`ScrollToPost`]) and it
/// is focused then; when it is not loaded, a short note says how to show it.
#[component]
pub fn ReplyQuote(
    /// The quoted post.
    reply: ReplyRef,
) -> impl IntoView {
    let i18n = use_i18n();
    let quoted_id = reply.id;
    let target = format!("post-{}", reply.id);
    let href = format!("#{target}");
    let missing = RwSignal::new(false);
    let deleted = reply.deleted;
    let author = reply.author_name.clone();
    let excerpt = reply.excerpt.clone();

    let scroll_to = use_context::<ScrollToPost>();
    let element = move |id: &str| {
        document()
            .get_element_by_id(id)
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        // Modified clicks keep the browser's own behaviour (open in a new tab, …).
        if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
            return;
        }
        ev.prevent_default();
        if let Some(el) = element(&target) {
            missing.set(false);
            let opts = web_sys::ScrollIntoViewOptions::new();
            opts.set_block(web_sys::ScrollLogicalPosition::Center);
            el.scroll_into_view_with_scroll_into_view_options(&opts);
            let _ = el.focus();
            return;
        }
        // Loaded but outside the rendered window of the virtualised list: ask the timeline to
        // scroll there, then focus it once rendered. Not loaded at all: say so.
        let Some(ScrollToPost(scroll)) = scroll_to else {
            missing.set(true);
            return;
        };
        scroll.run(quoted_id);
        let target = target.clone();
        set_timeout(
            move || match element(&target) {
                Some(el) => {
                    missing.set(false);
                    let _ = el.focus();
                }
                None => missing.set(true),
            },
            RENDER_WAIT,
        );
    };

    view! {
        <a class="tl-post__quote" href=href on:click=on_click>
            <span class="visually-hidden">{move || i18n.t(Msg::InReplyTo)}</span>
            {if deleted {
                view! {
                    <span class="tl-post__quote-deleted">
                        {move || i18n.t(Msg::QuotedPostDeleted)}
                    </span>
                }
                    .into_any()
            } else {
                view! {
                    <span class="tl-post__quote-author">{author}</span>
                    <span class="tl-post__quote-excerpt">{excerpt}</span>
                }
                    .into_any()
            }}
        </a>
        {move || {
            missing
                .get()
                .then(|| {
                    view! {
                        <p class="tl-post__quote-missing" role="status">
                            {move || i18n.t(Msg::QuotedPostNotShown)}
                        </p>
                    }
                })
        }}
    }
}
