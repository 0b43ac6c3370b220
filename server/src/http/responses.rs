//! Pieces of responses several resources share.

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
