//! Plain-text helpers shared by views and models.

/// The first characters of a body for one-line previews (reply quotes, the urgent banner): at
/// most `max` characters, counted as the contract counts (Unicode scalar values), with every
/// run of whitespace (line breaks included) as one space and an ellipsis when cut.
pub fn excerpt(body: &str, max: usize) -> String {
    let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let mut cut: String = flat.chars().take(max).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_one_line_and_cut_by_characters() {
        assert_eq!(excerpt("一行目\n二行目", 20), "一行目 二行目");
        assert_eq!(excerpt("一行目\n\n  二行目", 20), "一行目 二行目");
        assert_eq!(excerpt("あいうえお", 3), "あいう…");
        assert_eq!(excerpt("  あい  ", 3), "あい");
        let cut = excerpt(&"あ".repeat(100), 80);
        assert_eq!(cut.chars().count(), 81);
        assert!(cut.ends_with('…'));
    }
}
