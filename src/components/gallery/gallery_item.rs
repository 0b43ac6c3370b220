//! One file of the media view.

use leptos::prelude::*;
use tsunagu_api::{MediaItem, MediaKind};

use crate::components::attachments::media_parts::{audio_player, document_card, video_player};
use crate::i18n::{use_i18n, Msg};
use crate::media_view::PickTwo;
use crate::post_view::fill;
use crate::time_format::{datetime_attr, format_datetime};

/// A file as a list item: a photo as a square thumbnail that opens the viewer (`on_open`) with
/// a checkbox "比較" to pick it for the comparison (disabled while two others are picked), a
/// video or audio player, or a document card; under it who posted it and when.
#[component]
pub fn GalleryItem(
    /// The file.
    item: MediaItem,
    /// The photos picked for comparison.
    picks: RwSignal<PickTwo>,
    /// Opens the viewer at this photo.
    on_open: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let client = crate::session::use_session().client();
    let a = item.attachment.clone();
    let id = a.id;
    let at = item.created_at;
    let content = match a.kind {
        MediaKind::Image => {
            let src = if a.thumbnail {
                client.thumbnail_url(id)
            } else {
                client.media_url(id)
            };
            let (open_label, pick_label) = (a.name.clone(), a.name.clone());
            view! {
                <button
                    type="button"
                    class="gallery-item__photo"
                    aria-haspopup="dialog"
                    aria-label=move || fill(i18n.t(Msg::ViewerOpenPhoto), &[("name", &open_label)])
                    on:click=move |_| on_open.run(())
                >
                    <img
                        class="gallery-item__image"
                        src=src
                        alt=a.name.clone()
                        loading="lazy"
                        decoding="async"
                        width="160"
                        height="160"
                    />
                </button>
                <label class="gallery-item__pick">
                    <input
                        type="checkbox"
                        class="gallery-item__pick-box"
                        prop:checked=move || picks.with(|p| p.is_picked(id))
                        disabled=move || picks.with(|p| !p.may_toggle(id))
                        aria-label=move || {
                            fill(
                                i18n.t(Msg::GalleryPick),
                                &[("name", &pick_label), ("time", &format_datetime(&at, i18n.locale()))],
                            )
                        }
                        on:change=move |_| {
                            picks.update(|p| {
                                p.toggle(id);
                            })
                        }
                    />
                    {move || i18n.t(Msg::GalleryPickShort)}
                </label>
            }
                .into_any()
        }
        MediaKind::Video => video_player(&client, &a),
        MediaKind::Audio => audio_player(&client, &a),
        MediaKind::Document => document_card(&client, &a),
    };
    view! {
        <li class=format!("gallery-item gallery-item--{}", a.kind.as_str()) data-media-id=id.to_string()>
            {content}
            <p class="gallery-item__meta">
                <span class="gallery-item__author">{item.author.display_name.clone()}</span>
                <time class="gallery-item__time" datetime=datetime_attr(&at)>
                    {move || format_datetime(&at, i18n.locale())}
                </time>
            </p>
        </li>
    }
}
