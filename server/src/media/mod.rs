//! Media files (issue 12): what a file is ([`sniff`]), photos checked and cleaned
//! ([`picture`], [`strip`]), where files live ([`storage`]), and the small parsers of the
//! upload and download protocols (tus metadata, byte ranges, file names in headers).

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::time::Duration;

use base64::Engine;
use tsunagu_api::{MediaKind, MediaLimits};

pub mod picture;
pub mod sniff;
pub mod storage;
pub mod strip;

pub use storage::{MediaStorage, ObjectsConfig};

/// How long a finished upload may wait for its post, and an unfinished one for its bytes.
pub const UPLOAD_RETENTION_MS: i64 = 24 * 60 * 60 * 1000;

/// Media configuration.
#[derive(Debug, Clone)]
pub struct MediaSettings {
    /// Unfinished uploads, on this instance's disk.
    pub spool: PathBuf,
    /// Checked files.
    pub objects: ObjectsConfig,
    pub limits: MediaLimits,
    /// Longest wait for the next bytes of an upload's body; the request timeout does not apply
    /// to uploads, this does.
    pub idle_timeout: Duration,
}

impl MediaSettings {
    /// Spool and files under one directory (`<dir>/spool`, `<dir>/objects`).
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        Self {
            spool: dir.join("spool"),
            objects: ObjectsConfig::Local(dir.join("objects")),
            limits: MediaLimits::default(),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

impl Default for MediaSettings {
    /// Under the system's temporary directory: for tests and tools that build [`Settings`]
    /// themselves. `serve` always names a directory (by default next to the database).
    ///
    /// [`Settings`]: crate::config::Settings
    fn default() -> Self {
        Self::in_dir(std::env::temp_dir().join("tsunagu-media"))
    }
}

/// The media directory for a database URL: `data/media` beside `sqlite://data/tsunagu.db`,
/// `media` in the working directory otherwise.
pub fn default_dir(database_url: &str) -> PathBuf {
    database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|path| path.split('?').next().unwrap_or(path))
        .and_then(|path| std::path::Path::new(path).parent().map(|p| p.join("media")))
        .unwrap_or_else(|| PathBuf::from("media"))
}

/// tus `Upload-Metadata`: comma-separated `key base64value` pairs (the value may be absent).
/// `None` if a value is not base64 or not UTF-8.
pub fn parse_upload_metadata(raw: &str) -> Option<HashMap<String, String>> {
    let mut pairs = HashMap::new();
    for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = match pair.split_once(' ') {
            Some((key, value)) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(value.trim())
                    .ok()?;
                (key, String::from_utf8(bytes).ok()?)
            }
            None => (pair, String::new()),
        };
        pairs.insert(key.to_owned(), value);
    }
    Some(pairs)
}

/// A `Range` that starts at or past the end of the file (416).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsatisfiable;

/// A `Range` header against a file of `size` bytes: `Ok(None)` for the whole file (no header,
/// or one we do not serve as a range, such as several ranges), `Err` when unsatisfiable (416).
pub fn parse_range(header: Option<&str>, size: u64) -> Result<Option<Range<u64>>, Unsatisfiable> {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((start, end)) = spec.split_once('-') else {
        return Ok(None);
    };
    let (start, end) = (start.trim(), end.trim());
    let range = if start.is_empty() {
        // The last `end` bytes.
        let Ok(n) = end.parse::<u64>() else {
            return Ok(None);
        };
        if n == 0 {
            return Err(Unsatisfiable);
        }
        size.saturating_sub(n)..size
    } else {
        let Ok(start) = start.parse::<u64>() else {
            return Ok(None);
        };
        let end = if end.is_empty() {
            size
        } else {
            match end.parse::<u64>() {
                Ok(last) if last >= start => last.saturating_add(1).min(size),
                _ => return Ok(None),
            }
        };
        start..end
    };
    if range.start >= size || range.is_empty() {
        return Err(Unsatisfiable);
    }
    Ok(Some(range))
}

/// `Content-Disposition` of a download: shown in place (photos, videos, audio, PDF) or saved,
/// with the file name as typed (RFC 6266/5987) and an ASCII fallback.
pub fn content_disposition(kind: MediaKind, content_type: &str, name: &str) -> String {
    let inline = matches!(kind, MediaKind::Image | MediaKind::Video | MediaKind::Audio)
        || content_type == "application/pdf";
    let fallback: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, RFC5987).to_string();
    format!(
        "{}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}",
        if inline { "inline" } else { "attachment" }
    )
}

/// RFC 5987 `attr-char`: everything else is percent-encoded.
const RFC5987: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// A file name as stored: the client's, without path, control characters, or more than 200
/// characters; `file` when nothing is left.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let name: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let name = name.trim();
    if name.is_empty() || name == "." || name == ".." {
        "file".to_owned()
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tus_metadata_is_base64_pairs() {
        let m =
            parse_upload_metadata("filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential")
                .unwrap();
        assert_eq!(m["filename"], "world_domination_plan.pdf");
        assert_eq!(m["is_confidential"], "");
        assert!(parse_upload_metadata("filename !!!").is_none());
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range(None, 10), Ok(None));
        assert_eq!(parse_range(Some("bytes=0-3"), 10), Ok(Some(0..4)));
        assert_eq!(parse_range(Some("bytes=5-"), 10), Ok(Some(5..10)));
        assert_eq!(parse_range(Some("bytes=-3"), 10), Ok(Some(7..10)));
        assert_eq!(parse_range(Some("bytes=8-100"), 10), Ok(Some(8..10)));
        assert_eq!(parse_range(Some("bytes=10-"), 10), Err(Unsatisfiable));
        assert_eq!(parse_range(Some("bytes=-0"), 10), Err(Unsatisfiable));
        assert_eq!(parse_range(Some("bytes=0-1,3-4"), 10), Ok(None));
        assert_eq!(parse_range(Some("items=0-1"), 10), Ok(None));
        assert_eq!(parse_range(Some("bytes=4-2"), 10), Ok(None));
    }

    #[test]
    fn file_names_in_headers() {
        assert_eq!(
            content_disposition(MediaKind::Document, "application/msword", "報告 \"1\".doc"),
            "attachment; filename=\"__ _1_.doc\"; filename*=UTF-8''%E5%A0%B1%E5%91%8A%20%221%22.doc"
        );
        assert!(content_disposition(MediaKind::Image, "image/jpeg", "a.jpg").starts_with("inline;"));
        assert!(
            content_disposition(MediaKind::Document, "application/pdf", "a.pdf")
                .starts_with("inline;")
        );
        assert_eq!(clean_name("C:\\Users\\x\\写真.jpg"), "写真.jpg");
        assert_eq!(clean_name("../"), "file");
        assert_eq!(clean_name("a\u{0}b"), "ab");
    }

    #[test]
    fn media_sits_beside_the_database() {
        assert_eq!(
            default_dir("sqlite://data/tsunagu.db"),
            PathBuf::from("data/media")
        );
        assert_eq!(default_dir("postgres://x/y"), PathBuf::from("media"));
    }
}
