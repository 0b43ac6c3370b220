//! Client calls of a timeline: reading pages, posting, moving the read marker.

use gloo_net::http::Method;
use tsunagu_api::{Importance, NewPost, Post, PostPage, ReadMarker, Timeline};
use uuid::Uuid;

use super::{decode, query, retry_after_ms, to_json, ApiError, Client};

/// Which page of a timeline to fetch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PostCursor {
    /// The newest posts (newest first).
    #[default]
    Newest,
    /// Posts older than the cursor (newest first).
    Before(String),
    /// Posts newer than the cursor (oldest first).
    After(String),
}

/// The query string of `GET /groups/{id}/posts`.
pub fn posts_query(
    timeline: Option<Timeline>,
    cursor: PostCursor,
    limit: Option<u32>,
    min_importance: Option<Importance>,
) -> String {
    let (before, after) = match cursor {
        PostCursor::Newest => (None, None),
        PostCursor::Before(c) => (Some(c), None),
        PostCursor::After(c) => (None, Some(c)),
    };
    query(&[
        ("timeline", timeline.map(|t| t.as_str().to_owned())),
        ("limit", limit.map(|l| l.to_string())),
        ("before", before),
        ("after", after),
        (
            "min_importance",
            min_importance.map(|i| i.as_str().to_owned()),
        ),
    ])
}

impl Client {
    /// `GET /groups/{id}/posts`: one page of a timeline, optionally only posts at least
    /// `min_importance` important (`important` means important or urgent).
    pub async fn posts(
        &self,
        group: Uuid,
        timeline: Option<Timeline>,
        cursor: PostCursor,
        limit: Option<u32>,
        min_importance: Option<Importance>,
    ) -> Result<PostPage, ApiError> {
        self.get_json(&format!(
            "/groups/{group}/posts{}",
            posts_query(timeline, cursor, limit, min_importance)
        ))
        .await
    }

    /// `POST /groups/{id}/posts` with an idempotency key, so a retry never posts twice.
    ///
    /// Also returns the server's `Retry-After` (in milliseconds) when it sent one, so the outbox
    /// waits as long as a rate-limited or overloaded server asked.
    pub async fn create_post(
        &self,
        group: Uuid,
        post: &NewPost,
        idempotency_key: Uuid,
    ) -> (Result<Post, ApiError>, Option<i64>) {
        let Ok(body) = serde_json::to_string(post) else {
            return (Err(ApiError::Network), None);
        };
        let resp = match self
            .fetch(
                Method::POST,
                &format!("/groups/{group}/posts"),
                Some(body),
                Some(idempotency_key),
            )
            .await
        {
            Ok(resp) => resp,
            Err(e) => return (Err(e), None),
        };
        let retry_after = resp
            .headers()
            .get("Retry-After")
            .and_then(|v| retry_after_ms(&v));
        (decode(resp).await, retry_after)
    }

    /// `PUT /groups/{id}/read`: everything up to `up_to` in `timeline` has been read.
    pub async fn mark_read(&self, group: Uuid, marker: &ReadMarker) -> Result<(), ApiError> {
        let body = to_json(marker)?;
        self.send_empty(Method::PUT, &format!("/groups/{group}/read"), Some(body))
            .await
    }
}
