//! Who may do what in a group: pure rules over a caller's membership, with no storage.

use tsunagu_api::{GroupKind, MemberRole, PhysicianRule, Timeline};
use uuid::Uuid;

/// Why a rule refuses. The HTTP layer answers 404, 403 and 409 `group_archived`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// The caller may not know the thing exists (a group they are not in, a timeline they do
    /// not read).
    NotFound,
    /// The caller sees it but may not do this.
    Forbidden,
    /// The group is archived and read-only.
    Archived,
}

/// The caller's membership of a group, with what the rules need to know about the group.
#[derive(Debug, Clone)]
pub struct Membership {
    pub role: MemberRole,
    pub kind: GroupKind,
    pub archived: bool,
    pub physician_rule: Option<PhysicianRule>,
    pub attending_physician_id: Option<Uuid>,
}

/// The timelines a role may read in a group of this kind, in display order.
pub fn timelines(kind: GroupKind, role: MemberRole) -> Vec<Timeline> {
    match (kind, role) {
        (_, MemberRole::Family) => vec![Timeline::Family],
        (GroupKind::Patient, _) => vec![Timeline::Care, Timeline::Family],
        _ => vec![Timeline::Care],
    }
}

/// A stored rule; anything unknown is the strict default (approval required).
pub fn parse_rule(s: &str) -> PhysicianRule {
    s.parse().unwrap_or_default()
}

impl Membership {
    pub fn timelines(&self) -> Vec<Timeline> {
        timelines(self.kind, self.role)
    }

    /// A timeline the caller may not read answers 404, like a group they are not in.
    pub fn require_timeline(&self, timeline: Timeline) -> Result<(), Denied> {
        if self.timelines().contains(&timeline) {
            Ok(())
        } else {
            Err(Denied::NotFound)
        }
    }

    /// Archived groups are read-only.
    pub fn require_writable(&self) -> Result<(), Denied> {
        if self.archived {
            Err(Denied::Archived)
        } else {
            Ok(())
        }
    }

    /// Whether a change to the attending physician (replacing, clearing or removing them) by
    /// `caller` must wait for the physician's decision: it does whenever the group has a
    /// physician and the caller is someone else. The physician hands over directly.
    pub fn physician_decides(&self, caller: Uuid) -> bool {
        self.attending_physician_id
            .is_some_and(|physician| physician != caller)
    }

    /// The physician rule constrains admins other than the physician, so only the physician
    /// may change it; a group without a physician has nobody it constrains.
    pub fn require_physician_for_rule(&self, caller: Uuid) -> Result<(), Denied> {
        if self.physician_decides(caller) {
            Err(Denied::Forbidden)
        } else {
            Ok(())
        }
    }

    /// Admin actions; direct messages have none.
    pub fn require_admin(&self) -> Result<(), Denied> {
        if self.kind == GroupKind::Direct || self.role != MemberRole::Admin {
            Err(Denied::Forbidden)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_members_read_only_the_family_timeline() {
        assert_eq!(
            timelines(GroupKind::Patient, MemberRole::Family),
            vec![Timeline::Family]
        );
        assert_eq!(
            timelines(GroupKind::Patient, MemberRole::Member),
            vec![Timeline::Care, Timeline::Family]
        );
        assert_eq!(
            timelines(GroupKind::Direct, MemberRole::Member),
            vec![Timeline::Care]
        );
    }
}

#[cfg(test)]
mod rule_tests {
    use super::*;

    fn member(role: MemberRole, physician: Option<Uuid>) -> Membership {
        Membership {
            role,
            kind: GroupKind::Patient,
            archived: false,
            physician_rule: Some(PhysicianRule::ApprovalRequired),
            attending_physician_id: physician,
        }
    }

    #[test]
    fn only_the_physician_changes_the_rule_and_others_wait_for_them() {
        let physician = Uuid::now_v7();
        let admin = Uuid::now_v7();
        let m = member(MemberRole::Admin, Some(physician));
        assert!(m.physician_decides(admin));
        assert!(!m.physician_decides(physician));
        assert_eq!(m.require_physician_for_rule(admin), Err(Denied::Forbidden));
        assert_eq!(m.require_physician_for_rule(physician), Ok(()));
        // Without a physician the rule constrains nobody.
        let m = member(MemberRole::Admin, None);
        assert!(!m.physician_decides(admin));
        assert_eq!(m.require_physician_for_rule(admin), Ok(()));
    }

    #[test]
    fn archived_groups_and_direct_messages_refuse_admin_writes() {
        let mut m = member(MemberRole::Admin, None);
        assert_eq!(m.require_admin(), Ok(()));
        m.archived = true;
        assert_eq!(m.require_writable(), Err(Denied::Archived));
        m.kind = GroupKind::Direct;
        assert_eq!(m.require_admin(), Err(Denied::Forbidden));
        let family = Membership {
            role: MemberRole::Family,
            ..member(MemberRole::Admin, None)
        };
        assert_eq!(
            family.require_timeline(Timeline::Care),
            Err(Denied::NotFound)
        );
        assert_eq!(family.require_timeline(Timeline::Family), Ok(()));
    }
}
