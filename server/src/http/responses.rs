//! Pieces of responses several resources share.

use axum::http::{header, HeaderValue};

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
