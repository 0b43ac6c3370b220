//! Full-text search over the posts the caller may read.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::Post;

/// One search result: the post and the group it is in. Clients highlight the query in `body`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SearchHit {
    pub group_id: Uuid,
    pub group_name: String,
    pub post: Post,
}

/// `GET /api/v1/search?q=…[&group_id=…][&limit][&before]`: posts containing `q` as a substring
/// (Japanese needs no word boundaries), only from timelines the caller may read, newest first.
/// `q` is 1 to 100 characters after trimming (otherwise 422 `field_invalid` on `q`). Deleted
/// posts and system entries are not found; edited posts are found by their current text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SearchPage {
    pub items: Vec<SearchHit>,
    /// Pass as `before` to continue; `null` at the end.
    pub next_cursor: Option<String>,
}
