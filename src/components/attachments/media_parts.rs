//! The players and the document card, the same in a post and in the media view.

use leptos::prelude::*;
use tsunagu_api::Attachment;

use crate::api::Client;
use crate::i18n::{use_i18n, Msg};
use crate::media_view::{fit_box, format_size, type_label, SINGLE_MAX};
use crate::post_view::fill;

/// A video played inline: `preload="none"` (nothing is downloaded until play is pressed), the
/// thumbnail as poster, and `width`/`height` from the attachment so its space is reserved.
pub fn video_player(client: &Client, a: &Attachment) -> AnyView {
    let i18n = use_i18n();
    let (w, h) = fit_box(a.width, a.height, SINGLE_MAX.0, SINGLE_MAX.1);
    let poster = a.thumbnail.then(|| client.thumbnail_url(a.id));
    let src = client.media_url(a.id);
    let name = a.name.clone();
    view! {
        <video
            class="attachment__video"
            controls
            preload="none"
            poster=poster
            src=src
            width=w
            height=h
            aria-label=move || fill(i18n.t(Msg::ViewerVideo), &[("name", &name)])
        ></video>
    }
    .into_any()
}

/// An audio player with the file name above it.
pub fn audio_player(client: &Client, a: &Attachment) -> AnyView {
    let i18n = use_i18n();
    let src = client.media_url(a.id);
    let name = a.name.clone();
    let label = name.clone();
    view! {
        <div class="attachment__audio">
            <span class="attachment__audio-name">{name}</span>
            <audio
                controls
                preload="none"
                src=src
                aria-label=move || fill(i18n.t(Msg::ViewerAudio), &[("name", &label)])
            ></audio>
        </div>
    }
    .into_any()
}

/// A download link of `a`, named "<name> をダウンロード（<type>、<size>）".
pub fn download_link(client: &Client, a: &Attachment, class: &'static str) -> AnyView {
    let i18n = use_i18n();
    let href = client.media_url(a.id);
    let (name, content_type, size) = (a.name.clone(), a.content_type.clone(), a.size);
    let download = name.clone();
    let label = move || {
        let kind = type_label(&content_type, &name)
            .unwrap_or_else(|| i18n.t(Msg::ViewerUnknownType).to_owned());
        fill(
            i18n.t(Msg::ViewerDownloadName),
            &[
                ("name", &name),
                ("kind", &kind),
                ("size", &format_size(size)),
            ],
        )
    };
    view! {
        <a class=class href=href download=download aria-label=label>
            {move || i18n.t(Msg::ViewerDownload)}
        </a>
    }
    .into_any()
}

/// A document as a card: its name, type and size, and the download link.
pub fn document_card(client: &Client, a: &Attachment) -> AnyView {
    let i18n = use_i18n();
    let (content_type, name) = (a.content_type.clone(), a.name.clone());
    let kind = move || {
        type_label(&content_type, &name)
            .unwrap_or_else(|| i18n.t(Msg::ViewerUnknownType).to_owned())
    };
    view! {
        <div class="attachment__doc">
            <span class="attachment__doc-name">{a.name.clone()}</span>
            <span class="attachment__doc-meta">
                <span class="attachment__doc-type">{kind}</span>
                <span class="attachment__doc-size">{format_size(a.size)}</span>
            </span>
            {download_link(client, a, "button button--secondary attachment__download")}
        </div>
    }
    .into_any()
}
