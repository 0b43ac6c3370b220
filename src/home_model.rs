//! Pure logic of the home list: my groups split into sections (patient, workplace, direct),
//! each sorted by latest activity and narrowed by the filter.

use chrono::{DateTime, Utc};
use tsunagu_api::{Group, GroupKind, LiveEvent};
use uuid::Uuid;

use crate::kana;

/// The sections of the home list, in display order.
pub const SECTIONS: [GroupKind; 3] = [GroupKind::Patient, GroupKind::Workplace, GroupKind::Direct];

/// The name a group is shown under: a direct message is named after the other person.
pub fn display_name(g: &Group) -> String {
    match (&g.peer, g.kind) {
        (Some(peer), GroupKind::Direct) => peer.display_name.clone(),
        _ => g.name.clone(),
    }
}

/// Time of the latest activity of a group: its newest post, else its creation.
pub fn last_activity(g: &Group) -> DateTime<Utc> {
    g.last_post
        .as_ref()
        .map(|p| p.created_at)
        .or(g.last_post_at)
        .unwrap_or(g.created_at)
}

/// Whether a group matches the filter text (name, kana, or the DM peer's name).
pub fn group_matches(g: &Group, filter: &str) -> bool {
    let kana = g.name_kana.as_deref().unwrap_or("");
    let patient_kana = g
        .patient
        .as_ref()
        .map(|p| p.name_kana.as_str())
        .unwrap_or("");
    let peer = g
        .peer
        .as_ref()
        .map(|p| p.display_name.as_str())
        .unwrap_or("");
    kana::matches(filter, &[&g.name, kana, patient_kana, peer])
}

/// The groups of each section that match `filter`, latest activity first; empty sections are
/// kept (the caller decides whether to show them).
pub fn sections(groups: &[Group], filter: &str) -> Vec<(GroupKind, Vec<Group>)> {
    SECTIONS
        .iter()
        .map(|&kind| {
            let mut items: Vec<Group> = groups
                .iter()
                .filter(|g| g.kind == kind && group_matches(g, filter))
                .cloned()
                .collect();
            crate::sort::sort_by(&mut items, |a, b| {
                last_activity(b)
                    .cmp(&last_activity(a))
                    .then(a.id.cmp(&b.id))
            });
            (kind, items)
        })
        .collect()
}

/// Whether a live event changes what the group list shows (order, unread and mention counts,
/// previews, membership) for the user `me`.
pub fn changes_group_list(event: &LiveEvent, me: Option<Uuid>) -> bool {
    match event {
        LiveEvent::PostCreated(_)
        | LiveEvent::PostUpdated(_)
        | LiveEvent::PostDeleted(_)
        | LiveEvent::MemberChanged(_)
        | LiveEvent::Reset(_) => true,
        // Only my own marker changes my unread counts.
        LiveEvent::ReadUpdated(r) => me == Some(r.reader.id),
        LiveEvent::AckUpdated(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tsunagu_api::{
        Author, GroupChange, MemberRole, PostPreview, Profession, ReadUpdate, Timeline,
    };

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap()
    }

    fn group(n: u128, kind: GroupKind, name: &str, kana: Option<&str>, last: Option<i64>) -> Group {
        Group {
            id: Uuid::from_u128(n),
            kind,
            name: name.into(),
            name_kana: kana.map(str::to_owned),
            my_role: MemberRole::Member,
            member_count: 3,
            created_at: t(0),
            last_post_at: last.map(t),
            archived: false,
            muted: false,
            timelines: vec![Timeline::Care],
            unread_count: 0,
            mention_count: 0,
            last_post: last.map(|s| PostPreview {
                timeline: Timeline::Care,
                author_name: Some("x".into()),
                excerpt: "y".into(),
                system: None,
                created_at: t(s),
            }),
            patient: None,
            physician_rule: None,
            peer: None,
        }
    }

    fn names(s: &[(GroupKind, Vec<Group>)], i: usize) -> Vec<String> {
        s[i].1.iter().map(|g| g.name.clone()).collect()
    }

    #[test]
    fn groups_are_split_by_kind_and_sorted_by_activity() {
        let groups = vec![
            group(
                1,
                GroupKind::Patient,
                "山田 花子 様",
                Some("やまだ はなこ"),
                Some(10),
            ),
            group(
                2,
                GroupKind::Patient,
                "中村 一郎 様",
                Some("なかむら いちろう"),
                Some(30),
            ),
            group(3, GroupKind::Workplace, "連絡", None, None),
            group(4, GroupKind::Direct, "佐藤", None, Some(5)),
            group(5, GroupKind::Patient, "新規 様", None, None),
        ];
        let s = sections(&groups, "");
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].0, GroupKind::Patient);
        assert_eq!(names(&s, 0), ["中村 一郎 様", "山田 花子 様", "新規 様"]);
        assert_eq!(names(&s, 1), ["連絡"]);
        assert_eq!(names(&s, 2), ["佐藤"]);
    }

    #[test]
    fn the_filter_matches_name_or_kana() {
        let groups = vec![
            group(
                1,
                GroupKind::Patient,
                "山田 花子 様",
                Some("やまだ はなこ"),
                Some(10),
            ),
            group(
                2,
                GroupKind::Patient,
                "中村 一郎 様",
                Some("なかむら いちろう"),
                Some(30),
            ),
        ];
        assert_eq!(names(&sections(&groups, "ヤマダ"), 0), ["山田 花子 様"]);
        assert_eq!(names(&sections(&groups, "中村"), 0), ["中村 一郎 様"]);
        assert!(sections(&groups, "鈴木")[0].1.is_empty());
    }

    #[test]
    fn the_list_reloads_for_posts_membership_and_my_own_reads_only() {
        let me = Uuid::from_u128(1);
        let reader = |id: u128| Author {
            id: Uuid::from_u128(id),
            display_name: "x".into(),
            profession: Profession::Nurse,
            facility_name: None,
        };
        let read = |id: u128| {
            LiveEvent::ReadUpdated(ReadUpdate {
                group_id: Uuid::from_u128(9),
                timeline: Timeline::Care,
                reader: reader(id),
                previous: None,
                up_to: Uuid::from_u128(5),
                at: t(0),
            })
        };
        assert!(changes_group_list(&read(1), Some(me)));
        assert!(!changes_group_list(&read(2), Some(me)));
        assert!(changes_group_list(
            &LiveEvent::MemberChanged(GroupChange {
                group_id: Uuid::from_u128(9)
            }),
            Some(me)
        ));
    }
}
