//! @mentions in the composer, the pure part (tested natively): the `@query` being typed at the
//! caret, who may be mentioned in a timeline, the suggestions for a query, inserting the chosen
//! name, and which recorded mentions a body still contains when it is sent.
//!
//! Positions from the browser (`selectionStart`) count UTF-16 code units; Rust strings are
//! indexed by bytes. The conversions live here so the component never slices by the wrong unit.

use tsunagu_api::{kana, MemberRole, Mention, Profession, Timeline, MAX_MENTIONS};

use crate::api::MentionMember;
use uuid::Uuid;

/// Longest query that still counts as one (a longer run after `@` is ordinary text).
pub const MAX_QUERY_CHARS: usize = 20;
/// Most suggestions shown at once.
pub const MAX_SUGGESTIONS: usize = 8;

/// The `@query` the caret is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionQuery {
    /// Byte index of the `@`.
    pub start: usize,
    /// Byte index of the caret, where the query ends.
    pub end: usize,
    /// The characters between the `@` and the caret (at least one).
    pub query: String,
}

/// A member who may be mentioned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The member.
    pub user_id: Uuid,
    /// The name written after `@`.
    pub display_name: String,
    /// Shown next to the name, to tell namesakes apart.
    pub profession: Profession,
    /// The reading of the name in kana, so 「さと」 finds 佐藤.
    pub reading: String,
}

impl Candidate {
    /// The mention recorded when this candidate is chosen.
    pub fn mention(&self) -> Mention {
        Mention {
            user_id: self.user_id,
            display_name: self.display_name.clone(),
        }
    }
}

/// The byte index of the UTF-16 offset `utf16` in `text` (clamped to the end; an offset inside
/// a surrogate pair counts as after it).
pub fn utf16_to_byte(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// The UTF-16 offset of the byte index `byte` in `text`.
pub fn byte_to_utf16(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())]
        .chars()
        .map(char::len_utf16)
        .sum()
}

/// The mention query at the caret (`caret_utf16`, as `selectionStart` gives it): an `@` (or a
/// full-width `＠`, as Japanese input produces) followed by one to [`MAX_QUERY_CHARS`]
/// characters without whitespace up to the caret. An `@` right after an ASCII letter or digit
/// is part of an e-mail address, not a mention.
pub fn active_query(text: &str, caret_utf16: usize) -> Option<MentionQuery> {
    let end = utf16_to_byte(text, caret_utf16);
    let before = &text[..end];
    for (count, (i, c)) in before.char_indices().rev().enumerate() {
        if c == '@' || c == '＠' {
            let query = &before[i + c.len_utf8()..];
            if query.is_empty() {
                return None;
            }
            if before[..i]
                .chars()
                .next_back()
                .is_some_and(|p| p.is_ascii_alphanumeric())
            {
                return None;
            }
            return Some(MentionQuery {
                start: i,
                end,
                query: query.to_owned(),
            });
        }
        if c.is_whitespace() || count >= MAX_QUERY_CHARS {
            return None;
        }
    }
    None
}

/// The members who may be mentioned in `timeline` (`None`: the default, `care`), without the
/// writer: family members only in the family timeline (the care timeline is for professionals;
/// the server refuses such a mention anyway).
pub fn mentionable(
    members: &[MentionMember],
    timeline: Option<Timeline>,
    me: Option<Uuid>,
) -> Vec<Candidate> {
    let care = timeline.unwrap_or_default() == Timeline::Care;
    members
        .iter()
        .filter(|m| Some(m.person.id) != me)
        .filter(|m| !(care && m.role == MemberRole::Family))
        .map(|m| Candidate {
            user_id: m.person.id,
            display_name: m.person.display_name.clone(),
            profession: m.person.profession,
            reading: m.display_name_kana.clone(),
        })
        .collect()
}

/// The candidates whose name or reading contains `query`, folded (katakana as hiragana,
/// full-width as half-width, spaces ignored), at most [`MAX_SUGGESTIONS`].
pub fn suggestions(candidates: &[Candidate], query: &str) -> Vec<Candidate> {
    candidates
        .iter()
        .filter(|c| kana::matches(query, &[&c.display_name, &c.reading]))
        .take(MAX_SUGGESTIONS)
        .cloned()
        .collect()
}

/// Replaces the query `q` in `text` by `@name ` and returns the new text and the caret after
/// the inserted space, in UTF-16 units.
pub fn insert(text: &str, q: &MentionQuery, name: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len() + name.len() + 2);
    out.push_str(&text[..q.start]);
    out.push('@');
    out.push_str(name);
    out.push(' ');
    let caret = byte_to_utf16(&out, out.len());
    out.push_str(&text[q.end..]);
    (out, caret)
}

/// The recorded mentions whose `@name` is still in `body`, each member once, at most
/// [`MAX_MENTIONS`]: a name the writer deleted again is not mentioned.
pub fn kept_mentions(body: &str, chosen: &[Mention]) -> Vec<Mention> {
    let mut kept: Vec<Mention> = Vec::new();
    for m in chosen {
        let present = body.contains(&format!("@{}", m.display_name));
        if present && !kept.iter().any(|k| k.user_id == m.user_id) {
            kept.push(m.clone());
        }
    }
    kept.truncate(MAX_MENTIONS);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use tsunagu_api::Author;

    fn member(
        n: u128,
        name: &str,
        kana: &str,
        role: MemberRole,
        profession: Profession,
    ) -> MentionMember {
        MentionMember {
            person: Author {
                id: Uuid::from_u128(n),
                display_name: name.into(),
                profession,
                facility_name: None,
            },
            display_name_kana: kana.into(),
            role,
        }
    }

    fn members() -> Vec<MentionMember> {
        vec![
            member(
                1,
                "田中 美咲",
                "たなか みさき",
                MemberRole::Member,
                Profession::Nurse,
            ),
            member(
                2,
                "佐藤 健一",
                "さとう けんいち",
                MemberRole::Admin,
                Profession::Physician,
            ),
            member(
                3,
                "鈴木 由美",
                "すずき ゆみ",
                MemberRole::Admin,
                Profession::CareManager,
            ),
            member(
                4,
                "山田 太郎",
                "やまだ たろう",
                MemberRole::Family,
                Profession::Family,
            ),
            member(
                5,
                "カトウ ハナ",
                "かとう はな",
                MemberRole::Member,
                Profession::Therapist,
            ),
        ]
    }

    fn q(text: &str) -> Option<String> {
        let caret = byte_to_utf16(text, text.len());
        active_query(text, caret).map(|m| m.query)
    }

    #[test]
    fn the_query_is_what_follows_an_at_sign_up_to_the_caret() {
        assert_eq!(q("@た"), Some("た".into()));
        assert_eq!(
            q("お願いします@佐藤"),
            Some("佐藤".into()),
            "no space needed in Japanese"
        );
        assert_eq!(
            q("確認を ＠すず"),
            Some("すず".into()),
            "full-width at sign"
        );
        assert_eq!(q("@"), None, "an at sign alone opens nothing");
        assert_eq!(q("@佐藤 "), None, "a space ends it");
        assert_eq!(q("@佐藤 健一 さん"), None, "after an inserted mention");
        assert_eq!(q("a@b"), None, "an e-mail address");
        assert_eq!(q("mail: nurse@clinic"), None);
        assert_eq!(q("@佐藤\n"), None, "a line break ends it");
        assert_eq!(
            q(&format!("@{}", "あ".repeat(MAX_QUERY_CHARS))).map(|s| s.chars().count()),
            Some(MAX_QUERY_CHARS)
        );
        assert_eq!(
            q(&format!("@{}", "あ".repeat(MAX_QUERY_CHARS + 1))),
            None,
            "too long"
        );
        assert_eq!(q("no mention here"), None);
    }

    #[test]
    fn the_caret_position_counts_utf16_units() {
        // 𠮷 is outside the BMP: two UTF-16 units, four bytes.
        let text = "𠮷@さと 続き";
        let caret = byte_to_utf16(text, text.find(' ').unwrap());
        assert_eq!(caret, 2 + 1 + 2);
        let m = active_query(text, caret).unwrap();
        assert_eq!(m.query, "さと");
        assert_eq!(m.start, "𠮷".len());
        assert_eq!(&text[m.start..m.end], "@さと");
        // In the middle of the text: only what is before the caret counts.
        assert_eq!(active_query(text, 4).unwrap().query, "さ");
        assert_eq!(utf16_to_byte(text, 999), text.len());
        assert_eq!(utf16_to_byte("", 3), 0);
    }

    #[test]
    fn family_members_are_mentionable_only_in_the_family_timeline() {
        let me = Some(Uuid::from_u128(1));
        let care: Vec<String> = mentionable(&members(), Some(Timeline::Care), me)
            .into_iter()
            .map(|c| c.display_name)
            .collect();
        assert_eq!(
            care,
            vec!["佐藤 健一", "鈴木 由美", "カトウ ハナ"],
            "no family, not me"
        );
        let default = mentionable(&members(), None, me);
        assert_eq!(default.len(), 3, "the default timeline is care");
        let family = mentionable(&members(), Some(Timeline::Family), me);
        assert!(family.iter().any(|c| c.display_name == "山田 太郎"));
        assert!(family.iter().all(|c| c.display_name != "田中 美咲"));
    }

    #[test]
    fn suggestions_match_substrings_folding_kana_and_spaces() {
        let all = mentionable(&members(), Some(Timeline::Family), None);
        let names = |query: &str| -> Vec<String> {
            suggestions(&all, query)
                .into_iter()
                .map(|c| c.display_name)
                .collect()
        };
        assert_eq!(names("佐藤"), vec!["佐藤 健一"]);
        assert_eq!(
            names("健一"),
            vec!["佐藤 健一"],
            "a substring, not only the start"
        );
        assert_eq!(names("佐藤健"), vec!["佐藤 健一"], "spaces do not matter");
        assert_eq!(
            names("かとう"),
            vec!["カトウ ハナ"],
            "hiragana finds katakana"
        );
        assert_eq!(names("ｶﾄｳ"), vec!["カトウ ハナ"], "half-width katakana too");
        assert!(names("存在しない").is_empty());
        assert_eq!(names("さと"), vec!["佐藤 健一"], "the reading");
        assert_eq!(
            names("サトウ"),
            vec!["佐藤 健一"],
            "the reading, in katakana or hiragana"
        );
        assert_eq!(
            names("やまだ"),
            vec!["山田 太郎"],
            "family members by their reading too"
        );
        let many: Vec<Candidate> = (0..20)
            .map(|n| Candidate {
                user_id: Uuid::from_u128(n),
                display_name: format!("看護師{n}"),
                profession: Profession::Nurse,
                reading: format!("かんごし{n}"),
            })
            .collect();
        assert_eq!(suggestions(&many, "看護").len(), MAX_SUGGESTIONS);
    }

    #[test]
    fn choosing_replaces_the_query_with_the_name_and_a_space() {
        let text = "確認お願いします @さと 明日まで";
        let caret = byte_to_utf16(text, text.find(" 明日").unwrap());
        let m = active_query(text, caret).unwrap();
        let (out, caret) = insert(text, &m, "佐藤 健一");
        assert_eq!(out, "確認お願いします @佐藤 健一  明日まで");
        assert_eq!(caret, byte_to_utf16(&out, out.find("  明日").unwrap() + 1));
        assert_eq!(
            active_query(&out, caret),
            None,
            "the list closes after choosing"
        );
        let (out, _) = insert("＠す", &active_query("＠す", 2).unwrap(), "鈴木 由美");
        assert_eq!(out, "@鈴木 由美 ");
    }

    #[test]
    fn only_mentions_still_in_the_body_are_sent() {
        let sato = Mention {
            user_id: Uuid::from_u128(2),
            display_name: "佐藤 健一".into(),
        };
        let suzuki = Mention {
            user_id: Uuid::from_u128(3),
            display_name: "鈴木 由美".into(),
        };
        let chosen = vec![sato.clone(), suzuki.clone(), sato.clone()];
        assert_eq!(
            kept_mentions("@佐藤 健一 さん、@鈴木 由美 さん", &chosen),
            vec![sato.clone(), suzuki.clone()],
            "each once"
        );
        assert_eq!(
            kept_mentions("@佐藤 健一 さん、確認お願いします", &chosen),
            vec![sato.clone()],
            "a deleted name is dropped"
        );
        assert_eq!(
            kept_mentions("佐藤 健一 さん", &chosen),
            vec![],
            "the @ was deleted"
        );
    }
}
