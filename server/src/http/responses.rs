//! Pieces of responses several resources share.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use crate::cursor::Cursor;

/// Splits `limit + 1` fetched rows into the page and the cursor of its last item, or no cursor
/// when nothing follows.
pub fn page<T>(
    mut rows: Vec<T>,
    limit: i64,
    key: impl Fn(&T) -> Cursor,
) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|r| key(r).encode());
        (rows, next)
    } else {
        (rows, None)
    }
}

/// `ETag: "<version>"`, the value `If-Match` sends back.
pub fn etag(version: u32) -> (header::HeaderName, HeaderValue) {
    (
        header::ETAG,
        HeaderValue::from_str(&format!("\"{version}\"")).expect("digits are a valid header"),
    )
}

/// A `PostPage` whose items are JSON text already (the store's, see
/// [`crate::store::TimelinePage`]): the same bytes `axum::Json(PostPage { … })` sends, its
/// fields in their order, without decoding and re-encoding every post.
pub fn post_page_json(
    items_json: &str,
    next: Option<Cursor>,
    read_up_to: Option<Uuid>,
) -> Response {
    let next_cursor = next.map(|c| c.encode());
    let tail =
        serde_json::to_string(&(next_cursor, read_up_to)).expect("strings and ids serialize");
    // `tail` is `[next_cursor,read_up_to]`: its two values, in the object.
    let (next_cursor, read_up_to) = tail[1..tail.len() - 1]
        .split_once(',')
        .expect("a pair has a comma between its values");
    let mut body = String::with_capacity(items_json.len() + tail.len() + 40);
    body.push_str("{\"items\":");
    body.push_str(items_json);
    body.push_str(",\"next_cursor\":");
    body.push_str(next_cursor);
    body.push_str(",\"read_up_to\":");
    body.push_str(read_up_to);
    body.push('}');
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tsunagu_api::PostPage;

    #[tokio::test]
    async fn a_page_of_json_text_is_what_serde_writes_for_the_page() {
        let cursor = Cursor {
            ms: 1_767_225_600_123,
            id: Uuid::now_v7(),
        };
        for (next, read_up_to) in [
            (None, None),
            (Some(cursor), None),
            (None, Some(Uuid::now_v7())),
            (Some(cursor), Some(Uuid::now_v7())),
        ] {
            let response = post_page_json("[]", next, read_up_to);
            assert_eq!(
                response.headers()[header::CONTENT_TYPE],
                HeaderValue::from_static("application/json")
            );
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            let expected = serde_json::to_string(&PostPage {
                items: Vec::new(),
                next_cursor: next.map(|c| c.encode()),
                read_up_to,
            })
            .unwrap();
            assert_eq!(std::str::from_utf8(&body).unwrap(), expected);
        }
    }
}
