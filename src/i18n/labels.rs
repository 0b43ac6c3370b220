//! Labels of the wire enums (professions, facility and group kinds, roles, relationships,
//! timelines), and small phrases built from data (counts, ages, accessible names that include a person's name).

use tsunagu_api::{FacilityKind, GroupKind, MemberRole, Profession, Relationship, Timeline};

use super::{Locale, Msg};

/// Every relationship, in the order the join form offers them.
pub const RELATIONSHIPS: [Relationship; 8] = [
    Relationship::Patient,
    Relationship::Spouse,
    Relationship::Child,
    Relationship::ChildInLaw,
    Relationship::Grandchild,
    Relationship::Sibling,
    Relationship::OtherRelative,
    Relationship::Other,
];

/// Name of a family member's relationship to the patient.
pub fn relationship_label(r: Relationship, locale: Locale) -> &'static str {
    use Relationship::*;
    match locale {
        Locale::Ja => match r {
            Patient => "本人",
            Spouse => "配偶者",
            Child => "子",
            ChildInLaw => "子の配偶者",
            Grandchild => "孫",
            Sibling => "兄弟姉妹",
            OtherRelative => "その他の親族",
            Other => "その他",
        },
        Locale::En => match r {
            Patient => "The patient",
            Spouse => "Spouse",
            Child => "Child",
            ChildInLaw => "Child's spouse",
            Grandchild => "Grandchild",
            Sibling => "Sibling",
            OtherRelative => "Other relative",
            Other => "Other",
        },
    }
}

/// Badge of a member's role.
pub fn role_label(r: MemberRole, locale: Locale) -> &'static str {
    match r {
        MemberRole::Admin => Msg::RoleAdmin.text(locale),
        MemberRole::Member => Msg::RoleMember.text(locale),
        MemberRole::Family => Msg::RoleFamily.text(locale),
    }
}

/// Name of a timeline, as its tab shows it.
pub fn timeline_label(t: Timeline, locale: Locale) -> &'static str {
    match t {
        Timeline::Care => Msg::CareTimeline.text(locale),
        Timeline::Family => Msg::FamilyTimeline.text(locale),
    }
}

/// Accessible text of an unread badge, e.g. `未読 3件` / `3 unread`.
pub fn unread_label(n: u32, locale: Locale) -> String {
    match locale {
        Locale::Ja => format!("未読 {n}件"),
        Locale::En => format!("{n} unread"),
    }
}

/// Link to the physician inbox with its count, e.g. `承認待ち (2)`.
pub fn pending_link(n: usize, locale: Locale) -> String {
    if n == 0 {
        Msg::PendingApprovals.text(locale).to_owned()
    } else {
        format!("{} ({n})", Msg::PendingApprovals.text(locale))
    }
}

/// A person's name with the polite suffix, e.g. `高橋 誠さん` / `高橋 誠`.
pub fn honorific(name: &str, locale: Locale) -> String {
    match locale {
        Locale::Ja => format!("{name}さん"),
        Locale::En => name.to_owned(),
    }
}

/// Which action an accessible name is for, see [`person_action`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonAction {
    /// Add to the group.
    Add,
    /// Make admin.
    MakeAdmin,
    /// Make member.
    MakeMember,
    /// Remove from the group.
    Remove,
    /// Approve their invitation.
    Approve,
    /// Decline their invitation.
    Decline,
    /// Open a direct message.
    Message,
    /// Choose in a form.
    Choose,
}

/// Accessible name of a button acting on a person, e.g. `高橋 誠さんを追加`.
pub fn person_action(action: PersonAction, name: &str, locale: Locale) -> String {
    use PersonAction::*;
    match locale {
        Locale::Ja => match action {
            Add => format!("{name}さんを追加"),
            MakeAdmin => format!("{name}さんを管理者にする"),
            MakeMember => format!("{name}さんをメンバーにする"),
            Remove => format!("{name}さんを削除"),
            Approve => format!("{name}さんの招待を承認"),
            Decline => format!("{name}さんの招待を辞退"),
            Message => format!("{name}さんにメッセージ"),
            Choose => format!("{name}さんを選択"),
        },
        Locale::En => match action {
            Add => format!("Add {name}"),
            MakeAdmin => format!("Make {name} an admin"),
            MakeMember => format!("Make {name} a member"),
            Remove => format!("Remove {name}"),
            Approve => format!("Approve the invitation of {name}"),
            Decline => format!("Decline the invitation of {name}"),
            Message => format!("Message {name}"),
            Choose => format!("Choose {name}"),
        },
    }
}

/// Accessible name of approving or declining a request about the physician, e.g.
/// `主治医の削除依頼（佐藤 健一さん）を承認`; `who` is `None` for a change to no physician.
pub fn request_action(approve: bool, request: &str, who: Option<&str>, locale: Locale) -> String {
    match locale {
        Locale::Ja => {
            let who = who.map_or_else(|| "主治医なし".to_owned(), |n| format!("{n}さん"));
            let verb = if approve { "承認" } else { "辞退" };
            format!("{request}（{who}）を{verb}")
        }
        Locale::En => {
            let who = who.unwrap_or("no attending physician");
            let verb = if approve { "Approve" } else { "Decline" };
            format!("{verb}: {request} ({who})")
        }
    }
}

/// Heading of the join page, e.g. `山田 花子 様に招待されています`.
pub fn invited_to(group: &str, locale: Locale) -> String {
    match locale {
        Locale::Ja => format!("{group}に招待されています"),
        Locale::En => format!("You are invited to {group}"),
    }
}

/// Age in whole years on `today` of someone born on `birth` (both `YYYY-MM-DD`).
pub fn age_on(birth: &str, today: &str) -> Option<u32> {
    let parse = |s: &str| -> Option<(i32, u32, u32)> {
        let mut it = s.splitn(3, '-');
        Some((
            it.next()?.parse().ok()?,
            it.next()?.parse().ok()?,
            it.next()?.get(..2)?.parse().ok()?,
        ))
    };
    let (by, bm, bd) = parse(birth)?;
    let (ty, tm, td) = parse(today)?;
    let mut age = ty - by;
    if (tm, td) < (bm, bd) {
        age -= 1;
    }
    u32::try_from(age).ok()
}

/// Birth date with age, e.g. `1940-04-01（86歳）` / `1940-04-01 (age 86)`.
pub fn birth_with_age(birth: &str, age: Option<u32>, locale: Locale) -> String {
    match (age, locale) {
        (Some(a), Locale::Ja) => format!("{birth}（{a}歳）"),
        (Some(a), Locale::En) => format!("{birth} (age {a})"),
        (None, _) => birth.to_owned(),
    }
}

/// Name of a profession.
pub fn profession_label(p: Profession, locale: Locale) -> &'static str {
    use Profession::*;
    match locale {
        Locale::Ja => match p {
            Physician => "医師",
            Dentist => "歯科医師",
            Pharmacist => "薬剤師",
            Nurse => "看護師",
            CareManager => "ケアマネジャー",
            CareWorker => "介護職",
            Therapist => "リハビリ職",
            SocialWorker => "ソーシャルワーカー",
            Administrative => "事務職",
            Family => "家族",
            Other => "その他",
        },
        Locale::En => match p {
            Physician => "Physician",
            Dentist => "Dentist",
            Pharmacist => "Pharmacist",
            Nurse => "Nurse",
            CareManager => "Care manager",
            CareWorker => "Care worker",
            Therapist => "Therapist",
            SocialWorker => "Social worker",
            Administrative => "Administrative staff",
            Family => "Family",
            Other => "Other",
        },
    }
}

/// Name of a facility type, as in the medical association's registration table.
pub fn facility_kind_label(k: FacilityKind, locale: Locale) -> &'static str {
    use FacilityKind::*;
    match locale {
        Locale::Ja => match k {
            Clinic => "医科診療所",
            Hospital => "病院",
            DentalClinic => "歯科診療所",
            Pharmacy => "保険薬局",
            CareManagementOffice => "居宅介護支援事業所",
            HomeNursingStation => "訪問看護ステーション",
            HomeHelpOffice => "訪問介護事業所",
            CommunitySupportCenter => "地域包括支援センター",
            Municipality => "行政",
            Other => "その他",
        },
        Locale::En => match k {
            Clinic => "Clinic",
            Hospital => "Hospital",
            DentalClinic => "Dental clinic",
            Pharmacy => "Pharmacy",
            CareManagementOffice => "Care management office",
            HomeNursingStation => "Home-visit nursing station",
            HomeHelpOffice => "Home-help office",
            CommunitySupportCenter => "Community support center",
            Municipality => "Municipality",
            Other => "Other",
        },
    }
}

/// Short label of a group kind.
pub fn group_kind_label(k: GroupKind, locale: Locale) -> &'static str {
    match (k, locale) {
        (GroupKind::Patient, Locale::Ja) => "患者",
        (GroupKind::Workplace, Locale::Ja) => "職場",
        (GroupKind::Direct, Locale::Ja) => "ダイレクト",
        (GroupKind::Patient, Locale::En) => "Patient",
        (GroupKind::Workplace, Locale::En) => "Workplace",
        (GroupKind::Direct, Locale::En) => "Direct",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationships_are_translated() {
        for r in RELATIONSHIPS {
            assert_ne!(
                relationship_label(r, Locale::Ja),
                relationship_label(r, Locale::En)
            );
        }
        assert_eq!(
            relationship_label(Relationship::ChildInLaw, Locale::Ja),
            "子の配偶者"
        );
    }

    #[test]
    fn phrases() {
        assert_eq!(unread_label(3, Locale::Ja), "未読 3件");
        assert_eq!(
            person_action(PersonAction::Add, "高橋 誠", Locale::Ja),
            "高橋 誠さんを追加"
        );
        assert_eq!(
            person_action(PersonAction::Message, "高橋 誠", Locale::Ja),
            "高橋 誠さんにメッセージ"
        );
        assert_eq!(
            request_action(true, "主治医の削除依頼", Some("佐藤 健一"), Locale::Ja),
            "主治医の削除依頼（佐藤 健一さん）を承認"
        );
        assert_eq!(
            request_action(false, "主治医の変更依頼", None, Locale::Ja),
            "主治医の変更依頼（主治医なし）を辞退"
        );
        assert_eq!(pending_link(0, Locale::Ja), "承認待ち");
        assert_eq!(pending_link(2, Locale::Ja), "承認待ち (2)");
        assert_eq!(
            invited_to("山田 花子 様", Locale::Ja),
            "山田 花子 様に招待されています"
        );
        assert_eq!(timeline_label(Timeline::Family, Locale::Ja), "家族と共有");
        assert_eq!(role_label(MemberRole::Admin, Locale::Ja), "管理者");
    }

    #[test]
    fn ages() {
        assert_eq!(age_on("1940-04-01", "2026-03-31"), Some(85));
        assert_eq!(age_on("1940-04-01", "2026-04-01"), Some(86));
        assert_eq!(age_on("bad", "2026-04-01"), None);
        assert_eq!(
            birth_with_age("1940-04-01", Some(86), Locale::Ja),
            "1940-04-01（86歳）"
        );
    }

    #[test]
    fn enum_labels_are_translated() {
        use FacilityKind as F;
        use Profession as P;
        let professions = [
            P::Physician,
            P::Dentist,
            P::Pharmacist,
            P::Nurse,
            P::CareManager,
            P::CareWorker,
            P::Therapist,
            P::SocialWorker,
            P::Administrative,
            P::Family,
            P::Other,
        ];
        for p in professions {
            assert_ne!(
                profession_label(p, Locale::Ja),
                profession_label(p, Locale::En)
            );
        }
        let facilities = [
            F::Clinic,
            F::Hospital,
            F::DentalClinic,
            F::Pharmacy,
            F::CareManagementOffice,
            F::HomeNursingStation,
            F::HomeHelpOffice,
            F::CommunitySupportCenter,
            F::Municipality,
            F::Other,
        ];
        for f in facilities {
            assert_ne!(
                facility_kind_label(f, Locale::Ja),
                facility_kind_label(f, Locale::En)
            );
        }
        for g in [GroupKind::Patient, GroupKind::Workplace, GroupKind::Direct] {
            assert_ne!(
                group_kind_label(g, Locale::Ja),
                group_kind_label(g, Locale::En)
            );
        }
        assert_eq!(group_kind_label(GroupKind::Patient, Locale::Ja), "患者");
    }
}
