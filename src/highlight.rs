//! Splitting user text into plain and marked runs, for rendering as separate text nodes.
//!
//! Post bodies are user input: they are never turned into HTML. Instead these pure functions cut
//! the text into [`Part`]s (byte ranges of the original string) and the components render each
//! part as its own escaped text node, wrapping the marked ones in `<mark>` (search hits) or a
//! mention element (`@表示名`).

use tsunagu_api::kana;
use uuid::Uuid;

/// A run of a text: `text[start..end]`, marked or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part<K> {
    /// Byte offset where the run starts (a char boundary).
    pub start: usize,
    /// Byte offset where the run ends (a char boundary).
    pub end: usize,
    /// `None` for plain text, the kind of mark otherwise.
    pub mark: Option<K>,
}

impl<K> Part<K> {
    /// The run's text in `text`, the string the parts were made from.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// Turns sorted, non-overlapping marked ranges into a full cover of `len` bytes: plain runs fill
/// the gaps, empty runs are dropped.
fn cover<K: Copy>(len: usize, marked: &[(usize, usize, K)]) -> Vec<Part<K>> {
    let mut parts = Vec::with_capacity(marked.len() * 2 + 1);
    let mut at = 0;
    for &(start, end, kind) in marked {
        if start > at {
            parts.push(Part {
                start: at,
                end: start,
                mark: None,
            });
        }
        parts.push(Part {
            start,
            end,
            mark: Some(kind),
        });
        at = end;
    }
    if at < len {
        parts.push(Part {
            start: at,
            end: len,
            mark: None,
        });
    }
    parts
}

/// The occurrences of `query` in `text`, matched as the server's search matches them: both
/// folded (full-/half-width, katakana/hiragana, upper/lower case alike, spaces ignored; see
/// [`kana::fold`]), so 「ｶﾛﾅｰﾙ」 marks 「カロナール」 and 「血圧120」 marks 「血圧 １２０」. Each
/// mark covers the original characters the match came from. Occurrences do not overlap; an
/// empty query marks nothing.
pub fn search_parts(text: &str, query: &str) -> Vec<Part<()>> {
    let needle: Vec<char> = kana::fold(query).chars().collect();
    if needle.is_empty() {
        return cover(text.len(), &[]);
    }
    let (folded, from) = kana::fold_indexed(text);
    let hay: Vec<char> = folded.chars().collect();
    let mut marked: Vec<(usize, usize, ())> = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()] == needle[..] {
            let (start, end) = (from[i].start, from[i + needle.len() - 1].end);
            // A match starting inside a character that folded to two never overlaps the last.
            if marked
                .last()
                .is_none_or(|&(_, last_end, ())| start >= last_end)
            {
                marked.push((start, end, ()));
            }
            i += needle.len();
        } else {
            i += 1;
        }
    }
    cover(text.len(), &marked)
}

/// What a search result shows of a long text: the parts of [`search_parts`] within a window of
/// at most `max_chars` characters that starts `context` characters before the first match (so
/// the match is in view with a little of what led to it), and whether text was left out
/// before and after it (shown as `…`). A text of `max_chars` or fewer is shown whole.
pub fn search_excerpt(
    text: &str,
    query: &str,
    max_chars: usize,
    context: usize,
) -> (Vec<Part<()>>, bool, bool) {
    let parts = search_parts(text, query);
    let total = text.chars().count();
    if total <= max_chars {
        return (parts, false, false);
    }
    let first = parts
        .iter()
        .find(|p| p.mark.is_some())
        .map_or(0, |p| text[..p.start].chars().count());
    // Start early enough for the context, late enough to fill the window.
    let start_char = first.saturating_sub(context).min(total - max_chars);
    let byte_at = |n: usize| text.char_indices().nth(n).map_or(text.len(), |(i, _)| i);
    let (start, end) = (byte_at(start_char), byte_at(start_char + max_chars));
    let clipped = parts
        .into_iter()
        .filter_map(|p| {
            let (s, e) = (p.start.max(start), p.end.min(end));
            (s < e).then_some(Part {
                start: s,
                end: e,
                mark: p.mark,
            })
        })
        .collect();
    (clipped, start > 0, end < text.len())
}

/// How a mention is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MentionMark {
    /// The mentioned member.
    pub user_id: Uuid,
    /// Whether the mentioned member is the reader.
    pub is_me: bool,
}

/// The `@表示名` occurrences of the mentioned members in `body`. Where several names could
/// match at one `@` (`@佐藤` and `@佐藤 花子`), the longest wins; text after a mention is
/// searched again from the end of that mention.
pub fn mention_parts(
    body: &str,
    mentions: &[(Uuid, &str)],
    me: Option<Uuid>,
) -> Vec<Part<MentionMark>> {
    // Longest names first, so the first match at a position is the longest.
    let mut names: Vec<(Uuid, String)> = mentions
        .iter()
        .filter(|(_, name)| !name.trim().is_empty())
        .map(|(id, name)| (*id, format!("@{name}")))
        .collect();
    crate::sort::sort_by_key(&mut names, |(_, n)| std::cmp::Reverse(n.len()));

    let mut marked = Vec::new();
    let mut at = 0;
    while let Some(offset) = body[at..].find('@') {
        let start = at + offset;
        let rest = &body[start..];
        match names.iter().find(|(_, n)| rest.starts_with(n.as_str())) {
            Some((id, n)) => {
                marked.push((
                    start,
                    start + n.len(),
                    MentionMark {
                        user_id: *id,
                        is_me: Some(*id) == me,
                    },
                ));
                at = start + n.len();
            }
            None => at = start + '@'.len_utf8(),
        }
    }
    cover(body.len(), &marked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render<K: Copy>(text: &str, parts: &[Part<K>], wrap: impl Fn(K, &str) -> String) -> String {
        parts
            .iter()
            .map(|p| match p.mark {
                Some(k) => wrap(k, p.text(text)),
                None => p.text(text).to_owned(),
            })
            .collect()
    }

    fn marks(text: &str, q: &str) -> String {
        render(text, &search_parts(text, q), |_, s| format!("[{s}]"))
    }

    #[test]
    fn japanese_substrings_are_marked_wherever_they_occur() {
        assert_eq!(
            marks("褥瘡の処置。褥瘡は改善", "褥瘡"),
            "[褥瘡]の処置。[褥瘡]は改善"
        );
        assert_eq!(marks("体温36.6℃", "36.6"), "体温[36.6]℃");
    }

    #[test]
    fn ascii_letters_match_in_any_case_and_keep_their_own_case() {
        assert_eq!(
            marks("SpO2 96%、spo2 再検", "SPO2"),
            "[SpO2] 96%、[spo2] 再検"
        );
    }

    #[test]
    fn long_texts_are_cut_to_a_window_around_the_first_match() {
        let text = format!("{}褥瘡の処置を変更{}", "あ".repeat(300), "い".repeat(300));
        let (parts, cut_before, cut_after) = search_excerpt(&text, "褥瘡", 100, 20);
        assert!(cut_before && cut_after);
        let shown: String = parts.iter().map(|p| p.text(&text)).collect();
        assert_eq!(shown.chars().count(), 100);
        assert!(shown.starts_with(&"あ".repeat(20)), "{shown}");
        assert_eq!(
            render(&text, &parts, |_, s| format!("[{s}]"))
                .split('[')
                .nth(1)
                .and_then(|s| s.split(']').next()),
            Some("褥瘡")
        );
        // A match near the start: the window starts at the beginning.
        let early = format!("褥瘡{}", "あ".repeat(300));
        let (parts, cut_before, cut_after) = search_excerpt(&early, "褥瘡", 100, 20);
        assert!(!cut_before && cut_after);
        assert_eq!(parts[0].text(&early), "褥瘡");
        // Near the end: the window still holds max_chars characters.
        let late = format!("{}褥瘡", "あ".repeat(300));
        let (parts, cut_before, cut_after) = search_excerpt(&late, "褥瘡", 100, 20);
        assert!(cut_before && !cut_after);
        let shown: String = parts.iter().map(|p| p.text(&late)).collect();
        assert_eq!(shown.chars().count(), 100);
        assert!(shown.ends_with("褥瘡"));
        // Short texts are whole.
        let (parts, a, b) = search_excerpt("短い本文の褥瘡", "褥瘡", 100, 20);
        assert!(!a && !b);
        assert_eq!(
            render("短い本文の褥瘡", &parts, |_, s| format!("[{s}]")),
            "短い本文の[褥瘡]"
        );
    }

    #[test]
    fn widths_kana_and_spaces_fold_as_the_server_search_does() {
        assert_eq!(marks("ＳｐＯ２ 96%", "spo2"), "[ＳｐＯ２] 96%");
        assert_eq!(
            marks("ｶﾛﾅｰﾙ 200mg、カロナール継続", "かろなーる"),
            "[ｶﾛﾅｰﾙ] 200mg、[カロナール]継続"
        );
        assert_eq!(
            marks("血圧 １２０／７０", "血圧120/70"),
            "[血圧 １２０／７０]"
        );
        // A voiced half-width kana is one character: never cut between it and its mark.
        assert_eq!(marks("ｶﾞｰｾﾞ交換", "ぜ"), "ｶﾞｰ[ｾﾞ]交換");
        assert_eq!(marks("ｶﾞｰｾﾞ交換", "か"), "ｶﾞｰｾﾞ交換", "が is not か");
    }

    #[test]
    fn parts_cover_the_text_exactly_and_never_split_characters() {
        let text = "あaAあ";
        let parts = search_parts(text, "a");
        assert_eq!(render(text, &parts, |_, s| format!("[{s}]")), "あ[a][A]あ");
        let mut at = 0;
        for p in &parts {
            assert_eq!(p.start, at);
            assert!(text.is_char_boundary(p.start) && text.is_char_boundary(p.end));
            at = p.end;
        }
        assert_eq!(at, text.len());
    }

    #[test]
    fn empty_or_blank_queries_and_misses_mark_nothing() {
        assert_eq!(marks("本文", "  "), "本文");
        assert_eq!(marks("本文", "褥瘡"), "本文");
        assert!(search_parts("", "a").is_empty());
        // Overlapping candidates: non-overlapping, left to right.
        assert_eq!(marks("ああああ", "ああ"), "[ああ][ああ]");
    }

    #[test]
    fn mentions_are_marked_longest_name_first_and_mine_stand_out() {
        let sato = Uuid::from_u128(1);
        let sato_hanako = Uuid::from_u128(2);
        let me = Uuid::from_u128(3);
        let body = "@佐藤 花子 さん、@佐藤 先生と@田中 美咲 へ。メール a@b も。";
        let parts = mention_parts(
            body,
            &[
                (sato, "佐藤"),
                (sato_hanako, "佐藤 花子"),
                (me, "田中 美咲"),
            ],
            Some(me),
        );
        let out = render(body, &parts, |m, s| {
            if m.is_me {
                format!("<me {s}>")
            } else {
                format!("<{} {s}>", m.user_id.as_u128())
            }
        });
        assert_eq!(
            out,
            "<2 @佐藤 花子> さん、<1 @佐藤> 先生と<me @田中 美咲> へ。メール a@b も。"
        );
    }

    #[test]
    fn text_that_only_looks_like_markup_stays_text() {
        let body = "<b>@佐藤</b>";
        let parts = mention_parts(body, &[(Uuid::from_u128(1), "佐藤")], None);
        let texts: Vec<&str> = parts.iter().map(|p| p.text(body)).collect();
        assert_eq!(texts, vec!["<b>", "@佐藤", "</b>"]);
        assert!(mention_parts("@", &[(Uuid::from_u128(1), "")], None)
            .iter()
            .all(|p| p.mark.is_none()));
    }
}
