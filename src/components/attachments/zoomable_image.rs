//! A photo that can be enlarged: the browser's pinch-zoom on touch, a zoom button for a mouse.

use leptos::prelude::*;
use tsunagu_api::Attachment;

use crate::i18n::{use_i18n, Msg};
use crate::media_view::next_zoom;
use crate::post_view::fill;

/// The full photo of `attachment`, fitted into its frame, and a zoom button stepping through
/// 100 → 200 → 400 % (named with the current and next zoom). At 100 % the frame leaves
/// horizontal swipes to the viewer and pinching to the browser (`touch-action: pinch-zoom`);
/// enlarged, it scrolls so every part can be reached. Going to another photo starts at 100 %.
#[component]
pub fn ZoomableImage(
    /// The photo shown.
    #[prop(into)]
    attachment: Signal<Attachment>,
) -> impl IntoView {
    let i18n = use_i18n();
    let client = crate::session::use_session().client();
    let zoom = RwSignal::new(100_u32);
    let id = Memo::new(move |_| attachment.with(|a| a.id));
    crate::effect::effect(move || {
        id.track();
        zoom.set(100);
    });
    let src = move || client.media_url(id.get());
    let zoomed = move || zoom.get() > 100;
    view! {
        <div class="zoomable">
            <div class="zoomable__frame" class:zoomable__frame--zoomed=zoomed>
                <img
                    class="zoomable__image"
                    src=src
                    alt=move || attachment.with(|a| a.name.clone())
                    width=move || attachment.with(|a| a.width)
                    height=move || attachment.with(|a| a.height)
                    style:width=move || zoomed().then(|| format!("{}%", zoom.get()))
                />
            </div>
            <button
                type="button"
                class="button button--secondary zoomable__zoom"
                aria-label=move || {
                    let z = zoom.get();
                    fill(
                        i18n.t(Msg::ViewerZoom),
                        &[("zoom", &z.to_string()), ("next", &next_zoom(z).to_string())],
                    )
                }
                on:click=move |_| zoom.update(|z| *z = next_zoom(*z))
            >
                {move || format!("{}%", zoom.get())}
            </button>
        </div>
    }
}
