//! Posts.

use serde::Deserialize;
use tsunagu_api::{
    Author, Importance, Mention, Post, PostRevision, Profession, ReplyRef, RevisionKind,
    SystemEvent, SystemEventKind, Timeline,
};
use uuid::Uuid;

use crate::cursor::Cursor;
use crate::store::id::Id;
use crate::time::from_ms;

/// A post with everything it shows joined in (each backend's `SELECT_POSTS_FROM`).
#[derive(Debug, sqlx::FromRow)]
pub struct PostRow {
    id: Id,
    group_id: Id,
    body: String,
    created_at_ms: i64,
    author_id: Id,
    author_name: String,
    author_profession: String,
    author_facility_name: Option<String>,
    timeline: String,
    system: Option<String>,
    subject_id: Option<Id>,
    subject_name: Option<String>,
    subject_profession: Option<String>,
    subject_facility_name: Option<String>,
    importance: String,
    edited_at_ms: Option<i64>,
    deleted_at_ms: Option<i64>,
    version: i64,
    reply_id: Option<Id>,
    reply_author_name: Option<String>,
    reply_excerpt: Option<String>,
    reply_deleted: Option<bool>,
    read_count: i64,
    ack_count: i64,
    acked_by_me: bool,
    /// JSON array of `{user_id, display_name}`.
    mentions: String,
    /// JSON array of wire `Attachment`s, in the author's order.
    attachments: String,
}

/// The stored content of a system entry.
#[derive(Deserialize)]
struct StoredSystem {
    kind: SystemEventKind,
    #[serde(default)]
    detail: Option<String>,
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl PostRow {
    pub fn cursor(&self) -> Cursor {
        Cursor {
            ms: self.created_at_ms,
            id: self.id.into_uuid(),
        }
    }

    pub fn timeline(&self) -> Timeline {
        Timeline::parse(&self.timeline).unwrap_or_default()
    }

    pub fn author_id(&self) -> Uuid {
        self.author_id.into_uuid()
    }

    pub fn is_system(&self) -> bool {
        self.system.is_some()
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted_at_ms.is_some()
    }

    pub fn version(&self) -> i64 {
        self.version
    }

    pub fn into_post(self) -> Post {
        let timeline = self.timeline();
        let author = Author {
            id: self.author_id.into_uuid(),
            display_name: self.author_name,
            profession: Profession::parse(&self.author_profession),
            facility_name: self.author_facility_name,
        };
        let subject = match (self.subject_id, self.subject_name, self.subject_profession) {
            (Some(id), Some(name), Some(profession)) => Some(Author {
                id: id.into_uuid(),
                display_name: name,
                profession: Profession::parse(&profession),
                facility_name: self.subject_facility_name,
            }),
            _ => None,
        };
        let system = self.system.map(|raw| {
            let stored: Option<StoredSystem> = serde_json::from_str(&raw).ok();
            SystemEvent {
                kind: stored.as_ref().map_or(SystemEventKind::Unknown, |s| s.kind),
                actor: Some(author.clone()),
                subject,
                detail: stored.and_then(|s| s.detail),
            }
        });
        let deleted = self.deleted_at_ms.is_some();
        // A tombstone carries nothing of what was written: no text, no quote, no mentions.
        let reply_to = match (deleted, self.reply_id) {
            (false, Some(id)) => {
                let quoted_deleted = self.reply_deleted.unwrap_or(false);
                Some(ReplyRef {
                    id: id.into_uuid(),
                    author_name: self.reply_author_name.unwrap_or_default(),
                    excerpt: if quoted_deleted {
                        String::new()
                    } else {
                        self.reply_excerpt.unwrap_or_default()
                    },
                    deleted: quoted_deleted,
                })
            }
            _ => None,
        };
        let mentions = if deleted {
            Vec::new()
        } else {
            serde_json::from_str::<Vec<Mention>>(&self.mentions).unwrap_or_default()
        };
        Post {
            id: self.id.into_uuid(),
            group_id: self.group_id.into_uuid(),
            author,
            body: if deleted { String::new() } else { self.body },
            created_at: from_ms(self.created_at_ms),
            timeline,
            system,
            importance: Importance::parse(&self.importance).unwrap_or_default(),
            reply_to,
            mentions,
            edited_at: self.edited_at_ms.map(from_ms),
            deleted_at: self.deleted_at_ms.map(from_ms),
            version: u32::try_from(self.version).unwrap_or(1),
            read_count: count(self.read_count),
            ack_count: count(self.ack_count),
            acked_by_me: self.acked_by_me,
            // A deleted post's files are hidden with its text.
            attachments: if deleted {
                Vec::new()
            } else {
                serde_json::from_str(&self.attachments).unwrap_or_default()
            },
        }
    }
}

/// A post with the name of its group (urgent list, search).
#[derive(Debug, sqlx::FromRow)]
pub struct PostInGroupRow {
    pub group_name: String,
    #[sqlx(flatten)]
    pub post: PostRow,
}

/// The answer stored under an idempotency key: a repeat of the request replays it.
#[derive(Debug, sqlx::FromRow)]
pub struct StoredResponse {
    pub fingerprint: String,
    pub status: i64,
    pub response_body: String,
}

/// One revision of a post with who made it (`post_revisions` joined with the user).
#[derive(Debug, sqlx::FromRow)]
pub struct RevisionRow {
    version: i64,
    kind: String,
    at_ms: i64,
    body: String,
    importance: String,
    by_id: Id,
    by_name: String,
    by_profession: String,
    by_facility_name: Option<String>,
}

/// [`RevisionRow`]'s select list and joins, the same on both backends; callers append the
/// `WHERE` on `r.post_id` and `ORDER BY r.version`.
pub const SELECT_REVISIONS: &str = "SELECT r.version, r.kind, r.at_ms, r.body, r.importance,
        u.id AS by_id, u.display_name AS by_name, u.profession AS by_profession,
        f.name AS by_facility_name
    FROM post_revisions r
    JOIN users u ON u.id = r.by_user_id
    LEFT JOIN facilities f ON f.id = u.facility_id";

impl RevisionRow {
    pub fn into_revision(self) -> PostRevision {
        PostRevision {
            version: u32::try_from(self.version).unwrap_or(1),
            kind: self.kind.parse().unwrap_or(RevisionKind::Created),
            by: Author {
                id: self.by_id.into_uuid(),
                display_name: self.by_name,
                profession: Profession::parse(&self.by_profession),
                facility_name: self.by_facility_name,
            },
            at: from_ms(self.at_ms),
            body: self.body,
            importance: Importance::parse(&self.importance).unwrap_or_default(),
        }
    }
}
