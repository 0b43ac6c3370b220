//! Uploads and media files: the rows (see the `media` migrations) and the rules of attaching
//! them to a post, shared by both backends.

use std::collections::HashMap;

use tsunagu_api::{Attachment, Author, ErrorCode, MediaItem, MediaKind, NewAttachment, Timeline};
use uuid::Uuid;

use super::{Refusal, Store, StoreError};
use crate::audit::Entry;
use crate::cursor::Cursor;

/// An upload to create (the caller checked that the owner may write to the timeline).
#[derive(Debug, Clone)]
pub struct NewUpload {
    pub id: Uuid,
    pub owner: Uuid,
    pub group_id: Uuid,
    pub timeline: Timeline,
    pub filename: String,
    pub length: u64,
    pub created_at_ms: i64,
}

/// An upload receiving bytes.
#[derive(Debug, Clone)]
pub struct UploadRow {
    pub id: Uuid,
    pub owner: Uuid,
    pub group_id: Uuid,
    pub timeline: Timeline,
    pub filename: String,
    pub length: u64,
    /// Bytes durably received.
    pub offset: u64,
    pub created_at_ms: i64,
}

/// A checked file to record in place of its upload.
#[derive(Debug, Clone)]
pub struct NewMedia {
    pub kind: MediaKind,
    pub content_type: String,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub object_key: String,
    pub thumbnail_key: Option<String>,
}

/// A stored file with what decides who may fetch it.
#[derive(Debug, Clone)]
pub struct MediaRecord {
    pub id: Uuid,
    pub owner: Uuid,
    pub group_id: Uuid,
    pub timeline: Timeline,
    pub post_id: Option<Uuid>,
    /// The post's author and whether it is deleted (when attached).
    pub post_author: Option<Uuid>,
    pub post_deleted: bool,
    pub kind: MediaKind,
    pub content_type: String,
    pub name: String,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub object_key: String,
    pub thumbnail_key: Option<String>,
    /// Set on a video's poster image.
    pub poster_for: Option<Uuid>,
    pub created_at_ms: i64,
}

impl MediaRecord {
    pub fn attachment(&self) -> Attachment {
        Attachment {
            id: self.id,
            kind: self.kind,
            content_type: self.content_type.clone(),
            name: self.name.clone(),
            size: self.size,
            width: self.width,
            height: self.height,
            thumbnail: self.thumbnail_key.is_some(),
        }
    }
}

/// The row of a `media` select (both backends: see their `SELECT_MEDIA`).
#[derive(Debug, sqlx::FromRow)]
pub struct MediaRow {
    pub id: super::id::Id,
    pub owner_id: super::id::Id,
    pub group_id: super::id::Id,
    pub timeline: String,
    pub post_id: Option<super::id::Id>,
    pub post_author: Option<super::id::Id>,
    pub post_deleted: Option<bool>,
    pub kind: String,
    pub content_type: String,
    pub name: String,
    pub size: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub object_key: String,
    pub thumbnail_key: Option<String>,
    pub poster_for: Option<super::id::Id>,
    pub created_at_ms: i64,
}

impl MediaRow {
    pub fn into_record(self) -> MediaRecord {
        MediaRecord {
            id: self.id.into_uuid(),
            owner: self.owner_id.into_uuid(),
            group_id: self.group_id.into_uuid(),
            timeline: Timeline::parse(&self.timeline).unwrap_or_default(),
            post_id: self.post_id.map(|i| i.into_uuid()),
            post_author: self.post_author.map(|i| i.into_uuid()),
            post_deleted: self.post_deleted.unwrap_or(false),
            kind: self.kind.parse::<MediaKind>().unwrap_or_default(),
            content_type: self.content_type,
            name: self.name,
            size: u64::try_from(self.size).unwrap_or(0),
            width: self.width.and_then(|w| u32::try_from(w).ok()),
            height: self.height.and_then(|h| u32::try_from(h).ok()),
            object_key: self.object_key,
            thumbnail_key: self.thumbnail_key,
            poster_for: self.poster_for.map(|i| i.into_uuid()),
            created_at_ms: self.created_at_ms,
        }
    }
}

/// A page of a group's files.
#[derive(Debug, Clone)]
pub struct MediaQuery {
    pub group_id: Uuid,
    /// The timelines the caller reads (and asked for).
    pub timelines: Vec<Timeline>,
    pub kind: Option<MediaKind>,
    pub before: Option<Cursor>,
    pub limit: i64,
}

/// A row of a group's media page.
#[derive(Debug, sqlx::FromRow)]
pub struct MediaItemRow {
    #[sqlx(flatten)]
    pub media: MediaRow,
    pub author_name: String,
    pub author_profession: String,
    pub author_facility_name: Option<String>,
    pub post_created_at_ms: i64,
}

impl MediaItemRow {
    pub fn into_item(self) -> (MediaItem, Cursor) {
        let author = Author {
            id: self
                .media
                .post_author
                .map(|i| i.into_uuid())
                .unwrap_or_default(),
            display_name: self.author_name,
            profession: tsunagu_api::Profession::parse(&self.author_profession),
            facility_name: self.author_facility_name,
        };
        let created_at_ms = self.post_created_at_ms;
        let record = self.media.into_record();
        let cursor = Cursor {
            ms: record.created_at_ms,
            id: record.id,
        };
        (
            MediaItem {
                attachment: record.attachment(),
                post_id: record.post_id.unwrap_or_default(),
                timeline: record.timeline,
                author,
                created_at: crate::time::from_ms(created_at_ms),
            },
            cursor,
        )
    }
}

/// What an attachment candidate row says, for [`plan_attachments`].
#[derive(Debug, Clone)]
pub struct Candidate {
    pub owner: Uuid,
    pub group_id: Uuid,
    pub timeline: Timeline,
    pub attached: bool,
    pub kind: MediaKind,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub thumbnail_key: Option<String>,
}

/// One attachment as it will be written: the file, its position, and its poster.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub id: Uuid,
    pub position: i64,
    pub poster: Option<Poster>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Poster {
    pub id: Uuid,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub thumbnail_key: Option<String>,
}

/// Checks a post's attachments against the rows found for their ids: each a finished upload of
/// `author` for this group and timeline, not on a post, named once; a poster only for a video
/// and only an image; together at most `max_post_bytes` (posters not counted: they are the
/// video's thumbnail).
pub fn plan_attachments(
    author: Uuid,
    group_id: Uuid,
    timeline: Timeline,
    attachments: &[NewAttachment],
    found: &HashMap<Uuid, Candidate>,
    max_post_bytes: u64,
) -> Result<Vec<Planned>, Refusal> {
    let invalid = Refusal::Field("attachments", ErrorCode::FieldInvalid);
    let mut seen = Vec::new();
    let mut total: u64 = 0;
    let mut planned = Vec::with_capacity(attachments.len());
    let usable = |id: &Uuid, seen: &mut Vec<Uuid>| -> Result<Candidate, Refusal> {
        if seen.contains(id) {
            return Err(invalid);
        }
        seen.push(*id);
        let c = found.get(id).ok_or(invalid)?;
        if c.owner != author || c.group_id != group_id || c.timeline != timeline || c.attached {
            return Err(invalid);
        }
        Ok(c.clone())
    };
    for (position, a) in attachments.iter().enumerate() {
        let c = usable(&a.upload_id, &mut seen)?;
        total = total.saturating_add(c.size);
        let poster = match a.poster_upload_id {
            None => None,
            Some(poster_id) => {
                let p = usable(&poster_id, &mut seen)?;
                if c.kind != MediaKind::Video || p.kind != MediaKind::Image {
                    return Err(invalid);
                }
                Some(Poster {
                    id: poster_id,
                    width: p.width,
                    height: p.height,
                    thumbnail_key: p.thumbnail_key,
                })
            }
        };
        planned.push(Planned {
            id: a.upload_id,
            position: position as i64,
            poster,
        });
    }
    if total > max_post_bytes {
        return Err(Refusal::FileTooLarge);
    }
    Ok(planned)
}

/// Files and spool entries a prune removed from the database; their bytes go next.
#[derive(Debug, Default)]
pub struct Pruned {
    pub uploads: Vec<Uuid>,
    pub object_keys: Vec<String>,
}

macro_rules! dispatch {
    ($self:ident, $store:ident => $call:expr) => {
        match &$self.0 {
            super::Backend::Sqlite($store) => $call,
            super::Backend::Postgres($store) => $call,
        }
    };
}

impl Store {
    /// Records a new upload with its audit row.
    pub async fn create_upload(&self, upload: &NewUpload, audit: Entry) -> Result<(), StoreError> {
        dispatch!(self, s => s.create_upload(upload, audit).await)
    }

    /// `owner`'s upload still receiving bytes.
    pub async fn upload(&self, id: Uuid, owner: Uuid) -> Result<Option<UploadRow>, StoreError> {
        dispatch!(self, s => s.upload(id, owner).await)
    }

    /// Moves an upload's durable offset from `from` to `to`; false if it was not at `from`
    /// (another request moved it, or it is gone).
    pub async fn advance_upload(
        &self,
        id: Uuid,
        owner: Uuid,
        from: u64,
        to: u64,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.advance_upload(id, owner, from, to).await)
    }

    /// Removes `owner`'s unfinished upload; false if there was none.
    pub async fn delete_upload(&self, id: Uuid, owner: Uuid) -> Result<bool, StoreError> {
        dispatch!(self, s => s.delete_upload(id, owner).await)
    }

    /// Replaces a complete upload by its checked file, with the audit row, in one transaction;
    /// false if the upload was gone (cancelled meanwhile).
    pub async fn finish_upload(
        &self,
        upload: &UploadRow,
        media: &NewMedia,
        audit: Entry,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.finish_upload(upload, media, audit).await)
    }

    /// A stored file with its post's author and state.
    pub async fn media(&self, id: Uuid) -> Result<Option<MediaRecord>, StoreError> {
        dispatch!(self, s => s.media(id).await)
    }

    /// Removes `owner`'s file that is on no post; the removed row, for its bytes.
    pub async fn delete_unattached_media(
        &self,
        id: Uuid,
        owner: Uuid,
    ) -> Result<Option<MediaRecord>, StoreError> {
        dispatch!(self, s => s.delete_unattached_media(id, owner).await)
    }

    /// Files on live posts of a group's timelines, newest first, before the cursor; one query.
    pub async fn group_media(
        &self,
        query: &MediaQuery,
    ) -> Result<Vec<(MediaItem, Cursor)>, StoreError> {
        dispatch!(self, s => s.group_media(query).await)
    }

    /// Removes uploads unfinished and files unattached since before `cutoff_ms`.
    pub async fn prune_media(&self, cutoff_ms: i64) -> Result<Pruned, StoreError> {
        dispatch!(self, s => s.prune_media(cutoff_ms).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(owner: Uuid, group: Uuid, kind: MediaKind, size: u64) -> Candidate {
        Candidate {
            owner,
            group_id: group,
            timeline: Timeline::Care,
            attached: false,
            kind,
            size,
            width: Some(10),
            height: Some(5),
            thumbnail_key: Some("t".to_owned()),
        }
    }

    #[test]
    fn attachments_must_be_the_authors_unattached_files_of_the_timeline() {
        let (me, other, g) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let (photo, video, poster, theirs) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        let mut found = HashMap::new();
        found.insert(photo, candidate(me, g, MediaKind::Image, 10));
        found.insert(video, candidate(me, g, MediaKind::Video, 100));
        found.insert(poster, candidate(me, g, MediaKind::Image, 1));
        found.insert(theirs, candidate(other, g, MediaKind::Image, 1));
        let a = |id, poster| NewAttachment {
            upload_id: id,
            poster_upload_id: poster,
        };
        let plan = |list: &[NewAttachment], max| {
            plan_attachments(me, g, Timeline::Care, list, &found, max)
        };
        let ok = plan(&[a(photo, None), a(video, Some(poster))], 1000).unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[1].poster.as_ref().unwrap().id, poster);
        let invalid = Err(Refusal::Field("attachments", ErrorCode::FieldInvalid));
        assert_eq!(plan(&[a(theirs, None)], 1000), invalid);
        assert_eq!(plan(&[a(photo, None), a(photo, None)], 1000), invalid);
        assert_eq!(plan(&[a(photo, Some(poster))], 1000), invalid);
        assert_eq!(plan(&[a(Uuid::now_v7(), None)], 1000), invalid);
        assert_eq!(
            plan(&[a(photo, None), a(video, None)], 100),
            Err(Refusal::FileTooLarge)
        );
        let mut family = found.clone();
        family.get_mut(&photo).unwrap().timeline = Timeline::Family;
        assert_eq!(
            plan_attachments(me, g, Timeline::Care, &[a(photo, None)], &family, 1000),
            invalid
        );
    }
}
