//! The sending side of photos, videos, audio and documents (issue 12): files picked in the
//! composer are prepared on the device ([`prep`]: photos re-encoded without their metadata,
//! videos given a poster frame), kept in IndexedDB with the draft and then the outbox item
//! ([`store`]), and uploaded resumably with progress ([`upload`], state machine in [`tus`])
//! before the post that names them is created.
//!
//! [`plan`] and [`tus`] are pure and tested natively.

pub mod plan;
pub mod prep;
pub mod store;
pub mod tus;
pub mod upload;

use serde::{Deserialize, Serialize};
use tsunagu_api::NewAttachment;
use uuid::Uuid;

pub use tus::FileUpload;

/// A file attached to a post being written or waiting in the outbox: the prepared file and,
/// for a video, its poster frame — each with its upload's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingAttachment {
    /// The file as it will be uploaded.
    pub file: FileUpload,
    /// A video's poster frame (a JPEG made on the device), uploaded on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poster: Option<FileUpload>,
    /// Bytes of the file as picked, before preparation (for 「4.1 MB → 620 KB」).
    #[serde(default)]
    pub picked_size: u64,
}

impl PendingAttachment {
    /// The uploads it needs: the file, then its poster.
    pub fn uploads(&self) -> impl Iterator<Item = &FileUpload> {
        std::iter::once(&self.file).chain(self.poster.as_ref())
    }

    /// Mutable [`PendingAttachment::uploads`].
    pub fn uploads_mut(&mut self) -> impl Iterator<Item = &mut FileUpload> {
        std::iter::once(&mut self.file).chain(self.poster.as_mut())
    }

    /// Every Blob it keeps in IndexedDB.
    pub fn blob_ids(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.uploads().map(|u| u.blob_id)
    }

    /// Whether the file (and its poster) are uploaded.
    pub fn is_uploaded(&self) -> bool {
        self.uploads().all(FileUpload::is_done)
    }

    /// What a post names, once uploaded.
    pub fn wire(&self) -> Option<NewAttachment> {
        Some(NewAttachment {
            upload_id: self.file.upload_id?,
            poster_upload_id: match &self.poster {
                Some(p) => Some(p.upload_id?),
                None => None,
            },
        })
    }
}

/// Bytes of all the files (posters are small and not counted, as the server counts them).
pub fn total_size(attachments: &[PendingAttachment]) -> u64 {
    attachments.iter().map(|a| a.file.size).sum()
}
