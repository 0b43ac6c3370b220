//! One-time links and pending requests as deciding and joining read them.

use tsunagu_api::InvitationKind;

use super::group::author;
use crate::domain::invitation::DecisionRow;
use crate::store::id::Id;
use crate::store::OpenLink;

/// [`LinkRow`]'s query, the same on both backends: `$1` the token hash, `$2` now (ms).
pub const SELECT_OPEN_LINK: &str =
    "SELECT i.id, i.kind, g.id AS group_id, g.name AS group_name, i.expires_at_ms,
            bu.id AS by_id, bu.display_name AS by_name, bu.profession AS by_profession,
            buf.name AS by_facility_name
     FROM invitations i
     JOIN groups g ON g.id = i.group_id
     LEFT JOIN users bu ON bu.id = i.invited_by
     LEFT JOIN facilities buf ON buf.id = bu.facility_id
     WHERE i.token_hash = $1 AND i.status = 'open' AND i.expires_at_ms > $2
       AND NOT g.archived";

/// An open link with its group and who made it.
#[derive(Debug, sqlx::FromRow)]
pub struct LinkRow {
    id: Id,
    kind: String,
    group_id: Id,
    group_name: String,
    expires_at_ms: i64,
    by_id: Option<Id>,
    by_name: Option<String>,
    by_profession: Option<String>,
    by_facility_name: Option<String>,
}

impl LinkRow {
    pub fn into_open_link(self) -> OpenLink {
        OpenLink {
            id: self.id.into_uuid(),
            kind: if self.kind == "family" {
                InvitationKind::Family
            } else {
                InvitationKind::Registration
            },
            group_id: self.group_id.into_uuid(),
            group_name: self.group_name,
            expires_at_ms: self.expires_at_ms,
            invited_by: author(
                self.by_id,
                self.by_name,
                self.by_profession,
                self.by_facility_name,
            ),
        }
    }
}

/// [`RequestRow`]'s query, the same on both backends: `$1` the caller, `$2` the request.
pub const SELECT_REQUEST: &str =
    "SELECT i.group_id, i.status, i.kind, i.invitee_id, i.role, g.attending_physician_id,
            g.archived, ph.disabled AS physician_disabled,
            EXISTS (SELECT 1 FROM users op WHERE op.id = $1 AND op.is_operator)
                AS caller_is_operator
     FROM invitations i JOIN groups g ON g.id = i.group_id
     LEFT JOIN users ph ON ph.id = g.attending_physician_id
     WHERE i.id = $2";

/// A request with what deciding it depends on.
#[derive(Debug, sqlx::FromRow)]
pub struct RequestRow {
    group_id: Id,
    status: String,
    kind: String,
    invitee_id: Option<Id>,
    role: String,
    attending_physician_id: Option<Id>,
    archived: bool,
    physician_disabled: Option<bool>,
    caller_is_operator: bool,
}

impl RequestRow {
    pub fn group_id(&self) -> uuid::Uuid {
        self.group_id.into_uuid()
    }

    pub fn into_decision(self) -> DecisionRow {
        DecisionRow {
            group_id: self.group_id.into_uuid(),
            status: self.status,
            kind: self.kind,
            invitee_id: self.invitee_id.map(Id::into_uuid),
            role: self.role,
            attending_physician_id: self.attending_physician_id.map(Id::into_uuid),
            archived: self.archived,
            physician_disabled: self.physician_disabled,
            caller_is_operator: self.caller_is_operator,
        }
    }
}
