//! Reading and acknowledging: read markers, receipts, the urgent banner.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{rfc3339_millis, Author, Post, Timeline};

/// `PUT /api/v1/groups/{group_id}/read` body: everything up to this post in this timeline has
/// been read (markers only move forward).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReadMarker {
    pub timeline: Timeline,
    pub up_to: Uuid,
}

/// A member and when they did something (read, acknowledged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Receipt {
    pub user: Author,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: DateTime<Utc>,
}

/// `GET /api/v1/groups/{group_id}/posts/{post_id}/receipts`: who read and who acknowledged a
/// post, and who has not yet (members who can read its timeline, the author excluded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostReceipts {
    pub post_id: Uuid,
    /// Oldest first.
    pub read: Vec<Receipt>,
    /// Oldest first.
    pub acknowledged: Vec<Receipt>,
    /// Members who have not read it yet.
    pub not_read: Vec<Author>,
    /// Members who have not acknowledged it yet (for urgent posts: whom the author waits for).
    pub not_acknowledged: Vec<Author>,
}

/// `GET /api/v1/urgent`: urgent posts in the caller's groups (timelines the caller may read)
/// that the caller has not acknowledged, not written by the caller and not deleted; oldest
/// first, at most 100.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UrgentList {
    pub items: Vec<UrgentItem>,
}

/// An urgent post waiting for the caller's acknowledgement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UrgentItem {
    pub group_name: String,
    pub post: Post,
}
