//! Preparing picked files on the device, with the browser's own decoders (no JS library):
//!
//! - a photo is decoded with `createImageBitmap(blob, {imageOrientation: "from-image"})` (so a
//!   phone photo stands the right way up), drawn onto a canvas at most
//!   [`PREPARED_IMAGE_EDGE`](tsunagu_api::PREPARED_IMAGE_EDGE) on its long edge (or at full
//!   size for 「元の画質」) and encoded as a new JPEG. The new file has none of the original's
//!   metadata — no EXIF, no GPS position of a patient's home — whichever size was chosen;
//! - a video gets a poster frame: the frame at ~0.1 s drawn onto a canvas, as a JPEG.

use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, ImageBitmap,
    ImageBitmapOptions, ImageOrientation, Url,
};

use super::plan::{prepared_size, target_size, ORIGINAL_QUALITY, PREPARED_QUALITY};

/// Longest edge of a video's poster frame (the server makes the thumbnail from it).
pub const POSTER_EDGE: u32 = 960;
/// How far into a video its poster frame is taken, in seconds (the very first frame is often
/// black).
const POSTER_AT_S: f64 = 0.1;
/// How long a video may take to show its poster frame before it goes without one.
const POSTER_TIMEOUT_MS: i32 = 8_000;

/// Why a file could not be prepared: the browser's reason, for the console.
pub type PrepError = JsValue;

/// A canvas of `w`×`h` with a white background (a transparent PNG must not turn black as a
/// JPEG) and its 2D context.
fn canvas(w: u32, h: u32) -> Result<(HtmlCanvasElement, CanvasRenderingContext2d), PrepError> {
    let canvas: HtmlCanvasElement = leptos::prelude::document()
        .create_element("canvas")?
        .unchecked_into();
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("no 2d context"))?
        .unchecked_into();
    ctx.set_fill_style_str("#fff");
    ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
    Ok((canvas, ctx))
}

/// The canvas as a JPEG of `quality`.
async fn jpeg(canvas: &HtmlCanvasElement, quality: f64) -> Result<Blob, PrepError> {
    let mut failed = None;
    let done = Promise::new(&mut |resolve, _| {
        failed = canvas
            .to_blob_with_type_and_encoder_options(&resolve, "image/jpeg", &quality.into())
            .err();
    });
    if let Some(e) = failed {
        return Err(e);
    }
    // `null` when the canvas could not be encoded (too large for the device's memory).
    JsFuture::from(done)
        .await?
        .dyn_into()
        .map_err(|_| "encoding failed".into())
}

/// A photo re-encoded as JPEG without its metadata: downscaled to the prepared size, or at full
/// size when `original` (「元の画質」). Returns the JPEG and its width and height.
pub async fn prepare_photo(photo: &Blob, original: bool) -> Result<(Blob, u32, u32), PrepError> {
    let options = ImageBitmapOptions::new();
    options.set_image_orientation(ImageOrientation::FromImage);
    let bitmap: ImageBitmap = JsFuture::from(
        leptos::prelude::window()
            .create_image_bitmap_with_blob_and_image_bitmap_options(photo, &options)?,
    )
    .await?
    .unchecked_into();
    let (w, h) = prepared_size(bitmap.width(), bitmap.height(), original);
    let drawn = canvas(w, h).and_then(|(canvas, ctx)| {
        ctx.draw_image_with_image_bitmap_and_dw_and_dh(
            &bitmap,
            0.0,
            0.0,
            f64::from(w),
            f64::from(h),
        )?;
        Ok(canvas)
    });
    // The decoded pixels are large (48 MB for 12 megapixels): free them now, not at GC.
    bitmap.close();
    let quality = if original {
        ORIGINAL_QUALITY
    } else {
        PREPARED_QUALITY
    };
    Ok((jpeg(&drawn?, quality).await?, w, h))
}

/// Waits for one of a media element's events, set through `set`: resolves on it, rejects on
/// `error` or after [`POSTER_TIMEOUT_MS`].
async fn media_event(
    video: &HtmlVideoElement,
    set: impl Fn(&HtmlVideoElement, Option<&Function>),
) -> Result<(), PrepError> {
    let done = Promise::new(&mut |resolve, reject| {
        set(video, Some(&resolve));
        video.set_onerror(Some(&reject));
        let _ = leptos::prelude::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&reject, POSTER_TIMEOUT_MS);
    });
    let out = JsFuture::from(done).await.map(drop);
    set(video, None);
    video.set_onerror(None);
    out
}

/// A poster frame of `video` as a JPEG, long edge at most [`POSTER_EDGE`]; an error when the
/// browser cannot play the video (then it goes without a poster).
pub async fn video_poster(video_file: &Blob) -> Result<Blob, PrepError> {
    let url = Url::create_object_url_with_blob(video_file)?;
    let video: HtmlVideoElement = leptos::prelude::document()
        .create_element("video")?
        .unchecked_into();
    video.set_muted(true);
    video.set_preload("auto");
    video.set_src(&url);
    let frame = async {
        media_event(&video, |v, f| v.set_onloadeddata(f)).await?;
        video.set_current_time(POSTER_AT_S.min(video.duration() / 2.0).max(0.0));
        media_event(&video, |v, f| v.set_onseeked(f)).await?;
        let (w, h) = target_size(video.video_width(), video.video_height(), POSTER_EDGE);
        let (canvas, ctx) = canvas(w, h)?;
        ctx.draw_image_with_html_video_element_and_dw_and_dh(
            &video,
            0.0,
            0.0,
            f64::from(w),
            f64::from(h),
        )?;
        jpeg(&canvas, PREPARED_QUALITY).await
    }
    .await;
    video.remove_attribute("src").ok();
    video.load();
    let _ = Url::revoke_object_url(&url);
    frame
}
