//! Groups (patient, workplace, direct), their timelines and the patient profile.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::wire_enum::wire_names;
use crate::{rfc3339_millis, Author, MemberRole, SystemEventKind};

/// Kind of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// A closed room about one patient (患者グループ).
    Patient,
    /// Staff of a facility, a committee, a project.
    Workplace,
    /// Exactly two people.
    Direct,
}

wire_names!(GroupKind {
    Patient => "patient",
    Workplace => "workplace",
    Direct => "direct",
});

impl GroupKind {
    /// Parses a wire name; unknown names map to `Workplace`, the least privileged reading.
    pub fn parse(s: &str) -> Self {
        s.parse().unwrap_or(Self::Workplace)
    }
}

/// A group the caller belongs to, as listed on the home screen and returned by
/// `GET /api/v1/groups/{group_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Group {
    pub id: Uuid,
    pub kind: GroupKind,
    pub name: String,
    /// Reading in kana (patient groups), for sorting and filtering.
    pub name_kana: Option<String>,
    pub my_role: MemberRole,
    pub member_count: u32,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
    /// Time of the newest post, `null` when there is none.
    #[serde(with = "rfc3339_millis::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub last_post_at: Option<DateTime<Utc>>,
    /// Archived groups are read-only: no posts, no membership changes.
    #[serde(default)]
    pub archived: bool,
    /// The timelines the caller may read, in display order (`care` first). Professionals see
    /// both timelines of a patient group, family members only `family`; other groups have `care`.
    #[serde(default)]
    pub timelines: Vec<Timeline>,
    /// Posts in timelines the caller may read that are newer than the caller's read marker and
    /// not written by the caller.
    #[serde(default)]
    pub unread_count: u32,
    /// Unread posts (as counted in `unread_count`) that mention the caller.
    #[serde(default)]
    pub mention_count: u32,
    /// The newest post the caller may read, for the home screen.
    #[serde(default)]
    pub last_post: Option<PostPreview>,
    /// Patient groups only: the patient's profile (family members get it too: it is their own).
    #[serde(default)]
    pub patient: Option<PatientProfile>,
    /// Patient groups only: what happens when an admin other than the attending physician
    /// invites someone.
    #[serde(default)]
    pub physician_rule: Option<PhysicianRule>,
    /// Direct messages only: the other person.
    #[serde(default)]
    pub peer: Option<Author>,
    /// The caller muted the group: no push for its posts except urgent ones
    /// (`PUT /api/v1/groups/{group_id}/mute`).
    #[serde(default)]
    pub muted: bool,
}

/// A timeline of a group. Patient groups have two: `care` (professionals only) and `family`
/// (professionals and the invited patient/family). Workplace groups and direct messages have
/// only `care`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Timeline {
    #[default]
    Care,
    Family,
}

wire_names!(Timeline {
    Care => "care",
    Family => "family",
});

impl Timeline {
    /// Parses a wire name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// The newest post of a group, as the home screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostPreview {
    pub timeline: Timeline,
    /// `null` for system entries.
    pub author_name: Option<String>,
    /// The first characters of the body (at most 80); empty for system entries.
    pub excerpt: String,
    /// Set for system entries (membership changes), so the client can phrase them.
    pub system: Option<SystemEventKind>,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
}

/// The patient a patient group is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PatientProfile {
    pub name: String,
    pub name_kana: String,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// The attending physician (主治医), a member of the group.
    pub attending_physician: Option<Author>,
    /// The care manager (ケアマネジャー), a member of the group.
    pub care_manager: Option<Author>,
    /// Short notes (e.g. key person, allergies, visiting schedule), at most 2,000 characters.
    pub notes: String,
}

/// The seed's rule: when an admin who is not the attending physician invites someone, the
/// physician is informed beforehand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhysicianRule {
    /// The invitation waits as `pending_physician` until the physician approves it.
    #[default]
    ApprovalRequired,
    /// The invitation takes effect at once; the physician is notified.
    InformOnly,
}

wire_names!(PhysicianRule {
    ApprovalRequired => "approval_required",
    InformOnly => "inform_only",
});

/// `POST /api/v1/groups` body. `patient` is required for `kind = patient`, forbidden otherwise;
/// direct messages are opened with `POST /api/v1/direct`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewGroup {
    pub kind: GroupKind,
    /// Workplace groups: the group's name. Patient groups: ignored (the name is the patient's
    /// name followed by " 様").
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub name: String,
    #[serde(default)]
    pub patient: Option<PatientProfileInput>,
    #[serde(default)]
    pub physician_rule: Option<PhysicianRule>,
}

/// Patient profile as written by an admin. People are referenced by user id and must be
/// members (the creator's group starts with only the creator; the physician and care manager
/// given here are added as members when the group is created).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PatientProfileInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub name_kana: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub attending_physician_id: Option<Uuid>,
    #[serde(default)]
    pub care_manager_id: Option<Uuid>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2_000))]
    pub notes: String,
}

/// `PATCH /api/v1/groups/{group_id}` body (admins): only the fields present change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GroupUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<PatientProfileInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub physician_rule: Option<PhysicianRule>,
}

/// `POST /api/v1/direct` body: open (or reuse) the direct message with this person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OpenDirect {
    pub user_id: Uuid,
}

/// A minimal reference to a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GroupRef {
    pub id: Uuid,
    pub kind: GroupKind,
    pub name: String,
}

/// One page of groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GroupPage {
    pub items: Vec<Group>,
    /// Pass as `before` to get the next page; `null` at the end.
    pub next_cursor: Option<String>,
}
