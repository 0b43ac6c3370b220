//! One post waiting in the outbox.

use leptos::prelude::*;
use tsunagu_api::Importance;

use super::importance_select::importance_msg;
use crate::app_part::{link_rel, send_media_href};
use crate::components::confirm_button::ConfirmButton;
use crate::i18n::{error_text, use_i18n, Msg};
use crate::media::plan::percent;
use crate::outbox::{use_outbox, ItemState, OutboxItem};
use crate::session::use_session;

/// A waiting post, drawn like the user's own posts: author, importance, the quoted post of a
/// reply, the text, and its state — 「送信待ち」 or 「送信中…」, or when the server refused it
/// (or it was held because a retry could post twice) the translated reason (an alert) with
/// 「編集」 (back into the editor) and 「破棄」 (after a confirmation). Attached files are
/// listed with a progress bar each, a cancel button while the post has not been requested,
/// and 「今すぐ再試行」 after a failed attempt.
#[component]
pub fn OutboxEntry(
    /// The item.
    item: OutboxItem,
    /// Puts the text back into the editor (refused or held items only).
    on_edit: Callback<()>,
    /// Drops the item (refused or held items only, after confirmation).
    on_discard: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let outbox = use_outbox();
    let key = item.key;
    // Only the build that uploads (the sending page) can cancel an upload.
    let cancellable =
        cfg!(feature = "send-media") && !item.is_uploaded() && item.maybe_delivered_at_ms.is_none();
    let files = (!item.attachments.is_empty()).then(|| {
        let rows = item
            .attachments
            .iter()
            .map(|a| {
                let f = a.file.clone();
                let id = f.blob_id;
                let stored = if f.is_done() { f.size } else { f.offset };
                let size = f.size;
                let done = move || outbox.progress_of(id).unwrap_or(stored).max(stored);
                let name = f.name.clone();
                let progress_label = {
                    let name = name.clone();
                    move || format!("{}: {name}", i18n.t(Msg::MediaUploadProgress))
                };
                let cancel_label = {
                    let name = name.clone();
                    move || format!("{}: {name}", i18n.t(Msg::MediaCancelUpload))
                };
                let cancel = (cancellable && !f.is_done()).then(|| {
                    view! {
                        <button
                            type="button"
                            class="outbox-file__cancel"
                            aria-label=cancel_label
                            on:click=move |_| outbox.cancel_file(key, id)
                        >
                            "×"
                        </button>
                    }
                });
                view! {
                    <li class="outbox-file" data-blob-id=id.to_string()>
                        <span class="outbox-file__name">{name}</span>
                        <progress
                            class="outbox-file__bar"
                            max="100"
                            value=move || percent(done(), size)
                            aria-label=progress_label
                        ></progress>
                        <span class="outbox-file__percent">{move || format!("{}%", percent(done(), size))}</span>
                        {cancel}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="outbox-files">{rows}</ul> }
    });
    // The nurse's app does not upload (feature `send-media`): the sending page does.
    let continue_link = (!cfg!(feature = "send-media") && !item.is_uploaded()).then(|| {
        let href = send_media_href(item.group_id, item.timeline);
        let rel = link_rel(&href);
        view! {
            <a class="button button--secondary outbox-item__continue" href=href rel=rel>
                {move || i18n.t(Msg::MediaContinueSending)}
            </a>
        }
    });
    let retry = (item.state == ItemState::Queued && item.attempts > 0).then(|| {
        view! {
            <button
                type="button"
                class="button button--secondary outbox-item__retry"
                on:click=move |_| outbox.retry_now()
            >
                {move || i18n.t(Msg::MediaRetryUpload)}
            </button>
        }
    });
    let author = move || session.me().map(|m| m.display_name).unwrap_or_default();
    let reason_id = format!("outbox-{}-reason", item.key);
    let (state_class, state_msg) = match item.state {
        ItemState::Queued => ("outbox-item outbox-item--queued", Msg::OutboxQueued),
        ItemState::Sending { .. } => ("outbox-item outbox-item--sending", Msg::OutboxSending),
        ItemState::Rejected { .. } => ("outbox-item outbox-item--rejected", Msg::OutboxRejected),
        ItemState::Held => ("outbox-item outbox-item--held", Msg::OutboxHeld),
    };
    let importance = (item.importance != Importance::Normal).then(|| {
        let imp = item.importance;
        view! {
            <span class=format!("outbox-item__importance outbox-item__importance--{}", imp.as_str())>
                {move || i18n.t(importance_msg(imp))}
            </span>
        }
    });
    let reply = item.reply_to.clone().map(|r| {
        view! {
            <p class="outbox-item__reply">
                <span class="outbox-item__reply-label">{move || i18n.t(Msg::ComposerReplyingTo)}</span>
                <span class="outbox-item__reply-author">{r.author_name}</span>
                <q class="outbox-item__reply-excerpt">{r.excerpt}</q>
            </p>
        }
    });
    let code = match item.state {
        ItemState::Rejected { code, .. } => Some(code),
        _ => None,
    };
    let reason_text = move || match code {
        Some(code) => error_text(code, i18n.locale()),
        None => i18n.t(Msg::OutboxHeldReason),
    };
    let rejection = item.needs_user().then(|| {
        view! {
            <p class="outbox-item__reason" role="alert" id=reason_id.clone()>
                {reason_text}
            </p>
            <div class="outbox-item__actions">
                <button
                    type="button"
                    class="button button--secondary"
                    aria-describedby=reason_id.clone()
                    on:click=move |_| on_edit.run(())
                >
                    {move || i18n.t(Msg::OutboxEdit)}
                </button>
                <ConfirmButton
                    label=Msg::OutboxDiscard
                    question=Msg::OutboxConfirmDiscard
                    on_confirm=on_discard
                    class="button--danger"
                />
            </div>
        }
    });

    view! {
        <li class=format!("tl-post tl-post--mine {state_class}") data-outbox-key=item.key.to_string()>
            <header class="tl-post__header">
                <span class="tl-post__author">{author}</span>
                <span class="tl-post__mine-badge">{move || i18n.t(Msg::You)}</span>
                {importance}
                <span class="outbox-item__state">{move || i18n.t(state_msg)}</span>
            </header>
            {reply}
            <p class="tl-post__body">{item.body.clone()}</p>
            {files}
            {retry}
            {continue_link}
            {rejection}
        </li>
    }
}
