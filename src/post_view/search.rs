//! Checking a search query before sending it.

use tsunagu_api::MAX_SEARCH_CHARS;

/// Why a search query cannot be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryProblem {
    /// Nothing but whitespace.
    Empty,
    /// Longer than [`MAX_SEARCH_CHARS`] characters after trimming.
    TooLong,
}

/// The query to send: trimmed, 1 to [`MAX_SEARCH_CHARS`] characters (as the server checks).
pub fn checked_query(q: &str) -> Result<String, QueryProblem> {
    let q = q.trim();
    match q.chars().count() {
        0 => Err(QueryProblem::Empty),
        n if n > MAX_SEARCH_CHARS => Err(QueryProblem::TooLong),
        _ => Ok(q.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_trimmed_and_limited_in_characters() {
        assert_eq!(checked_query("  褥瘡 "), Ok("褥瘡".into()));
        assert_eq!(checked_query(" \t"), Err(QueryProblem::Empty));
        assert_eq!(
            checked_query(&"あ".repeat(MAX_SEARCH_CHARS)).map(|q| q.chars().count()),
            Ok(100)
        );
        assert_eq!(
            checked_query(&"あ".repeat(MAX_SEARCH_CHARS + 1)),
            Err(QueryProblem::TooLong)
        );
    }
}
