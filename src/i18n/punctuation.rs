//! Punctuation that differs between the languages: Japanese sets a note in full-width
//! parentheses right after the text, English in ASCII ones after a space.

use super::Locale;

/// `note` in the locale's parentheses: `（note）` / `(note)`.
pub fn parenthesized(note: &str, locale: Locale) -> String {
    match locale {
        Locale::Ja => format!("（{note}）"),
        Locale::En => format!("({note})"),
    }
}

/// `text` followed by `note` in parentheses: `田中 美咲（ns.tanaka）` / `Misaki Tanaka (ns.tanaka)`.
pub fn with_note(text: &str, note: &str, locale: Locale) -> String {
    match locale {
        Locale::Ja => format!("{text}{}", parenthesized(note, locale)),
        Locale::En => format!("{text} {}", parenthesized(note, locale)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_take_the_parentheses_of_the_language() {
        assert_eq!(
            with_note("田中 美咲", "ns.tanaka", Locale::Ja),
            "田中 美咲（ns.tanaka）"
        );
        assert_eq!(with_note("Admin", "Son", Locale::En), "Admin (Son)");
        assert_eq!(parenthesized("タナカ", Locale::Ja), "（タナカ）");
        assert_eq!(parenthesized("tanaka", Locale::En), "(tanaka)");
    }
}
