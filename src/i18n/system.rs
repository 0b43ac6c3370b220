//! Phrasing of system entries (membership changes) in a timeline and on the home list.

use tsunagu_api::{PostPreview, Profession, SystemEvent, SystemEventKind};

use super::labels::honorific;
use super::Locale;

/// Every kind of system entry, for completeness tests.
pub const ALL_KINDS: [SystemEventKind; 15] = [
    SystemEventKind::GroupCreated,
    SystemEventKind::MemberAdded,
    SystemEventKind::InvitationPending,
    SystemEventKind::InvitationApproved,
    SystemEventKind::InvitationDeclined,
    SystemEventKind::MemberJoined,
    SystemEventKind::MemberRemoved,
    SystemEventKind::MemberLeft,
    SystemEventKind::RoleChanged,
    SystemEventKind::GroupArchived,
    SystemEventKind::ProfileUpdated,
    SystemEventKind::PhysicianChangeRequested,
    SystemEventKind::PhysicianChanged,
    SystemEventKind::PhysicianRuleChanged,
    SystemEventKind::Unknown,
];

/// A person named in an entry: `Some((name, is_physician))`.
type Named<'a> = Option<(&'a str, bool)>;

/// The sentence of a system entry, e.g.
/// `鈴木 由美さんが高橋 誠さんを招待しました（主治医の承認待ち）`.
pub fn system_event_text(ev: &SystemEvent, locale: Locale) -> String {
    let actor = ev.actor.as_ref().map(|a| {
        (
            a.display_name.as_str(),
            a.profession == Profession::Physician,
        )
    });
    let subject = ev.subject.as_ref().map(|a| {
        (
            a.display_name.as_str(),
            a.profession == Profession::Physician,
        )
    });
    phrase(ev.kind, actor, subject, ev.detail.as_deref(), locale)
}

/// The home list's phrase for a system entry, which carries no names.
pub fn system_preview_text(preview: &PostPreview, locale: Locale) -> Option<String> {
    preview.system.map(|kind| match (kind, locale) {
        // Without names, "handed over" and "cleared" cannot be told apart.
        (SystemEventKind::PhysicianChanged, Locale::Ja) => "主治医が変わりました".to_owned(),
        (SystemEventKind::PhysicianChanged, Locale::En) => {
            "The attending physician changed".to_owned()
        }
        _ => phrase(kind, None, None, None, locale),
    })
}

fn who(p: Named<'_>, locale: Locale) -> String {
    match (p, locale) {
        (Some((name, _)), _) => honorific(name, locale),
        (None, Locale::Ja) => "メンバー".to_owned(),
        (None, Locale::En) => "A member".to_owned(),
    }
}

/// The physician's name with their role, e.g. `佐藤 健一さん（主治医）`.
fn physician(p: Named<'_>, locale: Locale) -> String {
    match (p, locale) {
        (Some((name, _)), Locale::Ja) => format!("{name}さん（主治医）"),
        (Some((name, _)), Locale::En) => format!("{name} (attending physician)"),
        (None, Locale::Ja) => "主治医".to_owned(),
        (None, Locale::En) => "The attending physician".to_owned(),
    }
}

fn phrase(
    kind: SystemEventKind,
    actor: Named<'_>,
    subject: Named<'_>,
    detail: Option<&str>,
    locale: Locale,
) -> String {
    use SystemEventKind::*;
    let a = who(actor, locale);
    let s = who(subject, locale);
    let en_s = match subject {
        Some((name, _)) => name.to_owned(),
        None => "a member".to_owned(),
    };
    let admin_role = detail == Some("admin");
    let inform_only = detail == Some("inform_only");
    match locale {
        Locale::Ja => match kind {
            GroupCreated => format!("{a}がグループを作成しました"),
            MemberAdded => format!("{a}が{s}を追加しました"),
            InvitationPending => format!("{a}が{s}を招待しました（主治医の承認待ち）"),
            InvitationApproved => format!("{}が承認しました（{s}）", physician(actor, locale)),
            InvitationDeclined => {
                let on = if subject.is_some() {
                    format!("（{s}）")
                } else {
                    "（主治医の変更依頼）".to_owned()
                };
                match detail {
                    Some(r) if !r.is_empty() => {
                        format!("{}が辞退しました{on}。理由: {r}", physician(actor, locale))
                    }
                    _ => format!("{}が辞退しました{on}", physician(actor, locale)),
                }
            }
            MemberJoined => format!("{s}が参加しました"),
            MemberRemoved => format!("{a}が{s}を削除しました"),
            MemberLeft => format!("{s}が退出しました"),
            RoleChanged if admin_role => format!("{a}が{s}を管理者にしました"),
            RoleChanged => format!("{a}が{s}をメンバーにしました"),
            GroupArchived => format!("{a}がグループをアーカイブしました"),
            ProfileUpdated => format!("{a}が患者情報を更新しました"),
            PhysicianChangeRequested => match detail {
                Some("remove") => {
                    format!("{a}が{}の削除を依頼しました（主治医の承認待ち）", physician(subject, locale))
                }
                Some("clear") => format!("{a}が主治医の解除を依頼しました（主治医の承認待ち）"),
                _ => format!("{a}が主治医を{s}に変更するよう依頼しました（主治医の承認待ち）"),
            },
            PhysicianChanged if subject.is_some() => format!("{a}が主治医を{s}に引き継ぎました"),
            PhysicianChanged => format!("{a}が主治医を未設定にしました"),
            PhysicianRuleChanged if inform_only => {
                format!("{a}が、主治医以外の管理者の招待をすぐに参加する設定にしました")
            }
            PhysicianRuleChanged => {
                format!("{a}が、主治医以外の管理者の招待を主治医の承認待ちにする設定にしました")
            }
            Unknown => "グループの情報が更新されました".to_owned(),
        },
        Locale::En => match kind {
            GroupCreated => format!("{a} created the group"),
            MemberAdded => format!("{a} added {en_s}"),
            InvitationPending => {
                format!("{a} invited {en_s} (awaiting the attending physician's approval)")
            }
            InvitationApproved => format!("{} approved ({en_s})", physician(actor, locale)),
            InvitationDeclined => {
                let on = if subject.is_some() {
                    en_s.clone()
                } else {
                    "the request to change the attending physician".to_owned()
                };
                match detail {
                    Some(r) if !r.is_empty() => {
                        format!("{} declined ({on}). Reason: {r}", physician(actor, locale))
                    }
                    _ => format!("{} declined ({on})", physician(actor, locale)),
                }
            }
            MemberJoined => format!("{} joined", capitalise(&en_s)),
            MemberRemoved => format!("{a} removed {en_s}"),
            MemberLeft => format!("{} left", capitalise(&en_s)),
            RoleChanged if admin_role => format!("{a} made {en_s} an admin"),
            RoleChanged => format!("{a} made {en_s} a member"),
            GroupArchived => format!("{a} archived the group"),
            ProfileUpdated => format!("{a} updated the patient's profile"),
            PhysicianChangeRequested => match detail {
                Some("remove") => format!(
                    "{a} asked to remove {} (awaiting the attending physician's approval)",
                    physician(subject, locale)
                ),
                Some("clear") => format!(
                    "{a} asked to leave the group without an attending physician (awaiting the attending physician's approval)"
                ),
                _ => format!(
                    "{a} asked to make {en_s} the attending physician (awaiting the attending physician's approval)"
                ),
            },
            PhysicianChanged if subject.is_some() => {
                format!("{a} handed the attending physician role to {en_s}")
            }
            PhysicianChanged => format!("{a} left the group without an attending physician"),
            PhysicianRuleChanged if inform_only => format!(
                "{a} let invitations by other admins take effect at once"
            ),
            PhysicianRuleChanged => format!(
                "{a} made invitations by other admins wait for the attending physician's approval"
            ),
            Unknown => "The group was updated".to_owned(),
        },
    }
}

/// `s` with its first letter upper-cased when it is ASCII ("someone" → "Someone"; names keep
/// their spelling). Not `char::to_uppercase`, whose Unicode tables cost ~3 KiB of download.
fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => std::iter::once(f.to_ascii_uppercase()).chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tsunagu_api::Author;
    use uuid::Uuid;

    fn person(name: &str, profession: Profession) -> Author {
        Author {
            id: Uuid::nil(),
            display_name: name.into(),
            profession,
            facility_name: None,
        }
    }

    fn ev(kind: SystemEventKind, detail: Option<&str>) -> SystemEvent {
        let physician_acts = matches!(
            kind,
            SystemEventKind::InvitationApproved | SystemEventKind::InvitationDeclined
        );
        SystemEvent {
            kind,
            actor: Some(if physician_acts {
                person("佐藤 健一", Profession::Physician)
            } else {
                person("鈴木 由美", Profession::CareManager)
            }),
            subject: Some(person("高橋 誠", Profession::Pharmacist)),
            detail: detail.map(str::to_owned),
        }
    }

    #[test]
    fn required_japanese_phrases() {
        let ja = |k, d| system_event_text(&ev(k, d), Locale::Ja);
        assert_eq!(
            ja(SystemEventKind::InvitationPending, None),
            "鈴木 由美さんが高橋 誠さんを招待しました（主治医の承認待ち）"
        );
        assert!(ja(SystemEventKind::InvitationApproved, None)
            .starts_with("佐藤 健一さん（主治医）が承認しました"));
        assert!(
            ja(SystemEventKind::InvitationDeclined, Some("担当外のため"))
                .ends_with("が辞退しました（高橋 誠さん）。理由: 担当外のため")
        );
        let mut joined = ev(SystemEventKind::MemberJoined, None);
        joined.subject = Some(person("山田 太郎", Profession::Family));
        assert_eq!(
            system_event_text(&joined, Locale::Ja),
            "山田 太郎さんが参加しました"
        );
    }

    #[test]
    fn every_kind_is_phrased_in_both_languages() {
        for kind in ALL_KINDS {
            let e = ev(kind, Some("admin"));
            let ja = system_event_text(&e, Locale::Ja);
            let en = system_event_text(&e, Locale::En);
            assert!(!ja.is_empty() && !en.is_empty(), "{kind:?}");
            assert_ne!(ja, en, "{kind:?}");
            let preview = PostPreview {
                timeline: tsunagu_api::Timeline::Care,
                author_name: None,
                excerpt: String::new(),
                system: Some(kind),
                created_at: chrono::Utc::now(),
            };
            let pj = system_preview_text(&preview, Locale::Ja).unwrap();
            let pe = system_preview_text(&preview, Locale::En).unwrap();
            assert_ne!(pj, pe, "{kind:?}");
        }
    }

    #[test]
    fn physician_changes_say_who_asked_and_what_waits() {
        let ja = |k, d| system_event_text(&ev(k, d), Locale::Ja);
        assert_eq!(
            ja(SystemEventKind::PhysicianChangeRequested, Some("change")),
            "鈴木 由美さんが主治医を高橋 誠さんに変更するよう依頼しました（主治医の承認待ち）"
        );
        let mut removal = ev(SystemEventKind::PhysicianChangeRequested, Some("remove"));
        removal.subject = Some(person("佐藤 健一", Profession::Physician));
        assert_eq!(
            system_event_text(&removal, Locale::Ja),
            "鈴木 由美さんが佐藤 健一さん（主治医）の削除を依頼しました（主治医の承認待ち）"
        );
        let mut cleared = ev(SystemEventKind::PhysicianChanged, None);
        cleared.subject = None;
        assert_eq!(
            system_event_text(&cleared, Locale::Ja),
            "鈴木 由美さんが主治医を未設定にしました"
        );
        let mut declined = ev(SystemEventKind::InvitationDeclined, Some("継続します"));
        declined.subject = None;
        assert!(system_event_text(&declined, Locale::Ja)
            .ends_with("が辞退しました（主治医の変更依頼）。理由: 継続します"));
        assert_ne!(
            ja(SystemEventKind::PhysicianRuleChanged, Some("inform_only")),
            ja(
                SystemEventKind::PhysicianRuleChanged,
                Some("approval_required")
            )
        );
    }

    #[test]
    fn role_changes_name_the_new_role() {
        let ja = system_event_text(&ev(SystemEventKind::RoleChanged, Some("admin")), Locale::Ja);
        assert_eq!(ja, "鈴木 由美さんが高橋 誠さんを管理者にしました");
        let en = system_event_text(
            &ev(SystemEventKind::RoleChanged, Some("member")),
            Locale::En,
        );
        assert_eq!(en, "鈴木 由美 made 高橋 誠 a member");
    }
}
