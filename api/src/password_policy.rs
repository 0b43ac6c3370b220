//! The password rule of the MHLW guideline 6.0 (システム運用編): with two-factor login at least
//! 8 characters; with a password alone at least 13, mixing letters, digits and symbols
//! (英数字、記号を混在). The server checks every password that is set; the app checks the same
//! rule first, to explain it before a round trip.

/// Why a password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    /// Fewer characters than the rule asks for.
    TooShort { min: usize },
    /// More than [`MAX_CHARS`]: hashing cost is bounded, and nobody types more.
    TooLong,
    /// Without two-factor login: letters, digits and symbols must all be in it.
    NeedsMixedKinds,
    /// It contains the login ID, the first thing an attacker tries.
    ContainsLoginId,
}

/// Passwords longer than this are refused (characters).
pub const MAX_CHARS: usize = 128;
/// The minimum with two-factor login.
pub const MIN_WITH_TWO_FACTOR: usize = 8;
/// The minimum with a password alone.
pub const MIN_WITHOUT_TWO_FACTOR: usize = 13;

impl std::fmt::Display for Weakness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooShort { min } => write!(f, "the password needs at least {min} characters"),
            Self::TooLong => write!(f, "the password may have at most {MAX_CHARS} characters"),
            Self::NeedsMixedKinds => write!(
                f,
                "without two-factor login the password must mix letters, digits and symbols"
            ),
            Self::ContainsLoginId => write!(f, "the password must not contain the login ID"),
        }
    }
}

/// Checks `password` for an account with `login_id`; `two_factor`: whether this account logs in
/// with a second factor.
pub fn check(password: &str, login_id: &str, two_factor: bool) -> Result<(), Weakness> {
    let chars = password.chars().count();
    let min = if two_factor {
        MIN_WITH_TWO_FACTOR
    } else {
        MIN_WITHOUT_TWO_FACTOR
    };
    if chars < min {
        return Err(Weakness::TooShort { min });
    }
    if chars > MAX_CHARS {
        return Err(Weakness::TooLong);
    }
    if !two_factor {
        // Kinds by ASCII class, without the standard library's Unicode tables (they would grow
        // every build that checks a password by ~6 KiB): a letter is an ASCII letter or any
        // other script's character (kana, kanji), a symbol one of the ASCII symbols every
        // keyboard has.
        let letter = password
            .chars()
            .any(|c| c.is_ascii_alphabetic() || (!c.is_ascii() && !c.is_whitespace()));
        let digit = password.chars().any(|c| c.is_ascii_digit());
        let symbol = password.chars().any(|c| c.is_ascii_punctuation());
        if !(letter && digit && symbol) {
            return Err(Weakness::NeedsMixedKinds);
        }
    }
    // Login IDs compare ignoring ASCII case, as they do at login.
    let login = login_id.trim().to_ascii_lowercase();
    if login.chars().count() >= 3 && password.to_ascii_lowercase().contains(&login) {
        return Err(Weakness::ContainsLoginId);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_two_factor_eight_characters_of_any_kind_suffice() {
        assert_eq!(check("abcdefgh", "ns.tanaka", true), Ok(()));
        assert_eq!(
            check("abcdefg", "ns.tanaka", true),
            Err(Weakness::TooShort { min: 8 })
        );
        // Characters, not bytes: 8 kana are 24 bytes but 8 characters.
        assert_eq!(check("あいうえおかきく", "ns.tanaka", true), Ok(()));
        assert_eq!(
            check("あいうえおかき", "ns.tanaka", true),
            Err(Weakness::TooShort { min: 8 })
        );
    }

    #[test]
    fn without_two_factor_thirteen_mixed_characters_are_needed() {
        assert_eq!(check("Kanri-2027-ok", "op.ishikai", false), Ok(()));
        assert_eq!(
            check("Kanri-2027-o", "op.ishikai", false),
            Err(Weakness::TooShort { min: 13 })
        );
        for unmixed in [
            "kanrikanrikanri",
            "1234567890123",
            "kanri2027kanri",
            "kanri-kanri-kanri",
            "2027-2027-2027",
        ] {
            assert_eq!(
                check(unmixed, "op.ishikai", false),
                Err(Weakness::NeedsMixedKinds),
                "{unmixed}"
            );
        }
        // Kana and kanji count as letters; only ASCII symbols count as symbols.
        assert_eq!(check("かんり設定ですよ-2027", "op.ishikai", false), Ok(()));
        assert_eq!(
            check("かんり設定ですよ★2027", "op.ishikai", false),
            Err(Weakness::NeedsMixedKinds)
        );
        assert_eq!(
            check("kanri 2027 kanri", "op.ishikai", false),
            Err(Weakness::NeedsMixedKinds)
        );
    }

    #[test]
    fn the_login_id_is_not_a_password() {
        assert_eq!(
            check("Op.Ishikai-2027!", "op.ishikai", false),
            Err(Weakness::ContainsLoginId)
        );
        // Too short an ID to mean anything is not looked for.
        assert_eq!(check("ab-12345678-cd", "ab", false), Ok(()));
    }

    #[test]
    fn very_long_passwords_are_refused() {
        let long = format!("a1-{}", "x".repeat(MAX_CHARS));
        assert_eq!(check(&long, "ns.tanaka", false), Err(Weakness::TooLong));
        let max = format!("a1-{}", "x".repeat(MAX_CHARS - 3));
        assert_eq!(check(&max, "ns.tanaka", false), Ok(()));
    }
}
