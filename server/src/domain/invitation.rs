//! Who may decide a pending request, decided on its row.

use tsunagu_api::{InvitationKind, MemberRole};
use uuid::Uuid;

/// Why a request cannot be decided by the caller now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotDecidable {
    /// Not theirs to decide, or no such request: one answer.
    NotFound,
    /// Decided already.
    Decided,
    /// Its group is archived.
    Archived,
}

/// A request with what deciding it depends on.
#[derive(Debug)]
pub struct DecisionRow {
    pub group_id: Uuid,
    pub status: String,
    pub kind: String,
    pub invitee_id: Option<Uuid>,
    pub role: String,
    pub attending_physician_id: Option<Uuid>,
    pub archived: bool,
    /// Whether the attending physician's account is disabled (`None`: no physician).
    pub physician_disabled: Option<bool>,
    pub caller_is_operator: bool,
}

/// A pending request the caller may decide.
#[derive(Debug, PartialEq, Eq)]
pub struct Pending {
    pub group_id: Uuid,
    pub kind: InvitationKind,
    pub invitee: Option<Uuid>,
    pub role: MemberRole,
}

/// The request if `caller` decides it: the group's attending physician, or an operator when
/// the physician's account is disabled. Not found for anyone else (and for links, which
/// nobody decides); then refused if decided already or the group is archived.
pub fn decidable(row: Option<DecisionRow>, caller: Uuid) -> Result<Pending, NotDecidable> {
    let row = row.ok_or(NotDecidable::NotFound)?;
    let decider = row.attending_physician_id == Some(caller)
        || (row.caller_is_operator && row.physician_disabled == Some(true));
    let kind = row.kind.parse().unwrap_or(InvitationKind::Member);
    let well_formed = match kind {
        InvitationKind::Member | InvitationKind::PhysicianRemoval => row.invitee_id.is_some(),
        InvitationKind::PhysicianChange => true,
        InvitationKind::Family | InvitationKind::Registration => false,
    };
    if !(decider && well_formed) {
        return Err(NotDecidable::NotFound);
    }
    if row.status != "pending_physician" {
        return Err(NotDecidable::Decided);
    }
    if row.archived {
        return Err(NotDecidable::Archived);
    }
    Ok(Pending {
        group_id: row.group_id,
        kind,
        invitee: row.invitee_id,
        role: MemberRole::parse(&row.role),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(physician: Uuid) -> DecisionRow {
        DecisionRow {
            group_id: Uuid::now_v7(),
            status: "pending_physician".to_owned(),
            kind: "member".to_owned(),
            invitee_id: Some(Uuid::now_v7()),
            role: "member".to_owned(),
            attending_physician_id: Some(physician),
            archived: false,
            physician_disabled: Some(false),
            caller_is_operator: false,
        }
    }

    fn refusal(result: Result<Pending, NotDecidable>) -> NotDecidable {
        result.expect_err("expected a refusal")
    }

    #[test]
    fn only_the_physician_decides_while_their_account_is_enabled() {
        let (physician, operator) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(decidable(Some(row(physician)), physician).is_ok());
        let mut by_operator = row(physician);
        by_operator.caller_is_operator = true;
        assert_eq!(
            refusal(decidable(Some(by_operator), operator)),
            NotDecidable::NotFound
        );
        let mut disabled = row(physician);
        disabled.caller_is_operator = true;
        disabled.physician_disabled = Some(true);
        assert!(decidable(Some(disabled), operator).is_ok());
    }

    #[test]
    fn decided_requests_archived_groups_and_links_are_refused() {
        let physician = Uuid::now_v7();
        let mut decided = row(physician);
        decided.status = "accepted".to_owned();
        assert_eq!(
            refusal(decidable(Some(decided), physician)),
            NotDecidable::Decided
        );
        let mut archived = row(physician);
        archived.archived = true;
        assert_eq!(
            refusal(decidable(Some(archived), physician)),
            NotDecidable::Archived
        );
        let mut link = row(physician);
        link.kind = "family".to_owned();
        assert_eq!(
            refusal(decidable(Some(link), physician)),
            NotDecidable::NotFound
        );
        assert_eq!(refusal(decidable(None, physician)), NotDecidable::NotFound);
    }
}
