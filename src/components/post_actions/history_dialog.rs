//! A post's edit history.

use leptos::prelude::*;
use tsunagu_api::{PostRevision, RevisionKind};
use uuid::Uuid;

use super::importance_badge::ImportanceBadge;
use super::modal_dialog::ListDialog;
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
    let session = use_session();
    let history = crate::load::load(move || {
        let client = session.client();
        async move { client.post_history(group_id, post_id).await }
    });
    let content = Box::new(move || {
        history.get().map(|h| {
            h.map(|h| {
                let items = h.items.into_iter().map(revision_item).collect_view();
                view! { <ol class="history__list">{items}</ol> }.into_any()
            })
        })
    });
    view! { <ListDialog title=Msg::HistoryTitle block="history" content on_close/> }
}

/// One revision: what happened, who, when, the importance and the text as it was then.
fn revision_item(rev: PostRevision) -> impl IntoView {
    let i18n = use_i18n();
    let kind = match rev.kind {
        RevisionKind::Created => Msg::RevisionCreated,
        RevisionKind::Edited => Msg::RevisionEdited,
        RevisionKind::Deleted => Msg::RevisionDeleted,
    };
    let at = rev.at;
    let (class, body) = if rev.kind == RevisionKind::Deleted {
        ("history__body history__body--deleted", None)
    } else {
        ("history__body", Some(rev.body))
    };
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
            <p class=class>
                {move || body.clone().unwrap_or_else(|| i18n.t(Msg::PostWasDeleted).to_owned())}
            </p>
        </li>
    }
}
