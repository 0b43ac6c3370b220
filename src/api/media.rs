//! Client calls of media: the cookie that lets `<img>` and `<video>` load files, the group's
//! media view, and the URLs of a file and its thumbnail.

use gloo_net::http::Method;
use tsunagu_api::{MediaKind, MediaPage};
use uuid::Uuid;

use super::{query, ApiError, Client};

impl Client {
    /// `PUT /session/media-cookie`: sets the `tsunagu_media` cookie for this session, which
    /// `GET /media/...` accepts instead of the bearer header that an `<img src>` cannot send.
    pub async fn set_media_cookie(&self) -> Result<(), ApiError> {
        self.send_empty(Method::PUT, "/session/media-cookie", None)
            .await
    }

    /// `GET /groups/{id}/media`: the files of the timelines I read (the server decides which),
    /// newest first; `kind` filters, `before` is the previous page's `next`.
    pub async fn group_media(
        &self,
        group: Uuid,
        kind: Option<MediaKind>,
        before: Option<String>,
        limit: Option<u32>,
    ) -> Result<MediaPage, ApiError> {
        let q = query(&[
            ("kind", kind.map(|k| k.as_str().to_owned())),
            ("before", before),
            ("limit", limit.map(|l| l.to_string())),
        ]);
        self.get_json(&format!("/groups/{group}/media{q}")).await
    }

    /// URL of a file (`GET /media/{id}`), loaded with the media cookie.
    pub fn media_url(&self, id: Uuid) -> String {
        self.url(&format!("/media/{id}"))
    }

    /// URL of a file's thumbnail (`GET /media/{id}/thumbnail`).
    pub fn thumbnail_url(&self, id: Uuid) -> String {
        self.url(&format!("/media/{id}/thumbnail"))
    }
}
