//! The importance badge of a post.

use leptos::prelude::*;
use tsunagu_api::Importance;

use crate::i18n::{use_i18n, Msg};

/// "重要" or "至急" as text (colour alone would not reach everyone); nothing for normal posts.
#[component]
pub fn ImportanceBadge(
    /// The post's importance.
    #[prop(into)]
    importance: Signal<Importance>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let (msg, modifier) = match importance.get() {
            Importance::Normal => return None,
            Importance::Important => (Msg::ImportanceImportant, "important"),
            Importance::Urgent => (Msg::ImportanceUrgent, "urgent"),
        };
        Some(view! {
            <span class=format!("importance-badge importance-badge--{modifier}")>
                {move || i18n.t(msg)}
            </span>
        })
    }
}
