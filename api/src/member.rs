//! Members of a group: roles, family relationships, adding and changing members.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::wire_enum::wire_names;
use crate::{rfc3339_millis, Author, Invitation};

/// The caller's role in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    Admin,
    Member,
    Family,
}

wire_names!(MemberRole {
    Admin => "admin",
    Member => "member",
    Family => "family",
});

impl MemberRole {
    /// Parses a wire name; unknown names map to `Family`, the least privileged reading.
    pub fn parse(s: &str) -> Self {
        s.parse().unwrap_or(Self::Family)
    }
}

/// Relationship of a family account to the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// 本人: the patient.
    #[serde(rename = "self")]
    Patient,
    Spouse,
    Child,
    ChildInLaw,
    Grandchild,
    Sibling,
    OtherRelative,
    Other,
}

wire_names!(Relationship {
    Patient => "self",
    Spouse => "spouse",
    Child => "child",
    ChildInLaw => "child_in_law",
    Grandchild => "grandchild",
    Sibling => "sibling",
    OtherRelative => "other_relative",
    Other => "other",
});

impl Relationship {
    /// Parses a wire name; unknown names map to `Other`.
    pub fn parse(s: &str) -> Self {
        s.parse().unwrap_or(Self::Other)
    }
}

/// A member of a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Member {
    pub person: Author,
    /// Reading of the name in kana, so @-completion finds 佐藤 by 「さと」 (family members too).
    pub display_name_kana: String,
    pub role: MemberRole,
    /// Family members only.
    pub relationship: Option<Relationship>,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub joined_at: DateTime<Utc>,
}

/// `GET /api/v1/groups/{group_id}/members`: everyone in the group (family members see only the
/// professionals' names and professions, and each other).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MemberList {
    pub items: Vec<Member>,
    /// Invitations of this group waiting for the attending physician (admins only; empty for
    /// everyone else).
    pub pending: Vec<Invitation>,
}

/// `POST /api/v1/groups/{group_id}/members` body (admins): add a registered professional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AddMember {
    pub user_id: Uuid,
    /// `admin` or `member` (family join through family invitations).
    #[serde(default = "default_member_role")]
    pub role: MemberRole,
}

fn default_member_role() -> MemberRole {
    MemberRole::Member
}

/// `PATCH /api/v1/groups/{group_id}/members/{user_id}` body (admins): change a role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MemberUpdate {
    pub role: MemberRole,
}
