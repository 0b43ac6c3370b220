//! The nurse's app's way to photos and files: a link to the sending page of the media build.

use leptos::prelude::*;
use tsunagu_api::Timeline;
use uuid::Uuid;

use crate::app_part::{link_rel, send_media_href};
use crate::drafts::DraftKey;
use crate::i18n::{use_i18n, Msg};
use crate::media::store;
use crate::post_view::fill;

/// 「添付」 in the nurse's composer: opens the sending page (`/media/groups/:id/send`, the
/// media build), where photos are attached, prepared and uploaded. The text typed so far goes
/// along as the draft (IndexedDB), and so do files already attached to it: then the link reads
/// 「添付 N件」, so nobody sends the text here believing the photos went with it.
#[component]
pub fn AttachLink(
    /// The group written to.
    group_id: Uuid,
    /// The timeline written to (`None`: the group's default).
    timeline: Option<Timeline>,
    /// The draft whose attachments are counted.
    key: DraftKey,
    /// Bumped when files were put back into the draft (the count is read again).
    changed: ReadSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let count = LocalResource::new(move || {
        changed.track();
        async move { store::load_draft(&key).await.len() }
    });
    let href = send_media_href(group_id, timeline);
    let rel = link_rel(&href);
    view! {
        <div class="attach">
            <a
                class="button button--secondary attach__button attach__link"
                href=href
                rel=rel
            >
                {move || match count.get().unwrap_or(0) {
                    0 => i18n.t(Msg::MediaAttachShort).to_string(),
                    n => fill(i18n.t(Msg::MediaAttachedCount), &[("n", &n.to_string())]),
                }}
                // The visible text starts the accessible name (WCAG 2.5.3); this says where it goes.
                <span class="visually-hidden">{move || i18n.t(Msg::MediaSendPageLink)}</span>
            </a>
        </div>
    }
}
