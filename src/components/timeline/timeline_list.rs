//! The scrollable list of posts.

use leptos::html::Div;
use leptos::prelude::*;
use uuid::Uuid;

use super::post_tile::PostTile;
use super::system_entry::SystemEntry;
use crate::i18n::{use_i18n, Msg};
use crate::timeline_model::TimelineModel;

/// The timeline region (`role="log"`): a "load earlier posts" button on top while there are
/// more, then the posts oldest → newest, or the empty state.
#[component]
pub fn TimelineList(
    /// The loaded posts.
    model: RwSignal<TimelineModel>,
    /// The current user, whose posts are marked as theirs.
    #[prop(into)]
    my_id: Signal<Option<Uuid>>,
    /// Called when the user asks for older posts.
    on_load_older: Callback<()>,
    /// Whether older posts are being loaded.
    #[prop(into)]
    loading_older: Signal<bool>,
    /// Reference to the scroll container, for keeping the scroll position.
    node_ref: NodeRef<Div>,
) -> impl IntoView {
    let i18n = use_i18n();
    let has_more = move || model.with(|m| m.has_more());
    let is_empty = move || model.with(|m| m.is_loaded() && m.posts().is_empty());
    let is_loading = move || model.with(|m| !m.is_loaded());

    view! {
        <div
            class="tl-list"
            role="log"
            aria-label=move || i18n.t(Msg::Timeline)
            aria-busy=move || (is_loading() || loading_older.get()).to_string()
            tabindex="0"
            node_ref=node_ref
        >
            <Show when=has_more>
                <div class="tl-list__older">
                    <button
                        type="button"
                        class="button button--secondary tl-list__older-button"
                        disabled=move || loading_older.get()
                        on:click=move |_| on_load_older.run(())
                    >
                        {move || i18n.t(Msg::LoadOlder)}
                    </button>
                </div>
            </Show>
            <Show when=is_loading>
                <p class="tl-list__status">{move || i18n.t(Msg::Loading)}</p>
            </Show>
            <Show when=is_empty>
                <p class="tl-list__empty">{move || i18n.t(Msg::NoPosts)}</p>
            </Show>
            <For
                each=move || model.with(|m| m.posts().to_vec())
                key=|post| post.id
                children=move |post| {
                    match post.system.clone() {
                        Some(event) => view! { <SystemEntry post event/> }.into_any(),
                        None => {
                            let mine = my_id.get_untracked() == Some(post.author.id);
                            view! { <PostTile post mine/> }.into_any()
                        }
                    }
                }
            />
        </div>
    }
}
