//! One rendered row of the virtualised timeline: the unread divider when it belongs above this
//! post, then the post (or system entry).

use leptos::html::Div;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use uuid::Uuid;

use super::post_tile::PostTile;
use super::system_entry::SystemEntry;
use super::unread_divider::UnreadDivider;
use crate::timeline_model::{PostKey, TimelineModel};

/// The `ResizeObserver` measuring the rendered rows, shared by the list with its rows.
#[derive(Clone, Copy)]
pub struct RowObserver(pub StoredValue<Option<web_sys::ResizeObserver>, LocalStorage>);

/// A row wrapper (`data-row` = the post id) measured by the list's [`RowObserver`]: its height
/// (divider included) sizes the spacers. The post follows the model, so live edits, reads and
/// acknowledgements show without re-creating the tile (an open dialog in it stays open).
#[component]
pub fn TimelineRow(
    /// The timeline.
    model: RwSignal<TimelineModel>,
    /// The post's sort key.
    post_key: PostKey,
    /// The current user.
    #[prop(into)]
    my_id: Signal<Option<Uuid>>,
    /// The observer measuring this row.
    observer: RowObserver,
) -> impl IntoView {
    let row_ref = NodeRef::<Div>::new();
    let id = post_key.1;
    row_ref.on_load(move |el| {
        observer.0.with_value(|ro| {
            if let Some(ro) = ro {
                ro.observe(&el);
            }
        });
        let el = SendWrapper::new(el);
        on_cleanup(move || {
            if el.valid() {
                observer.0.with_value(|ro| {
                    if let Some(ro) = ro {
                        ro.unobserve(&el);
                    }
                });
            }
        });
    });

    let Some(initial) = model.with_untracked(|m| m.get(post_key).cloned()) else {
        return ().into_any();
    };
    let is_divider = Memo::new(move |_| model.with(|m| m.divider()) == Some(id));
    let content = match initial.system.clone() {
        Some(event) => {
            view! { <SystemEntry post=initial event unread_start=is_divider/> }.into_any()
        }
        None => {
            let mine = my_id.get_untracked() == Some(initial.author.id);
            // Keeps the last copy if the post leaves the model before the row is removed.
            let post = Memo::new(move |prev: Option<&tsunagu_api::Post>| {
                model
                    .with(|m| m.get(post_key).cloned())
                    .or_else(|| prev.cloned())
                    .unwrap_or_else(|| initial.clone())
            });
            view! { <PostTile post mine unread_start=is_divider/> }.into_any()
        }
    };
    view! {
        <div class="tl-row" data-row=id.to_string() node_ref=row_ref>
            <Show when=move || is_divider.get()>
                <UnreadDivider/>
            </Show>
            {content}
        </div>
    }
    .into_any()
}
