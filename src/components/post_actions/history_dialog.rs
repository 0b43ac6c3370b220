//! A post's edit history.

use leptos::prelude::*;
use tsunagu_api::{PostRevision, RevisionKind};
use uuid::Uuid;

use super::importance_badge::ImportanceBadge;
use super::modal_dialog::ModalDialog;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;
use crate::time_format::{datetime_attr, format_datetime};

/// A dialog loading `GET …/history` when it opens and listing every revision oldest first:
/// what happened (投稿 / 編集 / 削除), who, when, and the text as it was then.
#[component]
pub fn HistoryDialog(
    /// The post's group.
    group_id: Uuid,
    /// The post.
    post_id: Uuid,
    /// Runs when the dialog has closed.
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let history = crate::load::load(move || {
        let client = session.client();
        async move { client.post_history(group_id, post_id).await }
    });

    view! {
        <ModalDialog title=Signal::derive(move || i18n.t(Msg::HistoryTitle).to_owned()) on_close>
            {move || match history.get() {
                None => view! { <p class="history__status">{move || i18n.t(Msg::Loading)}</p> }.into_any(),
                Some(Err(err)) => {
                    view! { <p class="history__error" role="alert">{move || i18n.api_error(&err)}</p> }
                        .into_any()
                }
                Some(Ok(h)) => {
                    view! {
                        <ol class="history__list">
                            {h
                                .items
                                .into_iter()
                                .map(|rev| view! { <RevisionItem rev/> })
                                .collect_view()}
                        </ol>
                    }
                        .into_any()
                }
            }}
        </ModalDialog>
    }
}

/// One revision.
#[component]
fn RevisionItem(
    /// The revision.
    rev: PostRevision,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = match rev.kind {
        RevisionKind::Created => Msg::RevisionCreated,
        RevisionKind::Edited => Msg::RevisionEdited,
        RevisionKind::Deleted => Msg::RevisionDeleted,
    };
    let at = rev.at;
    let deleted = rev.kind == RevisionKind::Deleted;
    let body = rev.body;
    view! {
        <li class="history__item">
            <div class="history__meta">
                <span class="history__kind">{move || i18n.t(kind)}</span>
                <span class="history__by">{rev.by.display_name}</span>
                <time class="history__time" datetime=datetime_attr(&at)>
                    {move || format_datetime(&at, i18n.locale())}
                </time>
                <ImportanceBadge importance=rev.importance/>
            </div>
            {if deleted {
                view! { <p class="history__body history__body--deleted">{move || i18n.t(Msg::PostWasDeleted)}</p> }
                    .into_any()
            } else {
                view! { <p class="history__body">{body}</p> }.into_any()
            }}
        </li>
    }
}
