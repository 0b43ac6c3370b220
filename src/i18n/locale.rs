//! The languages the UI is available in.

/// A language the UI is available in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// Japanese, the default.
    #[default]
    Ja,
    /// English.
    En,
}

impl Locale {
    /// Every supported locale.
    pub const ALL: [Locale; 2] = [Locale::Ja, Locale::En];

    /// BCP 47 tag, for `<html lang>` and `Intl`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Ja => "ja",
            Locale::En => "en",
        }
    }

    /// Parses a stored tag; anything unknown is `None`.
    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim() {
            "ja" => Some(Locale::Ja),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The other locale, which the language switch offers.
    pub fn other(self) -> Locale {
        match self {
            Locale::Ja => Locale::En,
            Locale::En => Locale::Ja,
        }
    }

    /// Locale passed to `Date.prototype.toLocaleString`.
    pub fn date_locale(self) -> &'static str {
        match self {
            Locale::Ja => "ja-JP",
            Locale::En => "en-US",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_tags() {
        assert_eq!(Locale::parse("en"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
        assert_eq!(Locale::Ja.other(), Locale::En);
    }
}
