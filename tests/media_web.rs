//! Browser tests of preparing photos on the device (headless Chromium through
//! wasm-bindgen-test-runner): `make wasm-test`, or
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p tsunagu-web --test media_web`
//!
//! A real JPEG is made in the test (a drawn canvas) and given a real EXIF segment with a GPS
//! position and an orientation; the prepared file must have lost both the segment and the
//! position, stand the right way up, and be downscaled. `prepare_photo_timing` prints the
//! preparation time and bytes saved for a 12-megapixel photo (the figures `make bench` quotes).
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Uint8Array};
use tsunagu_web::media::plan::bytes_saved;
use tsunagu_web::media::prep::prepare_photo;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Blob, BlobPropertyBag, CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/exif.rs"]
mod exif;
use exif::{contains, has_app1, with_exif};

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A `w`×`h` JPEG with some structure (gradients and text), as the browser encodes it.
async fn canvas_jpeg(w: u32, h: u32) -> Vec<u8> {
    let canvas: HtmlCanvasElement = document()
        .create_element("canvas")
        .unwrap()
        .unchecked_into();
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let g = ctx.create_linear_gradient(0.0, 0.0, f64::from(w), f64::from(h));
    g.add_color_stop(0.0, "#2a6f97").unwrap();
    g.add_color_stop(1.0, "#f4a261").unwrap();
    ctx.set_fill_style_canvas_gradient(&g);
    ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
    ctx.set_fill_style_str("#fff");
    ctx.set_font("200px sans-serif");
    for i in 0..(h / 250) {
        ctx.fill_text(
            &format!("褥瘡 {i} 2026-12-02"),
            50.0,
            f64::from(i * 250 + 200),
        )
        .unwrap();
    }
    let done = js_sys::Promise::new(&mut |resolve, _| {
        canvas
            .to_blob_with_type_and_encoder_options(&resolve, "image/jpeg", &0.95.into())
            .unwrap();
    });
    let blob: Blob = JsFuture::from(done).await.unwrap().unchecked_into();
    bytes(&blob).await
}

async fn bytes(blob: &Blob) -> Vec<u8> {
    let buf = JsFuture::from(blob.array_buffer()).await.unwrap();
    Uint8Array::new(&buf).to_vec()
}

fn blob_of(data: &[u8]) -> Blob {
    let parts = Array::of1(&Uint8Array::from(data));
    let options = BlobPropertyBag::new();
    options.set_type("image/jpeg");
    Blob::new_with_u8_array_sequence_and_options(&parts, &options).unwrap()
}

async fn dimensions(blob: &Blob) -> (u32, u32) {
    let bmp: ImageBitmap = JsFuture::from(
        web_sys::window()
            .unwrap()
            .create_image_bitmap_with_blob(blob)
            .unwrap(),
    )
    .await
    .unwrap()
    .unchecked_into();
    (bmp.width(), bmp.height())
}

#[wasm_bindgen_test]
async fn a_photo_with_gps_is_prepared_without_metadata_upright_and_downscaled() {
    let original = with_exif(&canvas_jpeg(4000, 3000).await, 6);
    assert!(has_app1(&original) && contains(&original, b"Exif\0\0"));
    let (prepared, w, h) = prepare_photo(&blob_of(&original), false).await.unwrap();
    let out = bytes(&prepared).await;
    assert_eq!(&out[..2], &[0xff, 0xd8], "a JPEG");
    assert!(!has_app1(&out), "no APP1 segment");
    assert!(!contains(&out, b"Exif"), "no EXIF anywhere");
    // Orientation 6 (rotate 90° clockwise): the landscape pixels become a portrait photo.
    assert_eq!((w, h), (1536, 2048));
    assert_eq!(dimensions(&prepared).await, (1536, 2048));
    assert!(out.len() < original.len());

    // 「元の画質」: full size, and still no metadata.
    let (full, w, h) = prepare_photo(&blob_of(&original), true).await.unwrap();
    let full_bytes = bytes(&full).await;
    assert_eq!((w, h), (3000, 4000));
    assert!(!has_app1(&full_bytes) && !contains(&full_bytes, b"Exif"));
}

#[wasm_bindgen_test]
async fn a_small_png_keeps_its_size_and_becomes_a_jpeg() {
    let canvas: HtmlCanvasElement = document()
        .create_element("canvas")
        .unwrap()
        .unchecked_into();
    canvas.set_width(300);
    canvas.set_height(200);
    let done = js_sys::Promise::new(&mut |resolve, _| {
        canvas.to_blob_with_type(&resolve, "image/png").unwrap();
    });
    let png: Blob = JsFuture::from(done).await.unwrap().unchecked_into();
    let (jpeg, w, h) = prepare_photo(&png, false).await.unwrap();
    assert_eq!((w, h), (300, 200));
    assert_eq!(jpeg.type_(), "image/jpeg");
}

#[wasm_bindgen_test]
async fn prepare_photo_timing() {
    // A 12-megapixel photo (4000×3000) with EXIF, as a phone takes it.
    let original = with_exif(&canvas_jpeg(4000, 3000).await, 1);
    let blob = blob_of(&original);
    let perf = web_sys::window().unwrap().performance().unwrap();
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..5 {
        let start = perf.now();
        let (prepared, _, _) = prepare_photo(&blob, false).await.unwrap();
        times.push(perf.now() - start);
        size = prepared.size() as u64;
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let median = times[times.len() / 2];
    let line = format!(
        "BENCH prepare_photo 12MP: median {median:.0} ms (runs {times:?}); bytes {}",
        bytes_saved(original.len() as u64, size).unwrap_or_default()
    );
    web_sys::console::log_1(&line.clone().into());
    wasm_bindgen_test::console_log!("{line}");
}
