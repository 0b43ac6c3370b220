//! The full-screen photo viewer.

use chrono::{DateTime, Utc};
use leptos::html::Dialog;
use leptos::prelude::*;
use tsunagu_api::Attachment;

use super::media_parts::download_link;
use super::zoomable_image::ZoomableImage;
use crate::i18n::{use_i18n, Msg};
use crate::media_view::{step, swipe, Step};
use crate::post_view::fill;
use crate::time_format::{datetime_attr, format_datetime};

/// One photo of the viewer, with who posted it and when.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewerImage {
    pub attachment: Attachment,
    pub author: String,
    pub at: DateTime<Utc>,
}

/// A photo full screen, in a modal `<dialog>` opened with `showModal()`: the browser keeps
/// focus inside (the page behind is inert) and closes it on Esc; focus then returns to the
/// photo that opened it. Named "写真 2 / 3"; shows the author and date, a zoom button, the
/// download link and 閉じる; ←/→ (keys, the buttons, or a horizontal swipe) go through the
/// post's photos. `on_close` runs once it has closed; the owner then unmounts it.
#[component]
pub fn MediaViewer(
    /// The photos to go through.
    images: Vec<ViewerImage>,
    /// The one shown first.
    start: usize,
    /// Runs once the viewer has closed.
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let client = crate::session::use_session().client();
    let n = images.len();
    let images = StoredValue::new(images);
    let index = RwSignal::new(start.min(n.saturating_sub(1)));
    let current = Memo::new(move |_| images.with_value(|v| v.get(index.get()).cloned()));
    let dialog = NodeRef::<Dialog>::new();
    let closed = crate::modal::use_modal(dialog, on_close);
    let go = move |s: Step| index.update(|i| *i = step(*i, n, s));
    let close = move || crate::modal::close(dialog);
    // Where a pointer went down, to tell a swipe on release.
    let pressed = StoredValue::new(None::<(f64, f64)>);
    let title = move || {
        fill(
            i18n.t(Msg::ViewerTitle),
            &[("i", &(index.get() + 1).to_string()), ("n", &n.to_string())],
        )
    };

    view! {
        <dialog
            class="media-viewer"
            node_ref=dialog
            aria-label=title
            on:close=closed
            on:keydown=move |ev| match ev.key().as_str() {
                "ArrowLeft" => {
                    ev.prevent_default();
                    go(Step::Previous);
                }
                "ArrowRight" => {
                    ev.prevent_default();
                    go(Step::Next);
                }
                _ => {}
            }
        >
            <div class="media-viewer__bar">
                <p class="media-viewer__meta">
                    <span class="media-viewer__count">{title}</span>
                    {move || {
                        current
                            .get()
                            .map(|img| {
                                let at = img.at;
                                view! {
                                    <span class="media-viewer__author">{img.author.clone()}</span>
                                    <time class="media-viewer__time" datetime=datetime_attr(&at)>
                                        {move || format_datetime(&at, i18n.locale())}
                                    </time>
                                }
                            })
                    }}
                </p>
                {move || {
                    current
                        .get()
                        .map(|img| {
                            download_link(
                                &client,
                                &img.attachment,
                                "button button--secondary media-viewer__download",
                            )
                        })
                }}
                <button
                    type="button"
                    class="button button--secondary media-viewer__close"
                    on:click=move |_| close()
                >
                    {move || i18n.t(Msg::ViewerClose)}
                </button>
            </div>
            <div
                class="media-viewer__stage"
                on:pointerdown=move |ev| {
                    pressed.set_value(Some((f64::from(ev.client_x()), f64::from(ev.client_y()))))
                }
                on:pointercancel=move |_| pressed.set_value(None)
                on:pointerup=move |ev| {
                    if let Some((x, y)) = pressed.get_value() {
                        pressed.set_value(None);
                        let dx = f64::from(ev.client_x()) - x;
                        let dy = f64::from(ev.client_y()) - y;
                        if let Some(s) = swipe(dx, dy) {
                            go(s);
                        }
                    }
                }
            >
                <button
                    type="button"
                    class="button button--secondary media-viewer__step media-viewer__step--previous"
                    aria-label=move || i18n.t(Msg::ViewerPrevious)
                    disabled=move || index.get() == 0
                    on:click=move |_| go(Step::Previous)
                >
                    "‹"
                </button>
                {move || {
                    current
                        .get()
                        .map(|img| {
                            view! { <ZoomableImage attachment=Signal::stored(img.attachment)/> }
                        })
                }}
                <button
                    type="button"
                    class="button button--secondary media-viewer__step media-viewer__step--next"
                    aria-label=move || i18n.t(Msg::ViewerNext)
                    disabled=move || index.get() + 1 >= n
                    on:click=move |_| go(Step::Next)
                >
                    "›"
                </button>
            </div>
        </dialog>
    }
}
