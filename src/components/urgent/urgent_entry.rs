//! One urgent post of the banner.

use leptos::prelude::*;

use crate::app_part::link_rel;
use tsunagu_api::{AckUpdate, ErrorCode, LiveEvent, UrgentItem};
use uuid::Uuid;
use wasm_bindgen::JsCast;

use crate::api::ApiError;
use crate::components::post_actions::ack_button::AckButton;
use crate::i18n::{profession_label, use_i18n, Msg};
use crate::live::Live;
use crate::post_view::{fill, me_as_author};
use crate::session::use_session;
use crate::text::excerpt;
use crate::time_format::{datetime_attr, format_datetime};

/// Characters of the body shown in the banner.
const EXCERPT_CHARS: usize = 80;

/// An urgent post as an item named "<group> <author> の至急の投稿": the group as a link to it,
/// author, time, the start of the text, and "見ました", which acknowledges it here; once done
/// (or when it turns out to be deleted) it leaves the banner and focus moves to the banner's
/// heading.
#[component]
pub fn UrgentEntry(
    /// The urgent post and its group's name.
    item: UrgentItem,
    /// Runs with the post id once it needs no acknowledgement any more.
    on_acked: Callback<Uuid>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let live = use_context::<Live>();
    let post = item.post;
    let (group_id, post_id, created) = (post.group_id, post.id, post.created_at);
    let group_name = if item.group_name.is_empty() {
        post.author.display_name.clone()
    } else {
        item.group_name
    };
    let author = post.author.display_name.clone();
    let profession = post.author.profession;
    let text = excerpt(&post.body, EXCERPT_CHARS);
    let error = RwSignal::new(None::<ApiError>);
    let label = {
        let (group_name, author) = (group_name.clone(), author.clone());
        move || {
            fill(
                i18n.t(Msg::UrgentItemLabel),
                &[("group", &group_name), ("name", &author)],
            )
        }
    };

    let focus_heading = || {
        if let Some(el) = document()
            .get_element_by_id("urgent-banner-title")
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    };

    let ack = Action::new_local(move |_: &()| {
        let client = session.client();
        async move {
            match client.ack_post(group_id, post_id).await {
                Ok(updated) => {
                    if let (Some(live), Some(me)) = (live, session.me()) {
                        live.publish(&LiveEvent::AckUpdated(AckUpdate {
                            group_id: updated.group_id,
                            timeline: updated.timeline,
                            post_id: updated.id,
                            user: me_as_author(&me),
                            ack_count: updated.ack_count,
                            at: chrono::Utc::now(),
                        }));
                    }
                    focus_heading();
                    on_acked.run(post_id);
                }
                // Deleted meanwhile: nothing left to acknowledge.
                Err(err) if err.code() == Some(ErrorCode::PostDeleted) => {
                    focus_heading();
                    on_acked.run(post_id);
                }
                Err(err) => error.set(Some(err)),
            }
        }
    });

    view! {
        <li class="urgent-banner__item">
            <article class="urgent-entry" aria-label=label>
                <div class="urgent-entry__meta">
                    <a
                        class="urgent-entry__group"
                        href=format!("/groups/{group_id}")
                        rel=link_rel("/groups/")
                    >
                        {group_name.clone()}
                    </a>
                    <span class="urgent-entry__author">{author.clone()}</span>
                    <span class="urgent-entry__profession">
                        {move || profession_label(profession, i18n.locale())}
                    </span>
                    <time class="urgent-entry__time" datetime=datetime_attr(&created)>
                        {move || format_datetime(&created, i18n.locale())}
                    </time>
                </div>
                <p class="urgent-entry__excerpt">{text}</p>
                <AckButton
                    acked=false
                    busy=ack.pending()
                    on_ack=Callback::new(move |()| {
                        ack.dispatch(());
                    })
                />
                {move || {
                    error
                        .get()
                        .map(|err| {
                            view! {
                                <p class="urgent-entry__error" role="alert">
                                    {move || i18n.api_error(&err)}
                                </p>
                            }
                        })
                }}
            </article>
        </li>
    }
}
