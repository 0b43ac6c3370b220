//! Client calls of the post actions (edit with `If-Match`, delete, history, receipts,
//! acknowledgement), the urgent list and search.

use gloo_net::http::Method;
use tsunagu_api::{Post, PostEdit, PostHistory, PostReceipts, SearchPage, UrgentList};
use uuid::Uuid;

use super::{decode, query, to_json, ApiError, Client};

/// The `If-Match` value for a post at `version`: its ETag, `"<version>"`.
pub fn if_match(version: u32) -> String {
    format!("\"{version}\"")
}

/// The version an ETag names (`"3"`, or weak `W/"3"`); `None` when it is not one of ours.
pub fn etag_version(etag: &str) -> Option<u32> {
    let tag = etag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    tag.strip_prefix('"')?.strip_suffix('"')?.parse().ok()
}

/// A search request: the query and an optional group to search in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// The substring to find (already checked: trimmed, 1–100 characters).
    pub q: String,
    /// Only this group; `None`: every group I belong to.
    pub group_id: Option<Uuid>,
}

impl SearchQuery {
    /// The query string of `GET /search`.
    pub fn to_query(&self, limit: u32, before: Option<String>) -> String {
        query(&[
            ("q", Some(self.q.clone())),
            ("group_id", self.group_id.map(|g| g.to_string())),
            ("limit", Some(limit.to_string())),
            ("before", before),
        ])
    }
}

impl Client {
    /// `GET /groups/{g}/posts/{p}`: the current state of one post. Its version is taken from
    /// the `ETag` when the server sends one, which is what a following `If-Match` must carry.
    pub async fn post(&self, group: Uuid, post: Uuid) -> Result<Post, ApiError> {
        let resp = self
            .fetch(
                Method::GET,
                &format!("/groups/{group}/posts/{post}"),
                None,
                None,
            )
            .await?;
        let etag = resp.headers().get("ETag");
        let mut post: Post = decode(resp).await?;
        if let Some(version) = etag.as_deref().and_then(etag_version) {
            post.version = version;
        }
        Ok(post)
    }

    /// `PATCH /groups/{g}/posts/{p}` with `If-Match` of the version the edit started from:
    /// 412 `precondition_failed` when someone changed the post meanwhile.
    pub async fn edit_post(
        &self,
        group: Uuid,
        post: Uuid,
        version: u32,
        edit: &PostEdit,
    ) -> Result<Post, ApiError> {
        let tag = if_match(version);
        decode(
            self.fetch_with_headers(
                Method::PATCH,
                &format!("/groups/{group}/posts/{post}"),
                Some(to_json(edit)?),
                None,
                &[("If-Match", &tag)],
            )
            .await?,
        )
        .await
    }

    /// `DELETE /groups/{g}/posts/{p}` with `If-Match`, so a post changed since it was shown is
    /// not deleted unseen; returns the tombstone.
    pub async fn delete_post(
        &self,
        group: Uuid,
        post: Uuid,
        version: u32,
    ) -> Result<Post, ApiError> {
        let tag = if_match(version);
        decode(
            self.fetch_with_headers(
                Method::DELETE,
                &format!("/groups/{group}/posts/{post}"),
                None,
                None,
                &[("If-Match", &tag)],
            )
            .await?,
        )
        .await
    }

    /// `GET /groups/{g}/posts/{p}/history` (admins and the author).
    pub async fn post_history(&self, group: Uuid, post: Uuid) -> Result<PostHistory, ApiError> {
        self.get_json(&format!("/groups/{group}/posts/{post}/history"))
            .await
    }

    /// `GET /groups/{g}/posts/{p}/receipts`.
    pub async fn post_receipts(&self, group: Uuid, post: Uuid) -> Result<PostReceipts, ApiError> {
        self.get_json(&format!("/groups/{group}/posts/{post}/receipts"))
            .await
    }

    /// `PUT /groups/{g}/posts/{p}/ack` (idempotent): 見ました. Returns the post with the new
    /// count.
    pub async fn ack_post(&self, group: Uuid, post: Uuid) -> Result<Post, ApiError> {
        self.send_json(
            Method::PUT,
            &format!("/groups/{group}/posts/{post}/ack"),
            None,
        )
        .await
    }

    /// `GET /urgent`: urgent posts waiting for my acknowledgement, oldest first.
    pub async fn urgent(&self) -> Result<UrgentList, ApiError> {
        self.get_json("/urgent").await
    }

    /// `GET /search`: one page of posts containing the query, newest first.
    pub async fn search(
        &self,
        q: &SearchQuery,
        limit: u32,
        before: Option<String>,
    ) -> Result<SearchPage, ApiError> {
        self.get_json(&format!("/search{}", q.to_query(limit, before)))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_carry_the_version() {
        assert_eq!(if_match(3), "\"3\"");
        assert_eq!(etag_version("\"3\""), Some(3));
        assert_eq!(etag_version("W/\"12\""), Some(12));
        assert_eq!(etag_version("3"), None);
        assert_eq!(etag_version("\"abc\""), None);
    }

    #[test]
    fn search_queries_encode_japanese_and_the_scope() {
        let q = SearchQuery {
            q: "褥瘡".into(),
            group_id: Some(Uuid::from_u128(1)),
        };
        assert_eq!(
            q.to_query(20, Some("c1".into())),
            "?q=%E8%A4%A5%E7%98%A1&group_id=00000000-0000-0000-0000-000000000001&limit=20&before=c1"
        );
        let all = SearchQuery {
            q: "a b".into(),
            group_id: None,
        };
        assert_eq!(all.to_query(20, None), "?q=a%20b&limit=20");
    }
}
