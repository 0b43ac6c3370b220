//! The words of every mail the server sends, as pure functions. A notification names at most
//! the group (and not even that with `--mail-without-names`) and links to it; never a post's
//! text, its author or an attachment, since mail crosses servers we do not run and shows on
//! lock screens. Japanese first, one English line after.

use chrono::{DateTime, FixedOffset, Utc};
use tsunagu_api::GroupKind;
use uuid::Uuid;

/// What every subject starts with, so mail filters and people recognise it.
const BRAND: &str = "【つなぐ】";
const URGENT: &str = "【至急】";

/// Where the reader changes these mails.
const FOOTER: &str = "このメールは送信専用です。受け取り方は、つなぐの「アカウント → メール通知」で変更・停止できます。\n\
You can change or stop these mails in Tsunagu: Account → E-mail notifications.";

/// A group as a mail may name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupRef<'a> {
    pub id: Uuid,
    pub kind: GroupKind,
    /// The name to show: a patient group's patient (or its name), a workplace group's name;
    /// `None` when mails name no group. Unused for direct messages.
    pub name: Option<&'a str>,
}

/// A mail's subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub subject: String,
    pub body: String,
}

/// The name a patient group goes by in a mail: the patient's name when recorded, else the
/// group's, without a trailing 様 (the mail adds its own).
pub fn patient_label<'a>(group_name: &'a str, patient_name: Option<&'a str>) -> &'a str {
    let name = patient_name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(group_name)
        .trim();
    name.strip_suffix('様').map_or(name, str::trim_end)
}

/// How a group is called in a sentence: 「山田 花子 様のグループ」, 「「あおば連絡」」,
/// 「個別メッセージ」.
fn group_words(group: &GroupRef<'_>) -> String {
    match (group.kind, group.name) {
        (GroupKind::Direct, _) => "個別メッセージ".to_owned(),
        (GroupKind::Patient, Some(name)) => format!("{name} 様のグループ"),
        (GroupKind::Patient, None) => "患者グループ".to_owned(),
        (_, Some(name)) => format!("「{name}」"),
        (_, None) => "職場グループ".to_owned(),
    }
}

/// The sentence of an immediate notification, without the brand.
fn post_sentence(group: &GroupRef<'_>) -> String {
    match group.kind {
        GroupKind::Direct => "個別メッセージが届きました".to_owned(),
        _ => format!("{}に新しい投稿があります", group_words(group)),
    }
}

fn post_english(group: &GroupRef<'_>, urgent: bool) -> String {
    let what = match group.kind {
        GroupKind::Direct => "You have a new direct message in Tsunagu.",
        GroupKind::Patient => "There is a new post in a patient group in Tsunagu.",
        _ => "There is a new post in a workplace group in Tsunagu.",
    };
    if urgent {
        format!("URGENT: {what}")
    } else {
        what.to_owned()
    }
}

/// The link to a group in the app.
pub fn group_link(public_url: &str, group: Uuid) -> String {
    format!("{}/groups/{group}", public_url.trim_end_matches('/'))
}

/// The mail about one new post (immediate mode).
pub fn post_mail(group: &GroupRef<'_>, urgent: bool, public_url: &str) -> Text {
    let urgent_mark = if urgent { URGENT } else { "" };
    let sentence = post_sentence(group);
    Text {
        subject: format!("{urgent_mark}{BRAND}{sentence}"),
        body: format!(
            "{urgent_mark}{sentence}。\n{}\n\n{}\n\n投稿の内容はメールには載せていません。つなぐを開いてご確認ください。\n\
             The message itself is not in this mail: open Tsunagu to read it.\n\n--\n{FOOTER}\n",
            post_english(group, urgent),
            group_link(public_url, group.id),
        ),
    }
}

/// One line of a digest: a group and how many new posts it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestLine<'a> {
    pub group: GroupRef<'a>,
    pub count: u32,
}

/// The digest mail listing groups with new posts; `None` when there are none.
pub fn digest_mail(lines: &[DigestLine<'_>], public_url: &str) -> Option<Text> {
    let total: u32 = lines.iter().map(|l| l.count).fold(0, u32::saturating_add);
    if total == 0 {
        return None;
    }
    let mut list = String::new();
    for line in lines.iter().filter(|l| l.count > 0) {
        list.push_str(&format!(
            "{}: {}件\n  {}\n",
            group_words(&line.group),
            line.count,
            group_link(public_url, line.group.id)
        ));
    }
    let plural = if total == 1 { "post" } else { "posts" };
    Some(Text {
        subject: format!("{BRAND}新しい投稿が {total} 件あります"),
        body: format!(
            "前回のお知らせ以降、まだ読んでいない新しい投稿が {total} 件あります。\n\
             You have {total} new unread {plural} in Tsunagu.\n\n{list}\n\
             投稿の内容はメールには載せていません。つなぐを開いてご確認ください。\n\
             The messages themselves are not in this mail: open Tsunagu to read them.\n\n--\n{FOOTER}\n"
        ),
    })
}

/// The confirmation mail of a new address: the code and until when it works, nothing else.
pub fn code_mail(code: &str, expires_at: DateTime<Utc>, valid_minutes: i64) -> Text {
    let japan = FixedOffset::east_opt(9 * 3600).expect("UTC+9 is a valid offset");
    let until = expires_at.with_timezone(&japan).format("%Y-%m-%d %H:%M");
    Text {
        subject: format!("{BRAND}メールアドレスの確認コード"),
        body: format!(
            "確認コード: {code}\n\
             有効期限: {until}（日本時間、{valid_minutes} 分間有効）\n\n\
             Confirmation code: {code} (valid for {valid_minutes} minutes, until {until} JST)\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://tsunagu.example.jp";

    fn group(kind: GroupKind, name: Option<&str>) -> GroupRef<'_> {
        GroupRef {
            id: Uuid::from_u128(7),
            kind,
            name,
        }
    }

    #[test]
    fn a_patient_group_is_named_with_sama_once() {
        assert_eq!(patient_label("山田 花子 様", None), "山田 花子");
        assert_eq!(
            patient_label("山田 花子 様", Some("山田 花子")),
            "山田 花子"
        );
        assert_eq!(patient_label("山田さん", Some("  ")), "山田さん");
        let mail = post_mail(&group(GroupKind::Patient, Some("山田 花子")), false, URL);
        assert_eq!(
            mail.subject,
            "【つなぐ】山田 花子 様のグループに新しい投稿があります"
        );
        assert!(mail
            .body
            .starts_with("山田 花子 様のグループに新しい投稿があります。\n"));
        assert!(mail
            .body
            .contains(&format!("{URL}/groups/{}", Uuid::from_u128(7))));
        assert!(mail.body.contains("アカウント → メール通知"));
    }

    #[test]
    fn workplace_direct_and_urgent_subjects() {
        let url = format!("{URL}/");
        assert_eq!(
            post_mail(
                &group(GroupKind::Workplace, Some("あおば連絡")),
                false,
                &url
            )
            .subject,
            "【つなぐ】「あおば連絡」に新しい投稿があります"
        );
        let direct = post_mail(&group(GroupKind::Direct, Some("佐藤 医師")), false, &url);
        assert_eq!(direct.subject, "【つなぐ】個別メッセージが届きました");
        assert!(!direct.body.contains("佐藤"), "no sender: {}", direct.body);
        assert!(direct.body.contains(&format!("{URL}/groups/")), "one slash");
        let urgent = post_mail(&group(GroupKind::Patient, Some("山田 花子")), true, URL);
        assert_eq!(
            urgent.subject,
            "【至急】【つなぐ】山田 花子 様のグループに新しい投稿があります"
        );
        assert!(urgent.body.contains("URGENT"));
    }

    #[test]
    fn without_names_a_mail_says_only_the_kind() {
        let mail = post_mail(&group(GroupKind::Patient, None), false, URL);
        assert_eq!(mail.subject, "【つなぐ】患者グループに新しい投稿があります");
        assert_eq!(
            post_mail(&group(GroupKind::Workplace, None), false, URL).subject,
            "【つなぐ】職場グループに新しい投稿があります"
        );
    }

    #[test]
    fn a_digest_lists_each_group_with_its_count() {
        let a = GroupRef {
            id: Uuid::from_u128(1),
            kind: GroupKind::Patient,
            name: Some("山田 花子"),
        };
        let b = GroupRef {
            id: Uuid::from_u128(2),
            kind: GroupKind::Workplace,
            name: Some("あおば連絡"),
        };
        let c = GroupRef {
            id: Uuid::from_u128(3),
            kind: GroupKind::Direct,
            name: None,
        };
        let mail = digest_mail(
            &[
                DigestLine { group: a, count: 2 },
                DigestLine { group: b, count: 1 },
                DigestLine { group: c, count: 0 },
            ],
            URL,
        )
        .unwrap();
        assert_eq!(mail.subject, "【つなぐ】新しい投稿が 3 件あります");
        assert!(
            mail.body.contains("山田 花子 様のグループ: 2件"),
            "{}",
            mail.body
        );
        assert!(mail.body.contains("「あおば連絡」: 1件"));
        assert!(mail.body.contains(&group_link(URL, Uuid::from_u128(1))));
        assert!(!mail.body.contains("個別メッセージ"), "no line for zero");
        assert_eq!(digest_mail(&[DigestLine { group: c, count: 0 }], URL), None);
        assert_eq!(digest_mail(&[], URL), None);
    }

    #[test]
    fn the_code_mail_holds_the_code_and_its_expiry_in_japan_time() {
        let at = DateTime::parse_from_rfc3339("2026-12-03T12:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mail = code_mail("042917", at, 30);
        assert_eq!(mail.subject, "【つなぐ】メールアドレスの確認コード");
        assert!(mail.body.contains("確認コード: 042917"));
        assert!(mail.body.contains("2026-12-03 21:30"), "{}", mail.body);
    }
}
