//! A timeline kept current: loading pages, following live events, marking what was read, and
//! scrolling where the reader expects.

use std::time::Duration;

use leptos::html::Div;
use leptos::leptos_dom::helpers::{set_timeout_with_handle, TimeoutHandle};
use leptos::prelude::*;
use tsunagu_api::{Importance, LiveEvent, ReadMarker, Timeline};
use uuid::Uuid;

use super::importance_filter::ImportanceFilter;
use super::jump_to_latest::JumpToLatest;
use super::timeline_list::{ScrollTarget, TimelineList};
use crate::api::{ApiError, PostCursor};
use crate::i18n::{use_i18n, Msg};
use crate::live::{use_live, LiveStatus};
use crate::post_view::fill;
use crate::session::use_session;
use crate::timeline_model::{LiveContext, TimelineModel};

/// Posts per page.
const PAGE_SIZE: u32 = 50;
/// Pages loaded at most when opening, to reach the read marker so the divider is right (a
/// reader back after weeks does not wait for the whole history).
const DIVIDER_PAGES: usize = 5;
/// The read marker is sent once what was seen has not moved for this long.
const READ_DEBOUNCE: Duration = Duration::from_millis(1_000);

/// Loads a group's timeline into `model` and keeps it current with live events. Opens at the
/// "ここから未読" divider when there are unread posts (loading older pages to reach it, a few
/// at most), else at the newest post; follows new posts only while the reader is at the
/// bottom, and otherwise offers "最新へ" with the count of unread posts below. The newest post
/// that was actually on screen (page visible) becomes the read marker, sent a second after the
/// reader stopped moving. The header toggle "重要・至急のみ" reloads it with only important and
/// urgent posts (read markers are not moved then: the hidden posts were not read).
#[component]
pub fn TimelinePanel(
    /// The group whose timeline this is.
    group_id: Uuid,
    /// The timeline state, shared with the composer that adds sent posts.
    model: RwSignal<TimelineModel>,
    /// Which timeline of the group (`None`: the default, `care`).
    #[prop(optional)]
    timeline: Option<Timeline>,
    /// Called after the read marker moved, so unread counts can be refreshed.
    #[prop(optional)]
    on_read: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let live = use_live();
    let tl = timeline.unwrap_or_default();
    let me = untrack(|| session.my_id());
    // The session this panel reads under: after a logout (or another login) nothing is sent.
    let token = StoredValue::new(untrack(|| session.token()));
    let owner = StoredValue::new(Owner::current());

    let list_ref = NodeRef::<Div>::new();
    let error = RwSignal::new(None::<ApiError>);
    let filter = RwSignal::new(None::<Importance>);
    let at_bottom = RwSignal::new(true);
    let scroll_request = RwSignal::new(None::<ScrollTarget>);
    // A reply's quote asks for its post here: the virtualised list may not have it in the DOM.
    provide_context(crate::post_view::ScrollToPost(Callback::new(move |id| {
        scroll_request.set(Some(ScrollTarget::Post(id)));
    })));
    let loading_older = RwSignal::new(false);
    // Every (re)load starts a new generation; answers for an older one are dropped.
    let generation = StoredValue::new(0_u64);
    let opened = StoredValue::new(false);
    let fresh_starts = StoredValue::new(live.fresh_starts_untracked());
    let read_timer = StoredValue::new(None::<TimeoutHandle>);

    // Runs `fut` owned by this panel: cancelled (and its requests aborted) when it goes away.
    let spawn = move |fut: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>| {
        if let Some(Some(owner)) = owner.try_get_value() {
            owner.with(|| untrack(|| leptos::task::spawn_local_scoped_with_cancellation(fut)));
        }
    };
    let is_current = move |g: u64| generation.try_get_value() == Some(g);

    let reload = move || {
        let g = generation.get_value().wrapping_add(1);
        generation.set_value(g);
        opened.set_value(false);
        fresh_starts.set_value(live.fresh_starts_untracked());
        let min = filter.get_untracked();
        model.set(TimelineModel::scoped(group_id, tl, me, min));
        error.set(None);
        loading_older.set(false);
        let client = session.client();
        spawn(Box::pin(async move {
            match client
                .posts(group_id, timeline, PostCursor::Newest, Some(PAGE_SIZE), min)
                .await
            {
                Ok(page) if is_current(g) => model.update(|m| m.apply_latest(page)),
                Err(e) if is_current(g) => return error.set(Some(e)),
                _ => return,
            }
            for _ in 1..DIVIDER_PAGES {
                let cursor = model.with_untracked(|m| {
                    (!m.divider_settled())
                        .then(|| m.older_cursor().map(str::to_owned))
                        .flatten()
                });
                let Some(cursor) = cursor else { break };
                match client
                    .posts(
                        group_id,
                        timeline,
                        PostCursor::Before(cursor),
                        Some(PAGE_SIZE),
                        min,
                    )
                    .await
                {
                    Ok(page) if is_current(g) => model.update(|m| m.apply_older(page)),
                    Ok(_) => return,
                    // The divider may sit lower than it should; older posts still load on
                    // request.
                    Err(_) => break,
                }
            }
            if !is_current(g) {
                return;
            }
            let target = model
                .with_untracked(|m| m.divider())
                .map_or(ScrollTarget::Bottom, ScrollTarget::Post);
            scroll_request.set(Some(target));
            opened.set_value(true);
        }));
    };

    let load_older = move || {
        if loading_older.get_untracked() || error.get_untracked().is_some() {
            return;
        }
        let Some(cursor) = model.with_untracked(|m| m.older_cursor().map(str::to_owned)) else {
            return;
        };
        let g = generation.get_value();
        let min = filter.get_untracked();
        loading_older.set(true);
        let client = session.client();
        spawn(Box::pin(async move {
            let result = client
                .posts(
                    group_id,
                    timeline,
                    PostCursor::Before(cursor),
                    Some(PAGE_SIZE),
                    min,
                )
                .await;
            if !is_current(g) {
                return;
            }
            loading_older.set(false);
            match result {
                Ok(page) => model.update(|m| m.apply_older(page)),
                Err(e) => error.set(Some(e)),
            }
        }));
    };

    // After the event stream restarted without resuming, events may have been missed.
    let catch_up = move || {
        let g = generation.get_value();
        let min = filter.get_untracked();
        let client = session.client();
        spawn(Box::pin(async move {
            let Ok(page) = client
                .posts(group_id, timeline, PostCursor::Newest, Some(PAGE_SIZE), min)
                .await
            else {
                return;
            };
            if is_current(g) && model.try_update(|m| m.apply_catch_up(page)) == Some(false) {
                // Too much was missed to patch in: start again from the newest page.
                reload();
            }
        }));
    };

    reload();

    crate::effect::effect(move || {
        let n = live.fresh_starts();
        if n != fresh_starts.get_value() && opened.get_value() {
            fresh_starts.set_value(n);
            catch_up();
        }
    });

    // What the status region last announced (a new post from someone else).
    let announcement = RwSignal::new(String::new());
    live.subscribe(move |event| match event {
        LiveEvent::Reset(_) => reload(),
        LiveEvent::MemberChanged(_) => {}
        event => {
            let ctx = LiveContext {
                watching: at_bottom.get_untracked() && page_visible(),
            };
            let changed = model
                .try_maybe_update(|m| {
                    let applied = m.apply_event(event, ctx);
                    (applied.changed, applied.changed)
                })
                .unwrap_or(false);
            // The feed itself is not a live region (rows come and go as it scrolls): a new post
            // from someone else is announced here instead.
            if let (true, LiveEvent::PostCreated(post)) = (changed, event) {
                if post.system.is_none() && Some(post.author.id) != session.my_id() {
                    announcement.try_set(fill(
                        i18n.t(Msg::NewPostAnnouncement),
                        &[("author", &post.author.display_name)],
                    ));
                }
            }
        }
    });

    // My own new post (sent here, or from another device): show it.
    Effect::new(move |prev: Option<Option<Uuid>>| {
        let newest = model.with(|m| {
            m.posts()
                .last()
                .map(|p| (p.id, Some(p.author.id) == m.me()))
        });
        let id = newest.map(|(id, _)| id);
        if let (Some(Some(prev)), Some((id, true))) = (prev, newest) {
            if prev != id && opened.get_value() {
                scroll_request.set(Some(ScrollTarget::Bottom));
            }
        }
        id
    });

    let send_marker = move || {
        read_timer.set_value(None);
        // The session ended (logout, expiry, another user): a marker still due is dropped.
        let current = token
            .try_with_value(|t| session.is_current_token(t.as_deref()))
            .unwrap_or(false);
        if !current {
            return;
        }
        let Some(Some(up_to)) = model.try_with_untracked(|m| m.marker_to_send()) else {
            return;
        };
        let client = session.client();
        let marker = ReadMarker {
            timeline: tl,
            up_to,
        };
        // Not owned by the panel: a marker due when the reader leaves must still be sent.
        leptos::task::spawn_local(async move {
            if client.mark_read(group_id, &marker).await.is_ok() {
                model.try_update(|m| m.marker_sent(up_to));
                if let Some(cb) = on_read {
                    cb.try_run(());
                }
            }
        });
    };

    let on_seen = Callback::new(move |id: Uuid| {
        // Until the list has scrolled where the timeline opens (or where it was asked to go),
        // what flashes by on the way was not read.
        if !opened.get_value() || scroll_request.get_untracked().is_some() {
            return;
        }
        let moved = model
            .try_maybe_update(|m| {
                let moved = m.mark_seen(id);
                (moved, moved)
            })
            .unwrap_or(false);
        // Filtered, the posts between the important ones were not on screen: not read.
        if !moved || filter.get_untracked().is_some() {
            return;
        }
        if let Some(h) = read_timer.get_value() {
            h.clear();
        }
        read_timer.set_value(set_timeout_with_handle(send_marker, READ_DEBOUNCE).ok());
    });
    // The session ends: a marker waiting for its debounce is cancelled, not sent without it.
    crate::effect::effect(move || {
        let ended = session.token() != token.get_value();
        if ended {
            if let Some(Some(h)) = read_timer.try_get_value() {
                h.clear();
                read_timer.set_value(None);
            }
        }
    });
    on_cleanup(move || {
        if let Some(Some(h)) = read_timer.try_get_value() {
            h.clear();
            send_marker();
        }
    });

    let on_load_older = Callback::new(move |()| load_older());
    let retry = move |_| {
        error.set(None);
        if model.with_untracked(|m| m.is_loaded()) {
            load_older();
        } else {
            reload();
        }
    };
    let on_filter = Callback::new(move |on: bool| {
        filter.set(on.then_some(Importance::Important));
        reload();
    });
    let on_jump = Callback::new(move |()| {
        scroll_request.set(Some(ScrollTarget::Bottom));
        if let Some(el) = list_ref.get_untracked() {
            // The button disappears; keyboard focus goes to the timeline it scrolled.
            let _ = el.focus();
        }
    });
    let unread_below = Signal::derive(move || model.with(|m| m.unread_below()));
    let show_jump = Signal::derive(move || !at_bottom.get() && model.with(|m| !m.is_empty()));
    let my_id = Signal::derive(move || session.my_id());

    view! {
        <section class="tl-panel">
            <div class="tl-panel__toolbar" aria-label=move || i18n.t(Msg::TimelineTools)>
                <ImportanceFilter
                    on=Signal::derive(move || filter.get().is_some())
                    on_change=on_filter
                />
                <Show when=move || live.status() == LiveStatus::Reconnecting>
                    <p class="tl-panel__live" role="status">
                        {move || i18n.t(Msg::LiveReconnecting)}
                    </p>
                </Show>
            </div>
            {move || {
                error
                    .get()
                    .map(|err| {
                        view! {
                            <div class="tl-panel__error">
                                <p role="alert">{move || i18n.api_error(&err)}</p>
                                <button
                                    type="button"
                                    class="button button--secondary"
                                    on:click=retry
                                >
                                    {move || i18n.t(Msg::Retry)}
                                </button>
                            </div>
                        }
                    })
            }}
            <p class="visually-hidden" role="status" aria-live="polite">
                {move || announcement.get()}
            </p>
            <div class="tl-panel__body">
                <TimelineList
                    model
                    my_id
                    on_load_older
                    loading_older
                    node_ref=list_ref
                    scroll_request
                    at_bottom
                    on_seen
                />
                <Show when=move || show_jump.get()>
                    <JumpToLatest count=unread_below on_jump/>
                </Show>
            </div>
        </section>
    }
}

/// Whether the page is shown (not a background tab or a minimised window).
fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}
