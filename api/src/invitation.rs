//! Invitations: physician approval, one-time family and registration links, joining.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::wire_enum::wire_names;
use crate::{rfc3339_millis, Author, GroupRef, MemberRole, Relationship};

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    /// Waiting for the attending physician's approval.
    PendingPhysician,
    /// Waiting for the invitee to open the link (family and registration invitations).
    Open,
    /// Took effect: the invitee is a member.
    Accepted,
    /// The physician declined it (see `decline_reason`).
    Declined,
    /// An admin revoked the link.
    Revoked,
    /// Not used within its lifetime.
    Expired,
}

wire_names!(InvitationStatus {
    PendingPhysician => "pending_physician",
    Open => "open",
    Accepted => "accepted",
    Declined => "declined",
    Revoked => "revoked",
    Expired => "expired",
});

/// What an invitation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvitationKind {
    /// A registered professional, added by an admin.
    Member,
    /// The patient or a relative, through a one-time link.
    Family,
    /// A professional not yet registered, through a link to the registration flow.
    Registration,
    /// An admin other than the attending physician asks to hand the role to `invitee` (or,
    /// with no invitee, to leave the profile without a physician); the physician decides.
    PhysicianChange,
    /// An admin other than the attending physician asks to remove the physician (`invitee`)
    /// from the group; the physician decides.
    PhysicianRemoval,
}

wire_names!(InvitationKind {
    Member => "member",
    Family => "family",
    Registration => "registration",
    PhysicianChange => "physician_change",
    PhysicianRemoval => "physician_removal",
});

/// An invitation to a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Invitation {
    pub id: Uuid,
    pub kind: InvitationKind,
    pub status: InvitationStatus,
    pub group: GroupRef,
    /// The person invited (member invitations); `null` for links.
    pub invitee: Option<Author>,
    /// Role the invitee gets.
    pub role: MemberRole,
    pub invited_by: Author,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
    /// Links only: when the link stops working.
    #[serde(with = "rfc3339_millis::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub expires_at: Option<DateTime<Utc>>,
    /// Who approved, declined or revoked it, and when.
    pub decided_by: Option<Author>,
    #[serde(with = "rfc3339_millis::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub decided_at: Option<DateTime<Utc>>,
    pub decline_reason: Option<String>,
}

/// `GET /api/v1/invitations`: invitations waiting for the caller's decision as attending
/// physician.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitationList {
    pub items: Vec<Invitation>,
}

/// `POST /api/v1/invitations/{invitation_id}/decline` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeclineInvitation {
    /// Why, shown to the inviting admin (required, at most 500 characters).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub reason: String,
}

/// `POST /api/v1/groups/{group_id}/invitation-links` body (admins).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewInvitationLink {
    /// `family` (patient groups only) or `registration`.
    pub kind: InvitationKind,
}

/// A created one-time link. The secret `token` is shown only in this response; the link is
/// `<app origin>/join/<token>`. Single use, expires after 72 hours, revocable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitationLink {
    pub invitation: Invitation,
    pub token: String,
}

/// `GET /api/v1/join/{token}` (no login): what the link invites to, so the person can decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct JoinInfo {
    pub kind: InvitationKind,
    /// The group's name (for family: the patient's name).
    pub group_name: String,
    pub invited_by: Author,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/v1/join/{token}` body for a family link: create the family account, join the
/// group, and log in (the response is a `Session`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct JoinAsFamily {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub display_name: String,
    pub relationship: Relationship,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub login_id: String,
    /// At least 13 characters of at least two kinds (letters, digits, symbols), as the MHLW
    /// guideline requires without a second factor.
    #[cfg_attr(feature = "openapi", schema(min_length = 13))]
    pub password: String,
}
