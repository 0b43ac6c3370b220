//! Loading a timeline and keeping it scrolled where the reader expects.

use leptos::html::Div;
use leptos::prelude::*;
use tsunagu_api::{ReadMarker, Timeline};
use uuid::Uuid;

use super::timeline_list::TimelineList;
use crate::api::{ApiError, PostCursor};
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;
use crate::timeline_model::TimelineModel;

/// Posts per page.
const PAGE_SIZE: u32 = 50;

/// Loads the newest page of a group's timeline into `model`, scrolls to the bottom when it opens
/// and whenever a newer post arrives, and loads older pages on request without moving what the
/// reader sees.
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
    let list_ref = NodeRef::<Div>::new();
    let error = RwSignal::new(None::<ApiError>);

    let load_latest = Action::new_local(move |_: &()| {
        let client = session.client();
        async move {
            match client
                .posts(group_id, timeline, PostCursor::Newest, Some(PAGE_SIZE))
                .await
            {
                Ok(page) => {
                    error.set(None);
                    model.update(|m| m.apply_latest(page));
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });

    let load_older = Action::new_local(move |cursor: &String| {
        let client = session.client();
        let cursor = cursor.clone();
        // Distance from the bottom, which stays the same when posts are added on top.
        let from_bottom = list_ref
            .get_untracked()
            .map(|el| el.scroll_height() - el.scroll_top());
        async move {
            match client
                .posts(
                    group_id,
                    timeline,
                    PostCursor::Before(cursor),
                    Some(PAGE_SIZE),
                )
                .await
            {
                Ok(page) => {
                    error.set(None);
                    model.update(|m| m.apply_older(page));
                    if let Some(from_bottom) = from_bottom {
                        request_animation_frame(move || {
                            if let Some(el) = list_ref.get_untracked() {
                                el.set_scroll_top(el.scroll_height() - from_bottom);
                            }
                        });
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });

    load_latest.dispatch(());

    // Scroll to the newest post when the timeline opens and when a newer post arrives.
    Effect::new(move |prev: Option<Option<Uuid>>| {
        let newest = model.with(|m| m.newest_id());
        if newest.is_some() && prev != Some(newest) {
            request_animation_frame(move || {
                if let Some(el) = list_ref.get_untracked() {
                    el.set_scroll_top(el.scroll_height());
                }
            });
        }
        newest
    });

    // Once the newest post has been shown, move the read marker to it (markers only move
    // forward, so sending the same or an older id again is harmless but useless).
    let read_sent = StoredValue::new(None::<Uuid>);
    Effect::new(move |_| {
        let Some(newest) = model.with(|m| m.newest_id()) else {
            return;
        };
        if read_sent.get_value() == Some(newest) {
            return;
        }
        read_sent.set_value(Some(newest));
        let client = session.client();
        let marker = ReadMarker {
            timeline: timeline.unwrap_or_default(),
            up_to: newest,
        };
        leptos::task::spawn_local(async move {
            if client.mark_read(group_id, &marker).await.is_ok() {
                if let Some(cb) = on_read {
                    cb.run(());
                }
            }
        });
    });

    let on_load_older = Callback::new(move |()| {
        if load_older.pending().get_untracked() {
            return;
        }
        if let Some(cursor) = model.with_untracked(|m| m.older_cursor().map(str::to_owned)) {
            load_older.dispatch(cursor);
        }
    });

    let retry = move |_| {
        error.set(None);
        if model.with_untracked(|m| m.is_loaded()) {
            on_load_older.run(());
        } else {
            load_latest.dispatch(());
        }
    };

    let my_id = Signal::derive(move || session.my_id());

    view! {
        <section class="tl-panel">
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
            <TimelineList
                model
                my_id
                on_load_older
                loading_older=load_older.pending()
                node_ref=list_ref
            />
        </section>
    }
}
