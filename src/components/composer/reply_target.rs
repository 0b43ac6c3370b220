//! Which post the open timeline's composer replies to: set by a post's "返信" button, shown as a
//! quote above the editor, cleared on send or cancel.

use leptos::prelude::*;
use tsunagu_api::Post;

/// The reply target of one open timeline (provided by the group page per timeline).
#[derive(Clone, Copy)]
pub struct ReplyTarget(pub RwSignal<Option<Post>>);

/// Provides an empty reply target for the timeline being built.
pub fn provide_reply_target() -> ReplyTarget {
    let target = ReplyTarget(RwSignal::new(None));
    provide_context(target);
    target
}

/// The reply target of the enclosing timeline, if any.
pub fn use_reply_target() -> Option<ReplyTarget> {
    use_context::<ReplyTarget>()
}
