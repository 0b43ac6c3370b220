//! The scrollable, virtualised list of posts.
//!
//! The model may hold thousands of posts; only a window of rows around the viewport is in the
//! DOM (at most
//! [`MAX_RENDERED`](crate::timeline_model::window::MAX_RENDERED)), between two spacers sized from measured row heights
//! (unmeasured rows are estimated). Whenever rows are added or measured, the row at the top of
//! the viewport is kept exactly where it was (or the list stays at the bottom when the reader
//! was there), so loading older posts above and new posts arriving below never move what the
//! reader is looking at. The windowing math lives in [`crate::timeline_model::window`].

use std::collections::HashMap;
use std::ops::Range;

use leptos::html::Div;
use leptos::prelude::*;
use tsunagu_api::Importance;
use uuid::Uuid;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::timeline_row::{RowObserver, TimelineRow};
use crate::components::keyed_list::{KeyedList, Row};
use crate::i18n::{use_i18n, Msg};
use crate::timeline_model::window::{estimate, is_at_bottom, Layout};
use crate::timeline_model::{PostKey, TimelineModel};

/// Where the list is asked to scroll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScrollTarget {
    /// To the newest post, and stay there as new posts arrive.
    Bottom,
    /// So that this post (and the divider above it) is in view, near the top.
    Post(Uuid),
}

/// The rows the layout was computed for: their keys and where each starts.
#[derive(Debug, Clone, Default, PartialEq)]
struct Rows {
    keys: Vec<PostKey>,
    layout: Layout,
}

/// Share of the viewport kept above a post scrolled to, so the context before it shows.
const CONTEXT_ABOVE: f64 = 0.2;

/// The timeline region, an ARIA feed (`role="feed"`: a scrollable list of articles that come and
/// go at either end as it scrolls, which is what virtualisation does; not a live region, so
/// rows re-added while scrolling are not announced): a "load earlier posts" button on top while there are
/// more (older pages also load by themselves as the reader nears the top), then the window of
/// posts oldest → newest, or the empty state. Reports whether the reader is at the bottom and
/// the newest post they have had on screen while the page is visible.
#[component]
pub fn TimelineList(
    /// The loaded posts.
    model: RwSignal<TimelineModel>,
    /// The current user, whose posts are marked as theirs.
    #[prop(into)]
    my_id: Signal<Option<Uuid>>,
    /// Called when older posts should be loaded (button or nearing the top).
    on_load_older: Callback<()>,
    /// Whether older posts are being loaded.
    #[prop(into)]
    loading_older: Signal<bool>,
    /// Reference to the scroll container.
    node_ref: NodeRef<Div>,
    /// Set to scroll somewhere; the list clears it once done.
    scroll_request: RwSignal<Option<ScrollTarget>>,
    /// Written by the list: whether the reader is at (or near) the newest post.
    at_bottom: RwSignal<bool>,
    /// Called with the newest post the reader has had on screen (only while the page is
    /// visible).
    on_seen: Callback<Uuid>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rows_ref = NodeRef::<Div>::new();
    let rows = RwSignal::new(Rows::default());
    let heights = StoredValue::new(HashMap::<Uuid, f64>::new());
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(0.0_f64);
    let observer = RowObserver(StoredValue::new_local(None));

    // Scroll position relative to the first row (the button and padding sit above the rows).
    let rows_offset = move || {
        rows_ref
            .get_untracked()
            .map_or(0.0, |r| r.offset_top() as f64)
    };

    let range: Memo<Range<usize>> = Memo::new(move |_| {
        let (top, vp) = (scroll_top.get(), viewport.get());
        rows.with(|r| r.layout.window(top, vp, vp.max(400.0)))
    });
    let visible_keys = Memo::new(move |_| {
        let range = range.get();
        rows.with(|r| {
            r.keys
                .get(range)
                .map(<[PostKey]>::to_vec)
                .unwrap_or_default()
        })
    });
    let top_space = Memo::new(move |_| {
        let start = range.get().start;
        rows.with(|r| r.layout.top(start))
    });
    let bottom_space = Memo::new(move |_| {
        let end = range.get().end;
        rows.with(|r| r.layout.total() - r.layout.top(end))
    });

    // Reads where the reader is; reports at-bottom and the newest post seen.
    let sync_from_dom = move || {
        let Some(el) = node_ref.get_untracked() else {
            return;
        };
        let top = el.scroll_top() as f64 - rows_offset();
        let height = f64::from(el.client_height());
        scroll_top.set(top);
        viewport.set(height);
        let bottom = is_at_bottom(
            el.scroll_top() as f64,
            height,
            f64::from(el.scroll_height()),
        );
        if at_bottom.get_untracked() != bottom {
            at_bottom.set(bottom);
        }
        if page_visible() {
            // Only what is on screen counts: clip the list to the window's viewport.
            let rect = el.get_bounding_client_rect();
            let window_h = web_sys::window()
                .and_then(|w| w.inner_height().ok())
                .and_then(|h| h.as_f64())
                .unwrap_or(rect.bottom());
            let hidden_above = (-rect.top()).max(0.0);
            let shown = rect.bottom().min(window_h) - rect.top().max(0.0);
            let seen = rows.with_untracked(|r| {
                r.layout
                    .newest_seen(top + hidden_above, shown.min(height))
                    .and_then(|i| r.keys.get(i).map(|k| k.1))
            });
            if let Some(id) = seen {
                on_seen.run(id);
            }
        }
        // Nearing the top: load older posts before the reader gets there.
        if top < height && model.with_untracked(|m| m.has_more() && m.is_loaded()) {
            on_load_older.run(());
        }
    };

    // Rebuilds the layout after posts or heights changed, keeping the reader's place.
    let relayout = move || {
        let Some(el) = node_ref.get_untracked() else {
            return;
        };
        let old_offset = rows_offset();
        let follow_bottom = at_bottom.get_untracked();
        let anchor = rows.with_untracked(|r| {
            r.layout
                .anchor_at(el.scroll_top() as f64 - old_offset)
                .and_then(|(i, delta)| r.keys.get(i).map(|k| (k.1, delta)))
        });
        let keys = model.with_untracked(TimelineModel::keys);
        let layout = heights.with_value(|h| {
            let guess = estimate(h.values().copied());
            Layout::new(keys.iter().map(|k| h.get(&k.1).copied().unwrap_or(guess)))
        });
        let new_rows = Rows { keys, layout };
        if rows.with_untracked(|r| *r == new_rows) {
            return;
        }
        rows.set(new_rows);
        // After the DOM took the new spacer heights (the render effects run first).
        leptos::task::spawn_local(async move {
            let Some(el) = node_ref.get_untracked() else {
                return;
            };
            if follow_bottom {
                el.set_scroll_top(el.scroll_height());
            } else if let Some((id, delta)) = anchor {
                let target = rows.with_untracked(|r| {
                    r.keys
                        .iter()
                        .position(|k| k.1 == id)
                        .map(|i| r.layout.restore(i, delta))
                });
                if let Some(y) = target {
                    el.set_scroll_top((y + rows_offset()).round() as i32);
                }
            }
            sync_from_dom();
        });
    };

    // Measures rendered rows (and notices the list itself changing size).
    {
        let callback = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let mut changed = false;
            for entry in entries.iter() {
                let Ok(entry) = entry.dyn_into::<web_sys::ResizeObserverEntry>() else {
                    continue;
                };
                let target = entry.target();
                let Some(id) = target
                    .get_attribute("data-row")
                    .and_then(|s| Uuid::parse_str(&s).ok())
                else {
                    // The list itself: a new viewport height.
                    changed = true;
                    continue;
                };
                let h = target.get_bounding_client_rect().height();
                heights.update_value(|m| {
                    if m.get(&id).is_none_or(|old| (old - h).abs() > 0.5) {
                        m.insert(id, h);
                        changed = true;
                    }
                });
            }
            if changed {
                relayout();
            }
        });
        if let Ok(ro) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            observer.0.set_value(Some(ro));
        }
        let keep = StoredValue::new_local(Some(callback));
        on_cleanup(move || {
            observer.0.with_value(|ro| {
                if let Some(ro) = ro {
                    ro.disconnect();
                }
            });
            keep.set_value(None);
        });
    }
    node_ref.on_load(move |el| {
        observer.0.with_value(|ro| {
            if let Some(ro) = ro {
                ro.observe(&el);
            }
        });
    });

    // Posts added, removed or changed.
    crate::effect::effect(move || {
        model.track();
        relayout();
    });

    // Scroll requests from the panel (open at the divider or the bottom, "最新へ").
    crate::effect::effect(move || {
        let Some(target) = scroll_request.get() else {
            return;
        };
        // The layout must include the posts the request is about.
        rows.track();
        leptos::task::spawn_local(async move {
            let Some(el) = node_ref.get_untracked() else {
                return;
            };
            match target {
                ScrollTarget::Bottom => {
                    at_bottom.set(true);
                    el.set_scroll_top(el.scroll_height());
                }
                ScrollTarget::Post(id) => {
                    let y = rows.with_untracked(|r| {
                        r.keys
                            .iter()
                            .position(|k| k.1 == id)
                            .map(|i| r.layout.top(i))
                    });
                    let Some(y) = y else {
                        return;
                    };
                    let context = f64::from(el.client_height()) * CONTEXT_ABOVE;
                    at_bottom.set(false);
                    el.set_scroll_top((y + rows_offset() - context).max(0.0).round() as i32);
                }
            }
            scroll_request.set(None);
            sync_from_dom();
        });
    });

    // Coming back to the tab: what is on screen now counts as seen.
    {
        let listener = Closure::<dyn Fn()>::new(move || {
            if page_visible() {
                sync_from_dom();
            }
        });
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(d) = &document {
            let _ = d.add_event_listener_with_callback(
                "visibilitychange",
                listener.as_ref().unchecked_ref(),
            );
        }
        let parts = send_wrapper::SendWrapper::new((listener, document));
        on_cleanup(move || {
            if parts.valid() {
                let (listener, document) = parts.take();
                if let Some(d) = document {
                    let _ = d.remove_event_listener_with_callback(
                        "visibilitychange",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }

    let has_more = move || model.with(|m| m.has_more());
    let is_empty = move || model.with(|m| m.is_loaded() && m.is_empty());
    let is_loading = move || model.with(|m| !m.is_loaded());
    let empty_text = move || {
        if model.with(|m| {
            m.min_importance()
                .is_some_and(|i| i >= Importance::Important)
        }) {
            i18n.t(Msg::NoImportantPosts)
        } else {
            i18n.t(Msg::NoPosts)
        }
    };

    view! {
        <div
            class="tl-list"
            role="feed"
            aria-label=move || i18n.t(Msg::Timeline)
            aria-busy=move || (is_loading() || loading_older.get()).to_string()
            tabindex="0"
            node_ref=node_ref
            on:scroll=move |_| sync_from_dom()
        >
            // The same height with or without the button, so reaching the first post does
            // not shift the rows under the reader.
            <Show when=move || model.with(|m| m.is_loaded() && !m.is_empty())>
                <div class="tl-list__older">
                    <Show
                        when=has_more
                        fallback=move || {
                            view! {
                                <p class="tl-list__start">{move || i18n.t(Msg::TimelineStart)}</p>
                            }
                        }
                    >
                        <button
                            type="button"
                            class="button button--secondary tl-list__older-button"
                            disabled=move || loading_older.get()
                            on:click=move |_| on_load_older.run(())
                        >
                            {move || i18n.t(Msg::LoadOlder)}
                        </button>
                    </Show>
                </div>
            </Show>
            <Show when=is_loading>
                <p class="tl-list__status">{move || i18n.t(Msg::Loading)}</p>
            </Show>
            <Show when=is_empty>
                <p class="tl-list__empty">{empty_text}</p>
            </Show>
            <div class="tl-list__rows" node_ref=rows_ref>
                <div
                    class="tl-list__spacer"
                    aria-hidden="true"
                    style:height=move || px(top_space.get())
                ></div>
                <KeyedList rows=Signal::derive(move || {
                    visible_keys
                        .get()
                        .into_iter()
                        .map(|k| {
                            Row::new(k.1, 0, move || {
                                view! { <TimelineRow model post_key=k my_id observer/> }.into_any()
                            })
                        })
                        .collect()
                })/>
                <div
                    class="tl-list__spacer"
                    aria-hidden="true"
                    style:height=move || px(bottom_space.get())
                ></div>
            </div>
        </div>
    }
}

/// Whether the page is shown (not a background tab or a minimised window).
fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

/// `height` in whole CSS pixels, e.g. `96px`: printed as an integer, since printing an `f64`
/// would link the standard library's float printer (~3 KiB brotli, docs/performance.md).
fn px(height: f64) -> String {
    format!("{}px", height.round() as i64)
}
