//! Sending photos and files to a group (`/media/groups/:id/send?timeline=…`, the media build).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use tsunagu_api::{ErrorCode, Post, Timeline};
use uuid::Uuid;

use crate::app_part::{group_href, link_rel, timeline_in, use_go};
use crate::components::composer::ComposerPanel;
use crate::home_model::display_name;
use crate::i18n::{error_text, use_i18n, Msg};
use crate::outbox::use_outbox;
use crate::pages::group_page::use_group_id;
use crate::session::use_session;

/// The composer with attachments for the group named by `:id` and the timeline of the
/// `timeline` query (the group's default without one). The nurse's composer links here
/// (「添付」): the draft typed there is resumed here, photos are attached, prepared on the
/// device and uploaded with a bar each, and once the outbox of this timeline is empty after a
/// delivery the page goes back to the timeline, where the post is. Leaving early loses
/// nothing: the waiting post stays in the outbox and its uploads resume here.
#[component]
pub fn SendPage() -> impl IntoView {
    let i18n = use_i18n();
    let group_id = use_group_id();
    let query = use_query_map();
    move || {
        let timeline = query.with(timeline_in);
        match group_id.get() {
            Some(gid) => view! { <SendBody gid timeline/> }.into_any(),
            None => view! {
                <p class="group-page__error" role="alert">
                    {move || error_text(ErrorCode::NotFound, i18n.locale())}
                </p>
            }
            .into_any(),
        }
    }
}

/// The sending page of one group's timeline.
#[component]
fn SendBody(
    /// The group.
    gid: Uuid,
    /// The timeline (`None`: the group's default).
    timeline: Option<Timeline>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let outbox = use_outbox();
    let go = use_go();
    let group = crate::load::load(move || {
        let client = session.client();
        async move { client.group(gid).await }
    });
    let back = group_href(gid, timeline);
    let on_sent = {
        let back = back.clone();
        Callback::new(move |_: Post| {
            if outbox.items_of(gid, timeline).is_empty() {
                go(&back);
            }
        })
    };
    let rel = link_rel(&back);
    view! {
        <div class="group-page send-page">
            <div class="group-page__header">
                <a class="group-page__back group-page__back--always" href=back rel=rel>
                    {move || i18n.t(Msg::GalleryBackToTimeline)}
                </a>
                <h1 class="group-page__title">{move || i18n.t(Msg::MediaSendTitle)}</h1>
                <span class="group-page__meta">
                    {move || group.get().and_then(Result::ok).map(|g| display_name(&g))}
                </span>
            </div>
            {move || match group.get() {
                None => view! { <p class="send-page__status">{move || i18n.t(Msg::Loading)}</p> }.into_any(),
                Some(Err(err)) => view! {
                    <p class="group-page__error" role="alert">{move || i18n.api_error(&err)}</p>
                }
                .into_any(),
                Some(Ok(g)) if g.archived => view! {
                    <p class="group-page__archived" role="status">{move || i18n.t(Msg::ArchivedBanner)}</p>
                }
                .into_any(),
                Some(Ok(_)) => match timeline {
                    Some(t) => view! { <ComposerPanel group_id=gid on_sent timeline=t/> }.into_any(),
                    None => view! { <ComposerPanel group_id=gid on_sent/> }.into_any(),
                },
            }}
        </div>
    }
}
