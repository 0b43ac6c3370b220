//! Folding Japanese text for substring matching (shared by the SPA's filters and the reference
//! server's search): katakana → hiragana, full-width ASCII →
//! half-width, half-width katakana → hiragana (with voiced marks composed), lower case, and no
//! spaces (Japanese names are written with or without a space between family and given name),
//! nor control characters.

use std::ops::Range;

/// Half-width katakana U+FF66..=U+FF9D as full-width katakana.
const HALF_KATAKANA: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";

/// Folds `s` for matching; see the module documentation.
pub fn fold(s: &str) -> String {
    fold_indexed(s).0
}

/// [`fold`], and for each character of the result the byte range of `s` it came from (a
/// composed voiced kana covers both half-width characters). Lets a match in folded text be
/// marked in the original.
pub fn fold_indexed(s: &str) -> (String, Vec<Range<usize>>) {
    let mut out: Vec<char> = Vec::with_capacity(s.len());
    let mut from: Vec<Range<usize>> = Vec::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        let end = i + c.len_utf8();
        let u = c as u32;
        let folded = match u {
            // Half-width voiced / semi-voiced sound marks compose with the previous kana.
            0xFF9E | 0xFF9F => {
                if let (Some(prev), Some(range)) = (out.last_mut(), from.last_mut()) {
                    if let Some(composed) = compose(*prev, u == 0xFF9F) {
                        *prev = composed;
                        range.end = end;
                    }
                }
                continue;
            }
            0xFF66..=0xFF9D => HALF_KATAKANA
                .chars()
                .nth((u - 0xFF66) as usize)
                .map(to_hiragana)
                .unwrap_or(c),
            // Full-width ASCII.
            0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).unwrap_or(c),
            _ => to_hiragana(c),
        };
        // Control characters are invisible and SQLite ends text at a NUL (the search index
        // and LIKE would ignore the rest of a post), so they go like spaces.
        if folded.is_whitespace() || folded == '\u{3000}' || folded.is_control() {
            continue;
        }
        out.push(lower_case(folded));
        from.push(i..end);
    }
    (out.into_iter().collect(), from)
}

/// Katakana in `s` as hiragana, nothing else changed: how the reference server folds a search
/// query before matching readings, which are stored in hiragana.
pub fn katakana_to_hiragana(s: &str) -> String {
    s.chars().map(to_hiragana).collect()
}

/// `c` in lower case for the alphabets written in Japanese care notes: Latin (ASCII, Latin-1,
/// Latin Extended-A), Greek and Cyrillic, as `char::to_lowercase` maps them; other characters
/// unchanged. Not `to_lowercase` itself: its tables for all of Unicode are ~6 KiB of the
/// app's download (docs/performance.md), for scripts nobody writes here.
fn lower_case(c: char) -> char {
    let u = c as u32;
    let lower = match u {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE | 0x391..=0x3A1 | 0x3A3..=0x3AB | 0x410..=0x42F => {
            u + 0x20
        }
        0x400..=0x40F => u + 0x50,
        0x386 => 0x3AC,
        0x388..=0x38A => u + 0x25,
        0x38C => 0x3CC,
        0x38E | 0x38F => u + 0x3F,
        0x178 => 0xFF,
        // Latin Extended-A pairs capital and small letter side by side; which of the two is
        // the capital flips at U+0139 and back at U+014A.
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 if u.is_multiple_of(2) => u + 1,
        0x139..=0x148 | 0x179..=0x17E if !u.is_multiple_of(2) => u + 1,
        _ => u,
    };
    char::from_u32(lower).unwrap_or(c)
}

/// Katakana (ァ..ヶ) as hiragana; anything else unchanged.
fn to_hiragana(c: char) -> char {
    match c as u32 {
        u @ 0x30A1..=0x30F6 => char::from_u32(u - 0x60).unwrap_or(c),
        _ => c,
    }
}

/// A hiragana with its dakuten (or handakuten) added, when it takes one.
fn compose(c: char, handakuten: bool) -> Option<char> {
    let u = c as u32;
    if handakuten {
        // は ひ ふ へ ほ (each followed by ば and ぱ).
        matches!(u, 0x306F | 0x3072 | 0x3075 | 0x3078 | 0x307B).then(|| char::from_u32(u + 2))?
    } else if c == 'う' {
        Some('ゔ')
    } else if (0x304B..=0x3062).contains(&u) && u % 2 == 1
        || matches!(u, 0x3064 | 0x3066 | 0x3068)
        || matches!(u, 0x306F | 0x3072 | 0x3075 | 0x3078 | 0x307B)
    {
        char::from_u32(u + 1)
    } else {
        None
    }
}

/// Whether `query` (folded) occurs in any of `fields` (folded); an empty query matches all.
pub fn matches(query: &str, fields: &[&str]) -> bool {
    let q = fold(query);
    q.is_empty() || fields.iter().any(|f| fold(f).contains(&q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn katakana_and_widths_fold_together() {
        assert_eq!(fold("ヤマダ ハナコ"), "やまだはなこ");
        assert_eq!(fold("ﾔﾏﾀﾞ ﾊﾅｺ"), "やまだはなこ");
        assert_eq!(fold("ﾊﾟﾝ"), "ぱん");
        assert_eq!(fold("ＡＢＣ１２３"), "abc123");
        assert_eq!(fold("山田　花子"), "山田花子");
        assert_eq!(fold("ヴ"), "ゔ");
        assert_eq!(fold("前半\0後半\u{7}ｶﾅ"), "前半後半かな");
    }

    #[test]
    fn every_folded_character_knows_where_it_came_from() {
        let text = "ｶﾞｰｾﾞ 交換、ＢＰ１２０";
        let (folded, from) = fold_indexed(text);
        assert_eq!(folded, "がーぜ交換、bp120");
        assert_eq!(folded.chars().count(), from.len());
        let originals: Vec<&str> = from.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(
            originals,
            ["ｶﾞ", "ｰ", "ｾﾞ", "交", "換", "、", "Ｂ", "Ｐ", "１", "２", "０"],
            "composed kana cover both characters, the space is gone"
        );
        let (folded, from) = fold_indexed("Éa");
        assert_eq!(folded, "éa");
        assert_eq!(from, [0..2, 2..3]);
        assert_eq!(fold_indexed(""), (String::new(), vec![]));
    }

    #[test]
    fn lower_case_agrees_with_the_standard_library_where_it_folds() {
        let mut folded = 0;
        for c in (0..0x500).filter_map(char::from_u32) {
            let mine = lower_case(c);
            let std: Vec<char> = c.to_lowercase().collect();
            if mine != c {
                folded += 1;
                assert_eq!(std, [mine], "{c:?} U+{:04X}", c as u32);
            } else if std.len() == 1 && std[0] != c {
                // What is left to the standard library: none of the alphabets above.
                assert!(
                    !matches!(c as u32, 0x41..=0x17F | 0x386..=0x3AB | 0x400..=0x42F),
                    "{c:?} U+{:04X} is not folded",
                    c as u32
                );
            }
        }
        // ASCII, Latin-1, Latin Extended-A (all but İ, which becomes two characters), Greek, Cyrillic.
        assert_eq!(folded, 26 + 30 + 62 + 33 + 48, "letters folded");
        assert_eq!(fold("ΒΗΤΑ Мир Ÿ"), "βηταмирÿ");
    }

    #[test]
    fn only_katakana_changes_in_the_search_fold() {
        assert_eq!(katakana_to_hiragana("タナカ ミサキ"), "たなか みさき");
        assert_eq!(katakana_to_hiragana("ステーション"), "すてーしょん");
        assert_eq!(katakana_to_hiragana("田中abc"), "田中abc");
    }

    #[test]
    fn filter_matches_name_or_kana_as_substring() {
        let fields = ["山田 花子 様", "やまだ はなこ"];
        assert!(matches("", &fields));
        assert!(matches("山田", &fields));
        assert!(matches("ハナコ", &fields));
        assert!(matches("ﾔﾏﾀﾞ", &fields));
        assert!(matches("だは", &fields));
        assert!(!matches("中村", &fields));
        assert!(matches("ｓｔａｔｉｏｎ", &["Aoba Station"]));
    }
}
