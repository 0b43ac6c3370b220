//! Photos, videos, audio and documents attached to posts, and their resumable uploads.
//!
//! A file travels in two steps. The client uploads it with **tus 1.0** (core, `creation`,
//! `termination`) under `/api/v1/uploads`, naming the group and timeline it is for; the server
//! checks the type by its content when the last byte arrives (never by its name), strips image
//! metadata and makes a thumbnail. Then a post names the finished uploads in
//! [`NewPost::attachments`](crate::NewPost); from then on the file is visible to whoever reads
//! that post's timeline, at `/api/v1/media/{id}` — nowhere else, and never without a session.
//!
//! ```text
//! POST   /api/v1/uploads          Tus-Resumable: 1.0.0, Upload-Length: N,
//!                                 Upload-Metadata: group <b64>,timeline <b64>,filename <b64>,filetype <b64>
//!        → 201 Location: /api/v1/uploads/{id}        (413 file_too_large, 403/404 membership)
//! HEAD   /api/v1/uploads/{id}     → 200 Upload-Offset, Upload-Length, Cache-Control: no-store
//! PATCH  /api/v1/uploads/{id}     Content-Type: application/offset+octet-stream, Upload-Offset: K
//!        → 204 Upload-Offset: K + bytes              (409 on a wrong offset; on the last byte the
//!          file is checked: 415 unsupported_media_type / 413 / 422, and the upload is gone)
//! DELETE /api/v1/uploads/{id}     → 204 (cancel)
//! GET    /api/v1/uploads/{id}     → 200 UploadStatus (JSON; `attachment` once complete)
//! GET    /api/v1/media/{id}             the file: Range, ETag, Cache-Control: private, immutable
//! GET    /api/v1/media/{id}/thumbnail   JPEG, long edge ≤ THUMBNAIL_EDGE (404 when none)
//! GET    /api/v1/groups/{id}/media      MediaPage: the timeline's files, newest first (keyset)
//! ```
//!
//! Every request carries the session as `Authorization: Bearer`, except that `GET /media/...`
//! also accepts the `tsunagu_media` cookie (HttpOnly, SameSite=Strict, `Path=/api/v1/media`)
//! which `PUT /api/v1/session/media-cookie` sets for the bearer's session: an `<img>` or
//! `<video>` element cannot send a header. The cookie carries the same session; it ends with it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::wire_enum::wire_names;
use crate::{rfc3339_millis, Author, Timeline};

/// The tus protocol version implemented (`Tus-Resumable`, `Tus-Version`).
pub const TUS_VERSION: &str = "1.0.0";
/// The media type of a tus `PATCH` body.
pub const TUS_PATCH_CONTENT_TYPE: &str = "application/offset+octet-stream";
/// The cookie `GET /api/v1/media/...` accepts instead of the bearer header.
pub const MEDIA_COOKIE: &str = "tsunagu_media";
/// Longest edge of a server-made thumbnail, in pixels.
pub const THUMBNAIL_EDGE: u32 = 480;
/// Most attachments on one post.
pub const MAX_ATTACHMENTS: usize = 10;
/// Longest edge of a photo as the app prepares it (unless "original quality" is asked for).
pub const PREPARED_IMAGE_EDGE: u32 = 2048;
/// Default largest video, in bytes (the operator may configure it): 200 MB.
pub const DEFAULT_MAX_VIDEO_BYTES: u64 = 200 * 1000 * 1000;
/// Default largest photo, audio file or document, in bytes: 30 MB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 30 * 1000 * 1000;
/// Default largest sum of a post's attachments, in bytes: 300 MB.
pub const DEFAULT_MAX_POST_BYTES: u64 = 300 * 1000 * 1000;

/// What a file is, decided by the server from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    /// JPEG, PNG or WebP: shown inline, with a thumbnail.
    Image,
    /// MP4, MOV or WebM: played inline; the thumbnail is the poster the client sent.
    Video,
    /// Audio (MP3, M4A/AAC, Ogg, WAV, WebM audio).
    Audio,
    /// PDF, office documents, HEIC the browser did not convert: a card to download.
    #[default]
    Document,
}

wire_names!(MediaKind {
    Image => "image",
    Video => "video",
    Audio => "audio",
    Document => "document",
} else Document);

/// A file attached to a post, as readers of the post see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Attachment {
    /// The file's id: `GET /api/v1/media/{id}`.
    pub id: Uuid,
    pub kind: MediaKind,
    /// The media type found in the content (e.g. `image/jpeg`), never the one the client named.
    pub content_type: String,
    /// The file name the client gave (shown on document cards and used for downloads).
    pub name: String,
    /// Bytes of the stored file (after the server removed image metadata).
    pub size: u64,
    /// Pixels of an image or of a video's poster, so the timeline reserves the space.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Whether `GET /api/v1/media/{id}/thumbnail` has an image.
    #[serde(default)]
    pub thumbnail: bool,
}

/// One attachment of a new post: a finished upload of the same group and timeline, by the
/// same user, not attached to another post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewAttachment {
    /// The finished upload (`Location` of its `POST /api/v1/uploads`).
    pub upload_id: Uuid,
    /// For a video: a finished image upload made on the device from one of its frames, used as
    /// the video's thumbnail (the server does not transcode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poster_upload_id: Option<Uuid>,
}

/// `GET /api/v1/uploads/{id}`: how far an upload is (its owner only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UploadStatus {
    pub id: Uuid,
    /// Bytes received (tus `Upload-Offset`).
    pub offset: u64,
    /// Bytes announced (tus `Upload-Length`).
    pub length: u64,
    /// Set once every byte arrived and the file passed the checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
}

/// One file in a group's media view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MediaItem {
    pub attachment: Attachment,
    /// The post it is attached to.
    pub post_id: Uuid,
    pub timeline: Timeline,
    pub author: Author,
    /// When the post was written (the photo's date in the comparison).
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
}

/// `GET /api/v1/groups/{group_id}/media?timeline=&kind=&before=&limit=`: the files of the
/// timelines the caller reads (or the one named), newest first. `next` is the `before` of the
/// following page; absent on the last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MediaPage {
    pub items: Vec<MediaItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// Media limits of a backend (`Meta.limits.media`); clients check them before uploading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MediaLimits {
    /// Largest video, bytes.
    pub max_video_bytes: u64,
    /// Largest photo, audio file or document, bytes.
    pub max_file_bytes: u64,
    /// Largest sum of one post's attachments, bytes.
    pub max_post_bytes: u64,
    /// Most attachments on one post.
    pub max_attachments: u32,
}

impl Default for MediaLimits {
    fn default() -> Self {
        Self {
            max_video_bytes: DEFAULT_MAX_VIDEO_BYTES,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_post_bytes: DEFAULT_MAX_POST_BYTES,
            max_attachments: MAX_ATTACHMENTS as u32,
        }
    }
}

impl MediaLimits {
    /// The largest a file of `kind` may be.
    pub fn max_bytes(&self, kind: MediaKind) -> u64 {
        match kind {
            MediaKind::Video => self.max_video_bytes,
            _ => self.max_file_bytes,
        }
    }

    /// The largest any upload may announce (`Tus-Max-Size`): its kind is known only from its
    /// content, at the end.
    pub fn max_upload_bytes(&self) -> u64 {
        self.max_video_bytes.max(self.max_file_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_stable_wire_names_and_unknown_ones_are_documents() {
        for (kind, name) in [
            (MediaKind::Image, "\"image\""),
            (MediaKind::Video, "\"video\""),
            (MediaKind::Audio, "\"audio\""),
            (MediaKind::Document, "\"document\""),
        ] {
            assert_eq!(serde_json::to_string(&kind).unwrap(), name);
            assert_eq!(serde_json::from_str::<MediaKind>(name).unwrap(), kind);
        }
        assert_eq!(
            serde_json::from_str::<MediaKind>("\"hologram\"").unwrap(),
            MediaKind::Document
        );
    }

    #[test]
    fn a_video_may_be_larger_than_a_photo() {
        let limits = MediaLimits::default();
        assert_eq!(limits.max_bytes(MediaKind::Video), 200_000_000);
        assert_eq!(limits.max_bytes(MediaKind::Image), 30_000_000);
        assert_eq!(limits.max_upload_bytes(), 200_000_000);
    }
}
