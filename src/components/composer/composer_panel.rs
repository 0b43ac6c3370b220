//! The composer: the timeline's waiting posts, the reply being written, the editor with
//! @mentions, importance and the send button.

use leptos::html::Textarea;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tsunagu_api::{validate_post_body, ErrorCode, Importance, Mention, Post, Timeline};
use uuid::Uuid;

#[cfg(not(feature = "send-media"))]
use super::attach_link::AttachLink;
#[cfg(feature = "send-media")]
use super::attachments::{files_of, AttachControls, AttachmentChips, Attachments};
use super::draft_sync::use_draft;
use super::editor::Editor;
use super::importance_select::ImportanceSelect;
use super::mentions::{kept_mentions, mentionable, Candidate};
use super::outbox_list::{any_waiting_for_retry, OutboxList};
use super::reply_bar::ReplyBar;
use super::reply_target::use_reply_target;
use crate::api::ApiError;
use crate::drafts::DraftKey;
use crate::i18n::{use_i18n, Msg};
use crate::outbox::{use_outbox, NewItem, ReplyQuote};
use crate::session::use_session;

/// Status used for errors found before sending (the same the server would answer).
const LOCAL_VALIDATION_STATUS: u16 = 422;

/// Why the composer could not take the post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ComposerError {
    /// Refused before sending (empty, too long) or no session.
    Api(ApiError),
    /// The outbox could not store it.
    Store,
    /// Files dropped or pasted where they cannot be attached (the nurse's app).
    #[cfg_attr(feature = "send-media", allow(dead_code))]
    UseSendPage,
}

/// Writes a post to a group's timeline. 送信 validates with the contract's own rules (the
/// translated message shows and the text stays), then puts the post into the outbox — stored in
/// IndexedDB before anything is sent — and only then clears the editor, the options and the
/// draft. The outbox delivers it (also after going offline, a reload or a crash) with an
/// idempotency key, so it is posted exactly once; its waiting posts of this timeline are shown
/// above the editor.
///
/// Options: importance (通常 / 重要 / 至急, back to 通常 after sending), a reply to the post the
/// timeline's reply target holds (quoted above the editor, cancellable), and @mentions of
/// members (only professionals in the care timeline), and attached photos and files (picker,
/// camera, drag-and-drop, paste; photos prepared on the device without their metadata; kept
/// with the draft in IndexedDB, uploaded by the outbox before the post is created). The text
/// is kept as a draft per user, group, timeline and reply.
///
/// Attaching is compiled in with the feature `send-media`, which only the media build has
/// (its sending page); the nurse's app shows [`AttachLink`] to that page instead, and a file
/// dropped or pasted there is refused with a hint rather than opened by the browser.
#[component]
pub fn ComposerPanel(
    /// The group to post to.
    group_id: Uuid,
    /// Called with the created post after this timeline's post was delivered.
    on_sent: Callback<Post>,
    /// The timeline to post to (`None`: the group's default, `care`).
    #[prop(optional)]
    timeline: Option<Timeline>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let outbox = use_outbox();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ComposerError>);
    let importance = RwSignal::new(Importance::Normal);
    let reply = RwSignal::new(None::<ReplyQuote>);
    // Members chosen from the suggestions; only those still named in the text are sent.
    let chosen = RwSignal::new(Vec::<Mention>::new());
    // Between 送信 and the item being stored.
    let storing = RwSignal::new(false);
    let area = NodeRef::<Textarea>::new();
    // Drafts are the writer's own: nobody else on a shared device sees them.
    let me = untrack(|| session.my_id()).unwrap_or_default();
    let draft = use_draft(
        DraftKey::new(me, group_id, timeline),
        text,
        Callback::new(move |quote: ReplyQuote| {
            reply.try_set(Some(quote));
        }),
    );
    let target = use_reply_target();
    // Attachments belong to the timeline's composer (not to a reply's draft): switching the
    // reply keeps them.
    let files_key = DraftKey::new(me, group_id, timeline);
    #[cfg(feature = "send-media")]
    let attachments = Attachments::new(files_key);
    #[cfg(feature = "send-media")]
    let preparing = move || attachments.preparing.get() > 0;
    #[cfg(not(feature = "send-media"))]
    let preparing = || false;
    // Files put back into the draft from a refused post (the link's count is read again).
    #[cfg(not(feature = "send-media"))]
    let (files_changed, set_files_changed) = signal(0_u32);

    let focus_editor = move || {
        if let Some(el) = area.get_untracked() {
            let _ = el.focus();
        }
    };

    // A post's 返信 sets the timeline's reply target: quote it and start writing.
    if let Some(target) = target {
        Effect::new(move |previous: Option<Option<Uuid>>| {
            let id = target.0.with(|t| t.as_ref().map(|p| p.id));
            match target.0.get_untracked() {
                Some(post) => {
                    reply.set(Some(ReplyQuote::of_post(&post)));
                    focus_editor();
                }
                None => {
                    // Cleared elsewhere: drop the quote if it was that target's.
                    let was = previous.flatten();
                    if was.is_some() && reply.with_untracked(|r| r.as_ref().map(|r| r.id)) == was {
                        reply.set(None);
                    }
                }
            }
            id
        });
    }
    // The draft belongs to the post being written: a reply has its own.
    {
        let draft = draft.clone();
        crate::effect::effect(move || {
            let quote = reply.get();
            draft.set_key(
                DraftKey {
                    reply_to: quote.as_ref().map(|q| q.id),
                    ..DraftKey::new(me, group_id, timeline)
                },
                quote,
                text,
            );
        });
    }
    let cancel_reply = Callback::new(move |()| {
        reply.set(None);
        if let Some(target) = target {
            target.0.set(None);
        }
        focus_editor();
    });

    // This timeline's posts, once delivered, go to the timeline (which also gets them as live
    // events; it merges by id).
    outbox.on_sent(move |item, post| {
        if item.group_id == group_id && item.timeline == timeline {
            on_sent.run(post.clone());
        }
    });

    // Members (with the readings of their names) for @mentions, fetched once, when the first
    // mention is typed.
    let members = RwSignal::new(Vec::<Candidate>::new());
    let members_requested = StoredValue::new(false);
    let load_members = Callback::new(move |()| {
        if members_requested.get_value() {
            return;
        }
        members_requested.set_value(true);
        let client = session.client();
        let me = untrack(|| session.my_id());
        spawn_local(async move {
            match client.mention_members(group_id).await {
                Ok(list) => {
                    members.try_set(mentionable(&list, timeline, me));
                }
                // Offline, say: asked again at the next mention.
                Err(_) => {
                    members_requested.try_set_value(false);
                }
            }
        });
    });
    let on_mention = Callback::new(move |m: Mention| chosen.update(|c| c.push(m)));

    let submit = {
        let draft = draft.clone();
        Callback::new(move |()| {
            if storing.get_untracked() || untrack(preparing) {
                return;
            }
            let body = text.get_untracked();
            #[cfg(feature = "send-media")]
            let files = attachments.list.get_untracked();
            #[cfg(not(feature = "send-media"))]
            let files = Vec::new();
            // A post of photos only needs no text.
            let checked = if files.is_empty() || !body.trim().is_empty() {
                validate_post_body(&body)
            } else {
                Ok(())
            };
            if let Err(code) = checked {
                error.set(Some(ComposerError::Api(ApiError::Problem {
                    status: LOCAL_VALIDATION_STATUS,
                    code,
                })));
                return;
            }
            let Some(me) = untrack(|| session.my_id()) else {
                error.set(Some(ComposerError::Api(ApiError::Problem {
                    status: 401,
                    code: ErrorCode::Unauthenticated,
                })));
                return;
            };
            error.set(None);
            let item = NewItem {
                author_id: me,
                group_id,
                timeline,
                body: body.clone(),
                importance: importance.get_untracked(),
                reply_to: reply.get_untracked(),
                mentions: kept_mentions(&body, &chosen.get_untracked()),
                attachments: files.clone(),
            };
            storing.set(true);
            let draft = draft.clone();
            spawn_local(async move {
                let stored = outbox.enqueue(item).await;
                storing.try_set(false);
                match stored {
                    Ok(_) => {
                        #[cfg(feature = "send-media")]
                        attachments.taken(&files);
                        // Only clear what was stored: keep anything typed meanwhile.
                        if text.try_with_untracked(|t| *t == body) == Some(true) {
                            text.try_set(String::new());
                        }
                        // The draft goes only now that the text is safe in the outbox (and
                        // before the reply is cleared: the draft is the reply's).
                        draft.sent(&body);
                        importance.try_set(Importance::Normal);
                        chosen.try_set(Vec::new());
                        if reply.try_get_untracked().flatten().is_some() {
                            reply.try_set(None);
                            if let Some(target) = target {
                                target.0.try_set(None);
                            }
                        }
                    }
                    Err(e) => {
                        web_sys::console::warn_1(&format!("outbox: {e}").into());
                        error.try_set(Some(ComposerError::Store));
                    }
                }
            });
        })
    };

    // A refused post the user wants to change: its text and options come back.
    let on_edit_item = {
        let draft = draft.clone();
        Callback::new(move |content: NewItem| {
            let current = text.get_untracked();
            let restored = if current.trim().is_empty() {
                content.body
            } else {
                // Never overwrite what is being typed: the old text goes after it.
                format!("{current}\n\n{}", content.body)
            };
            text.set(restored.clone());
            draft.edited(restored);
            importance.set(content.importance);
            chosen.update(|c| c.extend(content.mentions));
            #[cfg(feature = "send-media")]
            attachments.put_back(content.attachments);
            #[cfg(not(feature = "send-media"))]
            if !content.attachments.is_empty() {
                spawn_local(async move {
                    if crate::media::store::add_to_draft(&files_key, content.attachments)
                        .await
                        .is_ok()
                    {
                        set_files_changed.try_update(|n| *n += 1);
                    }
                });
            }
            if content.reply_to.is_some() {
                reply.set(content.reply_to);
            }
            error.set(None);
            focus_editor();
        })
    };

    let editor_id = match timeline {
        Some(t) => format!("composer-{group_id}-{}", t.as_str()),
        None => format!("composer-{group_id}"),
    };
    let importance_id = format!("{editor_id}-importance");
    #[cfg(feature = "send-media")]
    let attach = {
        let id = format!("{editor_id}-attach");
        view! {
            <AttachmentChips attachments/>
            <AttachControls attachments id/>
        }
    };
    #[cfg(not(feature = "send-media"))]
    let attach = view! { <AttachLink group_id timeline key=files_key changed=files_changed/> };
    // Files dropped or pasted on the form: attached, or in the nurse's app a hint.
    let take_files = move |files: Option<web_sys::FileList>, ev: &web_sys::Event| {
        let some = files.as_ref().is_some_and(|f| f.length() > 0);
        if some {
            ev.prevent_default();
        }
        #[cfg(feature = "send-media")]
        if some {
            attachments.add(files_of(files), session.client());
        }
        #[cfg(not(feature = "send-media"))]
        if some {
            error.set(Some(ComposerError::UseSendPage));
        }
    };
    let on_edit = Callback::new(move |body: String| draft.edited(body));
    let error_id = format!("{editor_id}-error");
    let error_ref = {
        let error_id = error_id.clone();
        Signal::derive(move || error.with(|e| e.is_some()).then(|| error_id.clone()))
    };
    let waiting = Memo::new(move |_| any_waiting_for_retry(&outbox.items_of(group_id, timeline)));

    view! {
        <OutboxList group_id timeline on_edit=on_edit_item/>
        <form
            class="composer"
            aria-label=move || i18n.t(Msg::Composer)
            on:submit=move |ev| {
                ev.prevent_default();
                submit.run(());
            }
            on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
            on:drop=move |ev: web_sys::DragEvent| {
                take_files(ev.data_transfer().and_then(|d| d.files()), &ev)
            }
            on:paste=move |ev: web_sys::ClipboardEvent| {
                // Pasted images are attached; pasted text goes into the editor as usual.
                take_files(ev.clipboard_data().and_then(|d| d.files()), &ev)
            }
        >
            {move || {
                reply.get().map(|quote| view! { <ReplyBar quote on_cancel=cancel_reply/> })
            }}
            <Editor
                value=text
                on_submit=submit
                id=editor_id
                error_id=error_ref
                on_edit
                mention_candidates=Signal::from(members)
                on_mention_query=load_members
                on_mention
                node_ref=area
            />
            {move || {
                error
                    .get()
                    .map(|err| {
                        view! {
                            <p class="composer__error" role="alert" id=error_id.clone()>
                                {move || match err {
                                    ComposerError::Api(e) => i18n.api_error(&e),
                                    ComposerError::Store => i18n.t(Msg::ComposerStoreFailed),
                                    ComposerError::UseSendPage => i18n.t(Msg::MediaUseSendPage),
                                }}
                            </p>
                        }
                    })
            }}
            {attach}
            <div class="composer__actions">
                <ImportanceSelect value=importance id=importance_id/>
                <button
                    type="submit"
                    class="button button--primary composer__send"
                    disabled=move || storing.get() || preparing()
                >
                    {move || i18n.t(Msg::Send)}
                </button>
                <span class="composer__status" role="status">
                    {move || waiting.get().then(|| i18n.t(Msg::OutboxWillRetry))}
                </span>
            </div>
        </form>
    }
}
