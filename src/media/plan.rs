//! The pure decisions about attachments, tested natively: what a picked file is, whether it is
//! prepared on the device, how large a prepared photo becomes, whether a set of files fits the
//! backend's limits, and how sizes are written.

use tsunagu_api::{MediaKind, MediaLimits, PREPARED_IMAGE_EDGE};

/// What the picker accepts: photos, videos, audio, PDF and office documents.
pub const ACCEPT: &str = "image/*,video/*,audio/*,application/pdf,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.txt,.csv";

/// JPEG quality of a prepared photo.
pub const PREPARED_QUALITY: f64 = 0.8;
/// JPEG quality when 「元の画質」 is chosen: full size, still re-encoded so metadata is gone.
pub const ORIGINAL_QUALITY: f64 = 0.92;

/// The kind a file will be, guessed from its declared type (the server decides by content;
/// this only picks the size limit and whether the file is prepared).
pub fn kind_of(mime: &str) -> MediaKind {
    match mime.split('/').next().unwrap_or("") {
        "image" => MediaKind::Image,
        "video" => MediaKind::Video,
        "audio" => MediaKind::Audio,
        _ => MediaKind::Document,
    }
}

/// How a picked file is made ready for upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preparation {
    /// A photo the browser can decode: re-encoded through a canvas (orientation applied,
    /// metadata incl. GPS dropped, downscaled unless the original size is asked for).
    Photo,
    /// A video: sent as it is, with a poster frame made on the device.
    Video,
    /// Anything else (audio, documents, GIF, SVG): sent as it is.
    AsIs,
}

/// How `mime` is prepared. GIFs stay as they are (a canvas would keep one frame only), SVG too
/// (the server refuses it as an image anyway). HEIC/HEIF is a photo too: Safari draws it and
/// so sends a JPEG without the position; a browser that cannot draw it refuses the file
/// rather than send the camera's GPS as a document.
pub fn preparation(mime: &str) -> Preparation {
    match mime {
        "image/jpeg" | "image/png" | "image/webp" | "image/bmp" | "image/heic" | "image/heif" => {
            Preparation::Photo
        }
        m if m.starts_with("video/") => Preparation::Video,
        _ => Preparation::AsIs,
    }
}

/// The size a `width`×`height` photo is drawn at: the long edge at most `edge` (aspect kept,
/// never enlarged, never 0).
pub fn target_size(width: u32, height: u32, edge: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= edge || long == 0 {
        return (width.max(1), height.max(1));
    }
    let scale = |v: u32| {
        ((u64::from(v) * u64::from(edge) + u64::from(long) / 2) / u64::from(long)).max(1) as u32
    };
    (scale(width), scale(height))
}

/// [`target_size`] for a prepared photo: [`PREPARED_IMAGE_EDGE`], or the full size for 「元の画質」.
pub fn prepared_size(width: u32, height: u32, original: bool) -> (u32, u32) {
    if original {
        (width.max(1), height.max(1))
    } else {
        target_size(width, height, PREPARED_IMAGE_EDGE)
    }
}

/// Why a file cannot be attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitError {
    /// More than `max_attachments` files on one post.
    TooMany,
    /// This file is larger than its kind allows (`max` bytes).
    FileTooLarge {
        /// The limit of the file's kind.
        max: u64,
    },
    /// All files together are larger than `max_post_bytes`.
    PostTooLarge {
        /// The limit of the sum.
        max: u64,
    },
    /// An empty file (nothing to upload; the server refuses it).
    Empty,
}

/// Whether a file of `size` bytes and type `mime` may join attachments totalling `sum` bytes
/// (`count` files) under `limits`.
pub fn check_add(
    count: usize,
    sum: u64,
    mime: &str,
    size: u64,
    limits: &MediaLimits,
) -> Result<(), LimitError> {
    if count >= limits.max_attachments as usize {
        return Err(LimitError::TooMany);
    }
    if size == 0 {
        return Err(LimitError::Empty);
    }
    let max = limits.max_bytes(kind_of(mime));
    if size > max {
        return Err(LimitError::FileTooLarge { max });
    }
    if sum.saturating_add(size) > limits.max_post_bytes {
        return Err(LimitError::PostTooLarge {
            max: limits.max_post_bytes,
        });
    }
    Ok(())
}

/// A size as people read it, decimal units: `620 KB`, `4.1 MB` (no float formatting: the
/// nurse's download stays free of the float printer).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "KB")];
    for (unit, name) in UNITS {
        if bytes >= unit {
            let tenths = (bytes * 10 + unit / 2) / unit;
            return if tenths >= 100 {
                format!("{} {name}", (tenths + 5) / 10)
            } else {
                format!("{}.{} {name}", tenths / 10, tenths % 10)
            };
        }
    }
    format!("{bytes} B")
}

/// `4.1 MB → 620 KB` when preparing made the file smaller; `None` otherwise.
pub fn bytes_saved(before: u64, after: u64) -> Option<String> {
    (after < before).then(|| format!("{} → {}", human_size(before), human_size(after)))
}

/// Percent of `done` out of `total` (0–100; an empty total is complete).
pub fn percent(done: u64, total: u64) -> u32 {
    if total == 0 {
        return 100;
    }
    (done.min(total) * 100 / total) as u32
}

/// The file name a prepared photo gets: the original's stem with `.jpg` (the content is JPEG
/// now, and a name ending in `.png` would mislead whoever downloads it).
pub fn prepared_name(name: &str) -> String {
    let stem = match name.rfind('.') {
        Some(dot) => &name[..dot],
        None => name,
    };
    let stem = if stem.is_empty() { "photo" } else { stem };
    format!("{stem}.jpg")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_prepared_and_other_files_go_as_they_are() {
        assert_eq!(preparation("image/jpeg"), Preparation::Photo);
        assert_eq!(preparation("image/png"), Preparation::Photo);
        assert_eq!(preparation("image/gif"), Preparation::AsIs);
        assert_eq!(preparation("image/heic"), Preparation::Photo);
        assert_eq!(preparation("image/heif"), Preparation::Photo);
        assert_eq!(preparation("video/mp4"), Preparation::Video);
        assert_eq!(preparation("audio/mpeg"), Preparation::AsIs);
        assert_eq!(preparation("application/pdf"), Preparation::AsIs);
        assert_eq!(kind_of("video/quicktime"), MediaKind::Video);
        assert_eq!(kind_of("application/pdf"), MediaKind::Document);
        assert_eq!(kind_of(""), MediaKind::Document);
    }

    #[test]
    fn the_long_edge_is_brought_down_to_the_limit_and_never_up() {
        assert_eq!(target_size(4000, 3000, 2048), (2048, 1536));
        assert_eq!(target_size(3000, 4000, 2048), (1536, 2048));
        assert_eq!(target_size(2048, 100, 2048), (2048, 100));
        assert_eq!(target_size(800, 600, 2048), (800, 600));
        assert_eq!(target_size(100_000, 1, 2048), (2048, 1));
        assert_eq!(prepared_size(4000, 3000, true), (4000, 3000));
        assert_eq!(prepared_size(4000, 3000, false), (2048, 1536));
        assert_eq!(target_size(0, 0, 2048), (1, 1));
    }

    #[test]
    fn limits_count_each_kind_and_the_sum() {
        let limits = MediaLimits {
            max_video_bytes: 200,
            max_file_bytes: 30,
            max_post_bytes: 250,
            max_attachments: 3,
        };
        assert_eq!(check_add(0, 0, "image/jpeg", 30, &limits), Ok(()));
        assert_eq!(
            check_add(0, 0, "image/jpeg", 31, &limits),
            Err(LimitError::FileTooLarge { max: 30 })
        );
        assert_eq!(check_add(0, 0, "video/mp4", 200, &limits), Ok(()));
        assert_eq!(
            check_add(1, 200, "video/mp4", 60, &limits),
            Err(LimitError::PostTooLarge { max: 250 })
        );
        assert_eq!(
            check_add(3, 0, "image/jpeg", 1, &limits),
            Err(LimitError::TooMany)
        );
        assert_eq!(
            check_add(0, 0, "image/jpeg", 0, &limits),
            Err(LimitError::Empty)
        );
        assert_eq!(check_add(2, 220, "application/pdf", 30, &limits), Ok(()));
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(620_000), "620 KB");
        assert_eq!(human_size(4_100_000), "4.1 MB");
        assert_eq!(human_size(4_149_999), "4.1 MB");
        assert_eq!(human_size(9_960_000), "10 MB");
        assert_eq!(human_size(12_345_678), "12 MB");
        assert_eq!(human_size(1_500), "1.5 KB");
        assert_eq!(
            bytes_saved(4_100_000, 620_000).as_deref(),
            Some("4.1 MB → 620 KB")
        );
        assert_eq!(bytes_saved(100, 120), None);
    }

    #[test]
    fn progress_and_names() {
        assert_eq!(percent(0, 10), 0);
        assert_eq!(percent(5, 10), 50);
        assert_eq!(percent(10, 10), 100);
        assert_eq!(percent(11, 10), 100);
        assert_eq!(percent(0, 0), 100);
        assert_eq!(prepared_name("IMG_0001.PNG"), "IMG_0001.jpg");
        assert_eq!(prepared_name("写真"), "写真.jpg");
        assert_eq!(prepared_name(".png"), "photo.jpg");
        assert_eq!(prepared_name("a.b.jpeg"), "a.b.jpg");
    }
}
