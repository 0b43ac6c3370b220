//! Invitations and requests waiting for the attending physician, and one-time links: their
//! rows and the one conversion to the wire `Invitation`.

use tsunagu_api::{GroupKind, GroupRef, Invitation, InvitationKind, InvitationStatus, MemberRole};
use uuid::Uuid;

use super::group::author;
use crate::store::id::Id;
use crate::time::from_ms;

/// Invitations with their group and people joined in, the same on both backends; callers
/// append the `WHERE`.
pub const SELECT_INVITATIONS: &str = "SELECT i.id, i.kind, i.status, i.role,
        i.created_at_ms, i.expires_at_ms, i.decided_at_ms, i.decline_reason,
        g.id AS group_id, g.kind AS group_kind, g.name AS group_name,
        iu.id AS invitee_id, iu.display_name AS invitee_name,
        iu.profession AS invitee_profession, iuf.name AS invitee_facility_name,
        bu.id AS by_id, bu.display_name AS by_name, bu.profession AS by_profession,
        buf.name AS by_facility_name,
        du.id AS decided_id, du.display_name AS decided_name,
        du.profession AS decided_profession, duf.name AS decided_facility_name
    FROM invitations i
    JOIN groups g ON g.id = i.group_id
    LEFT JOIN users iu ON iu.id = i.invitee_id
    LEFT JOIN facilities iuf ON iuf.id = iu.facility_id
    LEFT JOIN users bu ON bu.id = i.invited_by
    LEFT JOIN facilities buf ON buf.id = bu.facility_id
    LEFT JOIN users du ON du.id = i.decided_by
    LEFT JOIN facilities duf ON duf.id = du.facility_id";

#[derive(Debug, sqlx::FromRow)]
pub struct InvitationRow {
    id: Id,
    kind: String,
    status: String,
    role: String,
    created_at_ms: i64,
    expires_at_ms: Option<i64>,
    decided_at_ms: Option<i64>,
    decline_reason: Option<String>,
    group_id: Id,
    group_kind: String,
    group_name: String,
    invitee_id: Option<Id>,
    invitee_name: Option<String>,
    invitee_profession: Option<String>,
    invitee_facility_name: Option<String>,
    by_id: Option<Id>,
    by_name: Option<String>,
    by_profession: Option<String>,
    by_facility_name: Option<String>,
    decided_id: Option<Id>,
    decided_name: Option<String>,
    decided_profession: Option<String>,
    decided_facility_name: Option<String>,
}

impl InvitationRow {
    /// The wire invitation as of `now` (an open link past its expiry is expired).
    pub fn into_invitation(self, now: i64) -> Invitation {
        let mut status = self.status.parse().unwrap_or(InvitationStatus::Revoked);
        if status == InvitationStatus::Open && self.expires_at_ms.is_some_and(|e| e <= now) {
            status = InvitationStatus::Expired;
        }
        Invitation {
            id: self.id.into_uuid(),
            kind: self.kind.parse().unwrap_or(InvitationKind::Member),
            status,
            group: GroupRef {
                id: self.group_id.into_uuid(),
                kind: GroupKind::parse(&self.group_kind),
                name: self.group_name,
            },
            invitee: author(
                self.invitee_id,
                self.invitee_name,
                self.invitee_profession,
                self.invitee_facility_name,
            ),
            role: MemberRole::parse(&self.role),
            invited_by: author(
                self.by_id,
                self.by_name,
                self.by_profession,
                self.by_facility_name,
            )
            .unwrap_or_else(|| tsunagu_api::Author {
                id: Uuid::nil(),
                display_name: String::new(),
                profession: tsunagu_api::Profession::Other,
                facility_name: None,
            }),
            created_at: from_ms(self.created_at_ms),
            expires_at: self.expires_at_ms.map(from_ms),
            decided_by: author(
                self.decided_id,
                self.decided_name,
                self.decided_profession,
                self.decided_facility_name,
            ),
            decided_at: self.decided_at_ms.map(from_ms),
            decline_reason: self.decline_reason,
        }
    }
}
