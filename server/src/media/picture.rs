//! Checking a photo: decoded within fixed limits (a decompression bomb is refused before its
//! pixels are allocated), turned upright, stripped of metadata, and a JPEG thumbnail made.
//! CPU-bound: callers run it in `spawn_blocking`.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

use super::strip;

/// Widest and tallest image decoded.
pub const MAX_EDGE: u32 = 12_000;
/// Most bytes the decoder may allocate (the pixels of a 60-megapixel RGBA photo).
pub const MAX_ALLOC: u64 = 256 * 1024 * 1024;

/// A checked photo.
#[derive(Debug)]
pub struct Picture {
    /// The file to store: the original without metadata, or re-encoded upright.
    pub cleaned: Vec<u8>,
    /// Upright size.
    pub width: u32,
    pub height: u32,
    /// JPEG, long edge at most `THUMBNAIL_EDGE`.
    pub thumbnail: Vec<u8>,
}

/// Why a photo was refused.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("the image is larger than {MAX_EDGE} pixels a side or {MAX_ALLOC} bytes decoded")]
    TooLarge,
    #[error("the image cannot be decoded: {0}")]
    Invalid(String),
}

fn decode_error(e: image::ImageError) -> Refused {
    match e {
        image::ImageError::Limits(_) => Refused::TooLarge,
        other => Refused::Invalid(other.to_string()),
    }
}

pub fn check(bytes: &[u8], format: ImageFormat) -> Result<Picture, Refused> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_EDGE);
    limits.max_image_height = Some(MAX_EDGE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    // `into_decoder` reads only the header and checks the dimensions against the limits.
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    if decoder.total_bytes() > MAX_ALLOC {
        return Err(Refused::TooLarge);
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    let upright = orientation == Orientation::NoTransforms;
    picture.apply_orientation(orientation);
    let cleaned = if upright {
        match format {
            ImageFormat::Jpeg => strip::jpeg(bytes),
            ImageFormat::Png => strip::png(bytes),
            ImageFormat::WebP => strip::webp(bytes),
            _ => None,
        }
        .ok_or_else(|| Refused::Invalid("unreadable structure".to_owned()))?
    } else {
        // Turned upright, the pixels need writing again; the metadata is not written.
        reencode(&picture, format)?
    };
    let thumbnail = jpeg(
        &picture.thumbnail(tsunagu_api::THUMBNAIL_EDGE, tsunagu_api::THUMBNAIL_EDGE),
        80,
    )?;
    Ok(Picture {
        cleaned,
        width: picture.width(),
        height: picture.height(),
        thumbnail,
    })
}

fn jpeg(picture: &DynamicImage, quality: u8) -> Result<Vec<u8>, Refused> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&picture.to_rgb8())
        .map_err(|e| Refused::Invalid(e.to_string()))?;
    Ok(out)
}

fn reencode(picture: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, Refused> {
    if format == ImageFormat::Jpeg {
        return jpeg(picture, 92);
    }
    let mut out = Cursor::new(Vec::new());
    let rgba = DynamicImage::ImageRgba8(picture.to_rgba8());
    rgba.write_to(&mut out, format)
        .map_err(|e| Refused::Invalid(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_of(width: u32, height: u32) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        DynamicImage::new_rgb8(width, height)
            .write_to(&mut out, ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn a_photo_gets_its_size_and_a_thumbnail() {
        let picture = check(&png_of(1000, 500), ImageFormat::Png).unwrap();
        assert_eq!((picture.width, picture.height), (1000, 500));
        let thumb = image::load_from_memory(&picture.thumbnail).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (480, 240));
    }

    /// A PNG whose header claims 100000×100000 pixels: refused from the header, nothing
    /// allocated for its pixels.
    #[test]
    fn a_decompression_bomb_is_refused_from_its_header() {
        let mut bomb = png_of(1, 1);
        // IHDR's width and height, then its CRC recomputed.
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert!(matches!(
            check(&bomb, ImageFormat::Png),
            Err(Refused::TooLarge)
        ));
    }

    pub fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
