//! Numbers as the UI writes them: thousands separators, the character counter, counts.

use tsunagu_api::MAX_POST_CHARS;

use super::Locale;

/// Formats a count with thousands separators, e.g. `10,000`.
pub fn group_digits(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The composer's character counter, e.g. `12 / 10,000`.
pub fn char_counter(count: usize) -> String {
    format!("{} / {}", group_digits(count), group_digits(MAX_POST_CHARS))
}

/// Member count of a group, e.g. `5人` / `5 members`.
pub fn member_count(n: u32, locale: Locale) -> String {
    match locale {
        Locale::Ja => format!("{n}人"),
        Locale::En if n == 1 => "1 member".to_owned(),
        Locale::En => format!("{n} members"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_counted() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(1234567), "1,234,567");
        assert_eq!(char_counter(12), "12 / 10,000");
        assert_eq!(member_count(3, Locale::Ja), "3人");
        assert_eq!(member_count(1, Locale::En), "1 member");
    }
}
