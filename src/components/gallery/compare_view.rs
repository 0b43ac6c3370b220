//! Two photos side by side.

use leptos::prelude::*;
use tsunagu_api::MediaItem;

use crate::components::attachments::zoomable_image::ZoomableImage;
use crate::i18n::{use_i18n, Msg};
use crate::time_format::{datetime_attr, format_datetime};

/// "写真の比較": the earlier photo on the left, the later on the right, in frames of the same
/// size, each with its own zoom, captioned 前 / 後 with the date and who posted it (nurses
/// follow a wound over weeks). "一覧に戻る" runs `on_back`.
#[component]
pub fn CompareView(
    /// The earlier photo.
    earlier: MediaItem,
    /// The later photo.
    later: MediaItem,
    /// Back to the list.
    on_back: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let side = move |item: MediaItem, label: Msg, modifier: &'static str| {
        let at = item.created_at;
        view! {
            <figure class=format!("compare__side compare__side--{modifier}")>
                <ZoomableImage attachment=Signal::stored(item.attachment.clone())/>
                <figcaption class="compare__caption">
                    <span class="compare__label">{move || i18n.t(label)}</span>
                    <time class="compare__time" datetime=datetime_attr(&at)>
                        {move || format_datetime(&at, i18n.locale())}
                    </time>
                    <span class="compare__author">{item.author.display_name.clone()}</span>
                </figcaption>
            </figure>
        }
    };
    view! {
        <section class="compare" aria-labelledby="compare-title">
            <div class="compare__header">
                <h2 class="compare__title" id="compare-title">
                    {move || i18n.t(Msg::GalleryCompareTitle)}
                </h2>
                <button
                    type="button"
                    class="button button--secondary compare__back"
                    on:click=move |_| on_back.run(())
                >
                    {move || i18n.t(Msg::GalleryBackToList)}
                </button>
            </div>
            <div class="compare__sides">
                {side(earlier, Msg::GalleryEarlier, "earlier")}
                {side(later, Msg::GalleryLater, "later")}
            </div>
        </section>
    }
}
