//! One post of a timeline, with what a reader can do with it.

use leptos::html::Article;
use leptos::prelude::*;
use tsunagu_api::{AckUpdate, ErrorCode, Importance, LiveEvent, MemberRole, Post, Profession};
use uuid::Uuid;

use super::unread_divider::UNREAD_ID;
use crate::api::ApiError;
use crate::components::attachments::PostAttachments;
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

/// What the tile shows of the post's current state to the reader, derived once per change so
/// the view reads fields of one value instead of a memo each.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    /// The article's classes (BEM modifiers for mine, importance, awaiting my ack, …).
    class: String,
    name: String,
    profession: Profession,
    facility: Option<String>,
    importance: Importance,
    mine: bool,
    mentions_me: bool,
    edited: bool,
    live: bool,
    can_reply: bool,
    can_ack: bool,
    can_change: bool,
    can_history: bool,
    acked: bool,
    ack_count: u32,
    read_count: u32,
}

impl Shown {
    /// `mine` is the tile's prop, `replies` whether this view takes replies at all (a reply
    /// target and not archived).
    fn of(
        p: &Post,
        me: Option<Uuid>,
        mine: bool,
        archived: bool,
        role: Option<MemberRole>,
        replies: bool,
    ) -> Self {
        let mine = mine || me == Some(p.author.id);
        let live = is_live_post(p);
        let mentions_me = me.is_some() && p.mentions.iter().any(|m| Some(m.user_id) == me);
        let mut class = String::from("tl-post");
        if mine {
            class.push_str(" tl-post--mine");
        }
        match p.importance {
            Importance::Important => class.push_str(" tl-post--important"),
            Importance::Urgent => class.push_str(" tl-post--urgent"),
            Importance::Normal => {}
        }
        if awaits_my_ack(p, me) {
            class.push_str(" tl-post--awaiting-ack");
        }
        if mentions_me {
            class.push_str(" tl-post--mentions-me");
        }
        if !live {
            class.push_str(" tl-post--deleted");
        }
        Shown {
            class,
            name: p.author.display_name.clone(),
            profession: p.author.profession,
            facility: p.author.facility_name.clone(),
            importance: p.importance,
            mine,
            mentions_me,
            edited: p.edited_at.is_some() && p.deleted_at.is_none(),
            live,
            can_reply: replies && live,
            can_ack: may_ack(p, me),
            can_change: may_change(p, me, archived),
            can_history: may_see_history(p, me, role),
            acked: p.acked_by_me,
            ack_count: p.ack_count,
            read_count: p.read_count,
        }
    }
}

/// One condition of the tile, from what it shows and whether it is being edited: a memo of a
/// single type for all of them, so a part is rebuilt only when its own condition changes.
fn flag(shown: Memo<Shown>, editing: RwSignal<bool>, pick: fn(&Shown, bool) -> bool) -> Memo<bool> {
    Memo::new(move |_| {
        let editing = editing.get();
        shown.with(|s| pick(s, editing))
    })
}

/// `part` while `flag` holds, nothing otherwise (what `<Show>` does, with one instance for all
/// the tile's parts).
fn when(flag: Memo<bool>, part: Box<dyn Fn() -> AnyView + Send + Sync>) -> impl IntoView {
    move || flag.get().then(&part)
}

/// A marker in the header: a text that shows while `flag` holds.
fn marker(flag: Memo<bool>, class: &'static str, msg: Msg) -> impl IntoView {
    let i18n = use_i18n();
    when(
        flag,
        Box::new(move || view! { <span class=class>{move || i18n.t(msg)}</span> }.into_any()),
    )
}

/// One of the tile's plain action buttons; `dialog` when it opens one.
fn action(
    text: Box<dyn Fn() -> String + Send + Sync>,
    dialog: bool,
    on_click: Callback<()>,
) -> AnyView {
    view! {
        <button
            type="button"
            class="button tl-post__action"
            aria-haspopup=dialog.then_some("dialog")
            on:click=move |_| on_click.run(())
        >
            {move || text()}
        </button>
    }
    .into_any()
}

/// A post as an `<article id="post-<id>">` named "<author> <time> の投稿": author, profession,
/// facility, importance badge (重要 / 至急), "あなた宛て" when it mentions me, Japan time and
/// "編集済み"; the quoted post of a reply; the body with mentions marked (or "この投稿は削除さ
/// れました"); its attachments ([`PostAttachments`], none once deleted); then the actions: 返信,
/// 見ました (others' posts), 既読 N (opens who read and
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
    /// Whether the unread divider is drawn above it (then it is the divider's description).
    #[prop(optional, into)]
    unread_start: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let live = use_context::<Live>();
    let viewer = use_context::<GroupViewer>();
    let reply_target = use_reply_target();
    let archived = viewer.is_some_and(|v| v.archived);
    let role = viewer.map(|v| v.role);
    let replies = reply_target.is_some() && !archived;

    // The result of this tile's own last action, until the timeline's copy catches up.
    let local = RwSignal::new(None::<Post>);
    let current = Memo::new(move |_| post.with(|m| local.with(|l| merge_local(m, l.as_ref()))));
    let shown = Memo::new(move |_| {
        let me = session.my_id();
        current.with(|p| Shown::of(p, me, mine, archived, role, replies))
    });
    // The text changes only with a new version (an edit or the deletion).
    let version = Memo::new(move |_| current.with(|p| p.version));

    let (post_id, group_id, created) = post.with_untracked(|p| (p.id, p.group_id, p.created_at));
    let article = NodeRef::<Article>::new();
    let editing = RwSignal::new(false);
    let dialog = RwSignal::new(None::<TileDialog>);
    let error = RwSignal::new(None::<ApiError>);
    let live_post = flag(shown, editing, |s, _| s.live);

    let label = move || {
        fill(
            i18n.t(Msg::PostTileLabel),
            &[
                ("name", &shown.with(|s| s.name.clone())),
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
    let count = move |msg: Msg, n: fn(&Shown) -> u32| -> Box<dyn Fn() -> String + Send + Sync> {
        Box::new(move || fill(i18n.t(msg), &[("n", &shown.with(n).to_string())]))
    };
    let text = move |msg: Msg| -> Box<dyn Fn() -> String + Send + Sync> {
        Box::new(move || i18n.t(msg).to_owned())
    };

    view! {
        <article
            id=format!("post-{post_id}")
            class=move || shown.with(|s| s.class.clone())
            data-post-id=post_id.to_string()
            aria-label=label
            aria-describedby=move || unread_start.get().then_some(UNREAD_ID)
            tabindex="-1"
            node_ref=article
        >
            <header class="tl-post__header">
                <span class="tl-post__author">{move || shown.with(|s| s.name.clone())}</span>
                <span class="tl-post__profession">
                    {move || profession_label(shown.with(|s| s.profession), i18n.locale())}
                </span>
                {move || {
                    shown
                        .with(|s| s.facility.clone())
                        .map(|f| view! { <span class="tl-post__facility">{f}</span> })
                }}
                {marker(flag(shown, editing, |s, _| s.mine), "tl-post__mine-badge", Msg::You)}
                <ImportanceBadge importance=Signal::derive(move || shown.with(|s| s.importance))/>
                {marker(
                    flag(shown, editing, |s, _| s.mentions_me),
                    "tl-post__mentions-me",
                    Msg::MentionsYou,
                )}
                <time class="tl-post__time" datetime=datetime_attr(&created)>
                    {move || format_datetime(&created, i18n.locale())}
                </time>
                {marker(flag(shown, editing, |s, _| s.edited), "tl-post__edited", Msg::EditedMarker)}
            </header>
            {move || {
                version.track();
                current
                    .with_untracked(|p| p.reply_to.clone())
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
                    version.track();
                    let (body, mentions) = current
                        .with_untracked(|p| (p.body.clone(), p.mentions.clone()));
                    view! { <PostBody body mentions me=untrack(|| session.my_id())/> }.into_any()
                }
            }}
            {move || {
                // A deleted post shows none of its files.
                if !live_post.get() {
                    return None;
                }
                let (attachments, author) = current
                    .with_untracked(|p| (p.attachments.clone(), p.author.display_name.clone()));
                (!attachments.is_empty())
                    .then(|| view! { <PostAttachments attachments author at=created/> })
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
                {when(
                    flag(shown, editing, |s, _| s.can_reply),
                    Box::new(move || {
                        action(
                            text(Msg::ReplyAction),
                            false,
                            Callback::new(move |()| {
                                if let Some(target) = reply_target {
                                    target.0.set(Some(current.get_untracked()));
                                }
                            }),
                        )
                    }),
                )}
                {when(
                    flag(shown, editing, |s, _| s.can_ack),
                    Box::new(move || {
                        view! {
                            <AckButton
                                acked=Signal::derive(move || shown.with(|s| s.acked))
                                count=Signal::derive(move || shown.with(|s| s.ack_count))
                                busy=ack.pending()
                                on_ack=Callback::new(move |()| {
                                    ack.dispatch(());
                                })
                            />
                        }
                            .into_any()
                    }),
                )}
                {when(
                    flag(shown, editing, |s, _| s.live && !s.can_ack),
                    Box::new(move || {
                        let n = count(Msg::AckCount, |s| s.ack_count);
                        view! { <span class="tl-post__count">{move || n()}</span> }.into_any()
                    }),
                )}
                {when(
                    live_post,
                    Box::new(move || {
                        action(
                            count(Msg::ReadCount, |s| s.read_count),
                            true,
                            Callback::new(move |()| dialog.set(Some(TileDialog::Receipts))),
                        )
                    }),
                )}
                {when(
                    flag(shown, editing, |s, editing| s.can_change && !editing),
                    Box::new(move || {
                        view! {
                            {action(
                                text(Msg::EditAction),
                                false,
                                Callback::new(move |()| {
                                    error.set(None);
                                    editing.set(true);
                                }),
                            )}
                            <ConfirmButton
                                label=Msg::DeleteAction
                                question=Msg::ConfirmDeletePost
                                on_confirm=Callback::new(move |()| {
                                    delete.dispatch(());
                                })
                                class="tl-post__action button--danger"
                            />
                        }
                            .into_any()
                    }),
                )}
                {when(
                    flag(shown, editing, |s, _| s.can_history),
                    Box::new(move || {
                        action(
                            text(Msg::HistoryAction),
                            true,
                            Callback::new(move |()| dialog.set(Some(TileDialog::History))),
                        )
                    }),
                )}
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
