//! One post of a timeline, with what a reader can do with it.

use leptos::html::Article;
use leptos::prelude::*;
use tsunagu_api::{AckUpdate, ErrorCode, Importance, LiveEvent, Post};

use crate::api::ApiError;
use crate::components::composer::reply_target::use_reply_target;
use crate::components::confirm_button::ConfirmButton;
use crate::components::post_actions::ack_button::AckButton;
use crate::components::post_actions::history_dialog::HistoryDialog;
use crate::components::post_actions::importance_badge::ImportanceBadge;
use crate::components::post_actions::post_body::PostBody;
use crate::components::post_actions::post_editor::PostEditor;
use crate::components::post_actions::receipts_dialog::ReceiptsDialog;
use crate::components::post_actions::reply_quote::ReplyQuote;
use crate::i18n::{profession_label, use_i18n, Msg};
use crate::live::Live;
use crate::post_view::{
    awaits_my_ack, fill, is_live_post, may_ack, may_change, may_see_history, me_as_author,
    merge_local, GroupViewer,
};
use crate::session::use_session;
use crate::time_format::{datetime_attr, format_datetime};

/// Which dialog of the tile is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TileDialog {
    Receipts,
    History,
}

/// A post as an `<article id="post-<id>">` named "<author> <time> の投稿": author, profession,
/// facility, importance badge (重要 / 至急), "あなた宛て" when it mentions me, Japan time and
/// "編集済み"; the quoted post of a reply; the body with mentions marked (or "この投稿は削除さ
/// れました"); then the actions: 返信, 見ました (others' posts), 既読 N (opens who read and
/// acknowledged), and for the author 編集 (in place) and 削除 (after confirming); 履歴 for
/// admins and the author of changed posts. Urgent posts stay highlighted until I acknowledged
/// them. Counts come from `post`, which the timeline keeps current from live events; results of
/// this tile's own actions show at once and are published for everyone else. Receipts and
/// history are fetched only when their dialog opens.
#[component]
pub fn PostTile(
    /// The post as the timeline holds it (a plain `Post` or a signal that follows live updates).
    #[prop(into)]
    post: Signal<Post>,
    /// Whether the current user wrote it.
    #[prop(optional)]
    mine: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let live = use_context::<Live>();
    let viewer = use_context::<GroupViewer>();
    let reply_target = use_reply_target();
    let archived = viewer.is_some_and(|v| v.archived);
    let role = viewer.map(|v| v.role);

    // The result of this tile's own last action, until the timeline's copy catches up.
    let local = RwSignal::new(None::<Post>);
    let current = Memo::new(move |_| post.with(|m| local.with(|l| merge_local(m, l.as_ref()))));
    let me = Memo::new(move |_| session.my_id());
    let is_mine = Memo::new(move |_| mine || current.with(|p| me.get() == Some(p.author.id)));

    let (post_id, group_id, created) = post.with_untracked(|p| (p.id, p.group_id, p.created_at));
    let article = NodeRef::<Article>::new();
    let editing = RwSignal::new(false);
    let dialog = RwSignal::new(None::<TileDialog>);
    let error = RwSignal::new(None::<ApiError>);

    let author = Memo::new(move |_| current.with(|p| p.author.clone()));
    let live_post = Memo::new(move |_| current.with(is_live_post));
    let importance = Memo::new(move |_| current.with(|p| p.importance));
    let edited =
        Memo::new(move |_| current.with(|p| p.edited_at.is_some() && p.deleted_at.is_none()));
    let mentions_me = Memo::new(move |_| {
        let me = me.get();
        current.with(|p| me.is_some() && p.mentions.iter().any(|m| Some(m.user_id) == me))
    });
    let content = Memo::new(move |_| current.with(|p| (p.body.clone(), p.mentions.clone())));
    let reply_to = Memo::new(move |_| current.with(|p| p.reply_to.clone()));
    let acked = Memo::new(move |_| current.with(|p| p.acked_by_me));
    let ack_count = Memo::new(move |_| current.with(|p| p.ack_count));
    let read_count = Memo::new(move |_| current.with(|p| p.read_count));
    let can_ack = Memo::new(move |_| current.with(|p| may_ack(p, me.get())));
    let can_change = Memo::new(move |_| current.with(|p| may_change(p, me.get(), archived)));
    let can_history = Memo::new(move |_| current.with(|p| may_see_history(p, me.get(), role)));
    let can_reply = move || reply_target.is_some() && !archived && live_post.get();

    let class = move || {
        let mut c = String::from("tl-post");
        if is_mine.get() {
            c.push_str(" tl-post--mine");
        }
        match importance.get() {
            Importance::Important => c.push_str(" tl-post--important"),
            Importance::Urgent => c.push_str(" tl-post--urgent"),
            Importance::Normal => {}
        }
        if current.with(|p| awaits_my_ack(p, me.get())) {
            c.push_str(" tl-post--awaiting-ack");
        }
        if mentions_me.get() {
            c.push_str(" tl-post--mentions-me");
        }
        if !live_post.get() {
            c.push_str(" tl-post--deleted");
        }
        c
    };
    let label = move || {
        fill(
            i18n.t(Msg::PostTileLabel),
            &[
                ("name", &author.with(|a| a.display_name.clone())),
                ("time", &format_datetime(&created, i18n.locale())),
            ],
        )
    };

    // Shows a result of this tile at once and lets the timeline model, the urgent banner and
    // any other view of the post merge it the same way they merge live events.
    let publish = move |event: LiveEvent| {
        if let Some(live) = live {
            live.publish(&event);
        }
    };
    let focus_tile = move || {
        if let Some(el) = article.get_untracked() {
            let _ = el.focus();
        }
    };

    let ack = Action::new_local(move |_: &()| {
        let client = session.client();
        async move {
            match client.ack_post(group_id, post_id).await {
                Ok(updated) => {
                    error.set(None);
                    local.set(Some(updated.clone()));
                    if let Some(me) = session.me() {
                        publish(LiveEvent::AckUpdated(AckUpdate {
                            group_id: updated.group_id,
                            timeline: updated.timeline,
                            post_id: updated.id,
                            user: me_as_author(&me),
                            ack_count: updated.ack_count,
                            at: chrono::Utc::now(),
                        }));
                    }
                }
                Err(err) => error.set(Some(err)),
            }
        }
    });
    let delete = Action::new_local(move |_: &()| {
        let client = session.client();
        let version = current.with_untracked(|p| p.version);
        async move {
            match client.delete_post(group_id, post_id, version).await {
                Ok(tombstone) => {
                    error.set(None);
                    local.set(Some(tombstone.clone()));
                    publish(LiveEvent::PostDeleted(tombstone));
                    focus_tile();
                }
                Err(err) => {
                    error.set(Some(err));
                    if err.code() == Some(ErrorCode::PreconditionFailed) {
                        // Someone changed it since: show the current state before asking again.
                        if let Ok(latest) = client.post(group_id, post_id).await {
                            local.set(Some(latest));
                        }
                    }
                }
            }
        }
    });

    let on_saved = Callback::new(move |saved: Post| {
        local.set(Some(saved.clone()));
        publish(LiveEvent::PostUpdated(saved));
        editing.set(false);
        focus_tile();
    });
    let on_latest = Callback::new(move |latest: Post| local.set(Some(latest)));
    let on_cancel = Callback::new(move |()| {
        editing.set(false);
        focus_tile();
    });
    let close_dialog = Callback::new(move |()| dialog.set(None));

    view! {
        <article
            id=format!("post-{post_id}")
            class=class
            data-post-id=post_id.to_string()
            aria-label=label
            tabindex="-1"
            node_ref=article
        >
            <header class="tl-post__header">
                <span class="tl-post__author">{move || author.with(|a| a.display_name.clone())}</span>
                <span class="tl-post__profession">
                    {move || profession_label(author.with(|a| a.profession), i18n.locale())}
                </span>
                {move || {
                    author
                        .with(|a| a.facility_name.clone())
                        .map(|f| view! { <span class="tl-post__facility">{f}</span> })
                }}
                <Show when=move || is_mine.get()>
                    <span class="tl-post__mine-badge">{move || i18n.t(Msg::You)}</span>
                </Show>
                <ImportanceBadge importance=importance/>
                <Show when=move || mentions_me.get()>
                    <span class="tl-post__mentions-me">{move || i18n.t(Msg::MentionsYou)}</span>
                </Show>
                <time class="tl-post__time" datetime=datetime_attr(&created)>
                    {move || format_datetime(&created, i18n.locale())}
                </time>
                <Show when=move || edited.get()>
                    <span class="tl-post__edited">{move || i18n.t(Msg::EditedMarker)}</span>
                </Show>
            </header>
            {move || {
                reply_to
                    .get()
                    .filter(|_| live_post.get())
                    .map(|reply| view! { <ReplyQuote reply/> })
            }}
            {move || {
                if !live_post.get() {
                    view! {
                        <p class="tl-post__body tl-post__body--deleted">
                            {move || i18n.t(Msg::PostWasDeleted)}
                        </p>
                    }
                        .into_any()
                } else if editing.get() {
                    view! {
                        <PostEditor post=current.get_untracked() on_saved on_latest on_cancel/>
                    }
                        .into_any()
                } else {
                    let (body, mentions) = content.get();
                    view! { <PostBody body mentions me=me.get_untracked()/> }.into_any()
                }
            }}
            {move || {
                error
                    .get()
                    .filter(|_| !editing.get())
                    .map(|err| {
                        view! {
                            <p class="tl-post__error" role="alert">
                                {move || i18n.api_error(&err)}
                            </p>
                        }
                    })
            }}
            <div class="tl-post__actions">
                <Show when=can_reply>
                    <button
                        type="button"
                        class="button tl-post__action"
                        on:click=move |_| {
                            if let Some(target) = reply_target {
                                target.0.set(Some(current.get_untracked()));
                            }
                        }
                    >
                        {move || i18n.t(Msg::ReplyAction)}
                    </button>
                </Show>
                <Show when=move || can_ack.get()>
                    <AckButton
                        acked=acked
                        count=ack_count
                        busy=ack.pending()
                        on_ack=Callback::new(move |()| {
                            ack.dispatch(());
                        })
                    />
                </Show>
                <Show when=move || live_post.get() && !can_ack.get()>
                    <span class="tl-post__count">
                        {move || fill(i18n.t(Msg::AckCount), &[("n", &ack_count.get().to_string())])}
                    </span>
                </Show>
                <Show when=move || live_post.get()>
                    <button
                        type="button"
                        class="button tl-post__action"
                        aria-haspopup="dialog"
                        on:click=move |_| dialog.set(Some(TileDialog::Receipts))
                    >
                        {move || fill(i18n.t(Msg::ReadCount), &[("n", &read_count.get().to_string())])}
                    </button>
                </Show>
                <Show when=move || can_change.get() && !editing.get()>
                    <button
                        type="button"
                        class="button tl-post__action"
                        on:click=move |_| {
                            error.set(None);
                            editing.set(true);
                        }
                    >
                        {move || i18n.t(Msg::EditAction)}
                    </button>
                    <ConfirmButton
                        label=Msg::DeleteAction
                        question=Msg::ConfirmDeletePost
                        on_confirm=Callback::new(move |()| {
                            delete.dispatch(());
                        })
                        class="tl-post__action button--danger"
                    />
                </Show>
                <Show when=move || can_history.get()>
                    <button
                        type="button"
                        class="button tl-post__action"
                        aria-haspopup="dialog"
                        on:click=move |_| dialog.set(Some(TileDialog::History))
                    >
                        {move || i18n.t(Msg::HistoryAction)}
                    </button>
                </Show>
            </div>
            {move || match dialog.get() {
                None => None,
                Some(TileDialog::Receipts) => {
                    Some(
                        view! { <ReceiptsDialog post=current.get_untracked() on_close=close_dialog/> }
                            .into_any(),
                    )
                }
                Some(TileDialog::History) => {
                    Some(
                        view! { <HistoryDialog group_id post_id on_close=close_dialog/> }
                            .into_any(),
                    )
                }
            }}
        </article>
    }
}
