//! A post's attachments in the timeline.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use tsunagu_api::Attachment;

use super::media_parts::{audio_player, document_card, video_player};
use super::media_viewer::{MediaViewer, ViewerImage};
use crate::i18n::{use_i18n, Msg};
use crate::media_view::{fit_box, grid_columns, PostMedia, SINGLE_MAX};
use crate::post_view::fill;

/// Edge (CSS pixels) of a square cell of the photo grid, the size its `width`/`height`
/// attributes reserve (CSS scales the grid down on narrow screens, keeping the squares).
const CELL: u32 = 120;

/// The attachments of a post: its photos as lazily loaded thumbnails (one alone in its own
/// aspect ratio, several in a grid of squares), then inline videos, audio players and document
/// cards. Every photo and video carries `width`/`height` before its file arrives, so the row
/// of the virtualised timeline has its final height when measured. A photo opens the
/// full-screen [`MediaViewer`] over the post's photos.
#[component]
pub fn PostAttachments(
    /// The post's attachments (the post is not deleted).
    attachments: Vec<Attachment>,
    /// The author's display name, shown in the viewer.
    author: String,
    /// When the post was written, shown in the viewer.
    at: DateTime<Utc>,
) -> impl IntoView {
    let i18n = use_i18n();
    let client = crate::session::use_session().client();
    let media = PostMedia::of(&attachments);
    let open = RwSignal::new(None::<usize>);
    let n = media.images.len();
    let viewer_images: Vec<ViewerImage> = media
        .images
        .iter()
        .map(|a| ViewerImage {
            attachment: a.clone(),
            author: author.clone(),
            at,
        })
        .collect();
    let viewer_images = StoredValue::new(viewer_images);
    // The page's viewer, outside the timeline's moving tiles; a tile on its own has its own.
    let host = super::viewer_host::use_viewer_host();
    let show = move |i: usize| match host {
        Some(h) => h.open(viewer_images.get_value(), i),
        None => open.set(Some(i)),
    };

    let photos = (n > 0).then(|| {
        let cols = grid_columns(n);
        let items = media
            .images
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let (w, h) = if n == 1 {
                    fit_box(a.width, a.height, SINGLE_MAX.0, SINGLE_MAX.1)
                } else {
                    (CELL, CELL)
                };
                let src = if a.thumbnail {
                    client.thumbnail_url(a.id)
                } else {
                    client.media_url(a.id)
                };
                let name = a.name.clone();
                let label = name.clone();
                view! {
                    <li class="attachment__cell">
                        <button
                            type="button"
                            class="attachment__photo"
                            aria-haspopup="dialog"
                            aria-label=move || fill(i18n.t(Msg::ViewerOpenPhoto), &[("name", &label)])
                            on:click=move |_| show(i)
                        >
                            <img
                                class="attachment__image"
                                src=src
                                alt=name
                                loading="lazy"
                                decoding="async"
                                width=w
                                height=h
                            />
                        </button>
                    </li>
                }
            })
            .collect_view();
        view! {
            <ul
                class=format!("attachment__grid attachment__grid--cols-{cols}")
                aria-label=move || fill(i18n.t(Msg::ViewerPhotoCount), &[("n", &n.to_string())])
            >
                {items}
            </ul>
        }
    });
    let videos = media
        .videos
        .iter()
        .map(|a| video_player(&client, a))
        .collect_view();
    let audio = media
        .audio
        .iter()
        .map(|a| audio_player(&client, a))
        .collect_view();
    let documents = media
        .documents
        .iter()
        .map(|a| document_card(&client, a))
        .collect_view();

    view! {
        <div class="attachment" role="group" aria-label=move || i18n.t(Msg::ViewerAttachments)>
            {photos}
            {videos}
            {audio}
            {documents}
            {move || {
                open.get()
                    .map(|start| {
                        view! {
                            <MediaViewer
                                images=viewer_images.get_value()
                                start
                                on_close=Callback::new(move |()| open.set(None))
                            />
                        }
                    })
            }}
        </div>
    }
}
