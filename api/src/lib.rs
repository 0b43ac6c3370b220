//! Wire types of the Tsunagu HTTP contract, version 1 (`/api/v1`).
//!
//! One definition serves the SPA (deserialising), the reference server (serialising, and — with
//! the `openapi` feature — generating `api/openapi.yaml`) and the conformance suite. Field names
//! are snake_case, variants are tagged `kind`, ids are UUIDv7 and times RFC 3339 UTC with
//! milliseconds (see `shared/API-CONVENTIONS.md`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

pub mod kana;

/// Path prefix of every endpoint of this contract version.
pub const API_PREFIX: &str = "/api/v1";
/// Longest post body accepted, in Unicode scalar values (what a user perceives as characters).
pub const MAX_POST_CHARS: usize = 10_000;
/// Largest page a list endpoint returns; larger `limit`s are clamped.
pub const MAX_PAGE_LIMIT: u32 = 100;
/// Page size used when the client sends no `limit`.
pub const DEFAULT_PAGE_LIMIT: u32 = 50;
/// Media type of every error body (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";
/// Header carrying the client's idempotency key on creating POSTs.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// RFC 3339 UTC timestamps with exactly millisecond precision, as the contract requires.
pub mod rfc3339_millis {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }

    /// The same for optional fields.
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(
            t: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => super::serialize(t, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|s| {
                    DateTime::parse_from_rfc3339(&s)
                        .map(|t| t.with_timezone(&Utc))
                        .map_err(serde::de::Error::custom)
                })
                .transpose()
        }
    }
}

/// `GET /api/v1/meta`: who this backend is and which optional capabilities it implements, so a
/// client can adapt to a backend that implements a subset of the contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Meta {
    /// Product name of the backend, e.g. `tsunagu-server`.
    pub name: String,
    /// Version of the backend software.
    pub version: String,
    /// Contract version implemented, `v1`.
    pub api_version: String,
    /// Optional capabilities implemented, e.g. `search`, `web_push`, `resumable_upload`.
    pub capabilities: Vec<String>,
    /// Limits the client should enforce before sending.
    pub limits: Limits,
}

/// Limits a backend enforces; clients check them first to give an early, translated message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Limits {
    /// Maximum characters (Unicode scalar values) in a post body.
    pub max_post_chars: u32,
    /// Maximum `limit` of a list request.
    pub max_page_limit: u32,
    /// Seconds of inactivity after which a session expires.
    pub session_idle_timeout_seconds: u32,
}

/// `POST /api/v1/sessions` body: log in with login ID and password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoginRequest {
    pub login_id: String,
    pub password: String,
}

/// A new session: the opaque bearer token and the user it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Session {
    /// Opaque bearer token for `Authorization: Bearer <token>`.
    pub token: String,
    /// When the session ends at the latest (absolute lifetime), whatever the activity.
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: DateTime<Utc>,
    /// Seconds of inactivity after which the session expires.
    pub idle_timeout_seconds: u32,
    pub user: Me,
}

/// Profession of a person, as the directory and the timeline show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Profession {
    Physician,
    Dentist,
    Pharmacist,
    Nurse,
    CareManager,
    CareWorker,
    Therapist,
    SocialWorker,
    Administrative,
    Family,
    Other,
}

impl Profession {
    /// The wire name, as used in JSON and stored by the reference server.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Physician => "physician",
            Self::Dentist => "dentist",
            Self::Pharmacist => "pharmacist",
            Self::Nurse => "nurse",
            Self::CareManager => "care_manager",
            Self::CareWorker => "care_worker",
            Self::Therapist => "therapist",
            Self::SocialWorker => "social_worker",
            Self::Administrative => "administrative",
            Self::Family => "family",
            Self::Other => "other",
        }
    }

    /// Parses a wire name; unknown names map to `Other` so old clients survive new professions.
    pub fn parse(s: &str) -> Self {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).unwrap_or(Self::Other)
    }
}

/// Facility types, as counted in the medical association's registration table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FacilityKind {
    Clinic,
    Hospital,
    DentalClinic,
    Pharmacy,
    CareManagementOffice,
    HomeNursingStation,
    HomeHelpOffice,
    CommunitySupportCenter,
    Municipality,
    Other,
}

impl FacilityKind {
    /// The wire name, as used in JSON and stored by the reference server.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clinic => "clinic",
            Self::Hospital => "hospital",
            Self::DentalClinic => "dental_clinic",
            Self::Pharmacy => "pharmacy",
            Self::CareManagementOffice => "care_management_office",
            Self::HomeNursingStation => "home_nursing_station",
            Self::HomeHelpOffice => "home_help_office",
            Self::CommunitySupportCenter => "community_support_center",
            Self::Municipality => "municipality",
            Self::Other => "other",
        }
    }

    /// Parses a wire name; unknown names map to `Other`.
    pub fn parse(s: &str) -> Self {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).unwrap_or(Self::Other)
    }
}

/// A facility as referenced from a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilityRef {
    pub id: Uuid,
    pub name: String,
    pub kind: FacilityKind,
}

/// `GET /api/v1/me`: the logged-in user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Me {
    pub id: Uuid,
    pub login_id: String,
    pub display_name: String,
    /// Reading of the name in kana, for sorting and search.
    pub display_name_kana: String,
    pub profession: Profession,
    /// The facility the user works for; `null` for patients and family.
    pub facility: Option<FacilityRef>,
    /// Operator (medical association secretariat): approves facilities, issues accounts. Being
    /// an operator grants no access to any group's content.
    #[serde(default)]
    pub is_operator: bool,
    /// Representative of `facility`: manages that facility's staff accounts.
    #[serde(default)]
    pub is_facility_admin: bool,
}

/// Kind of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

impl GroupKind {
    /// The wire name, as used in JSON and stored by the reference server.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::Workplace => "workplace",
            Self::Direct => "direct",
        }
    }

    /// Parses a wire name; unknown names map to `Workplace`, the least privileged reading.
    pub fn parse(s: &str) -> Self {
        match s {
            "patient" => Self::Patient,
            "direct" => Self::Direct,
            _ => Self::Workplace,
        }
    }
}

/// The caller's role in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    Admin,
    Member,
    Family,
}

impl MemberRole {
    /// The wire name, as used in JSON and stored by the reference server.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Member => "member",
            Self::Family => "family",
        }
    }

    /// Parses a wire name; unknown names map to `Family`, the least privileged reading.
    pub fn parse(s: &str) -> Self {
        match s {
            "admin" => Self::Admin,
            "member" => Self::Member,
            _ => Self::Family,
        }
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
}

/// A timeline of a group. Patient groups have two: `care` (professionals only) and `family`
/// (professionals and the invited patient/family). Workplace groups and direct messages have
/// only `care`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Timeline {
    #[default]
    Care,
    Family,
}

impl Timeline {
    /// The wire name, as used in JSON and stored by the reference server.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Care => "care",
            Self::Family => "family",
        }
    }

    /// Parses a wire name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "care" => Some(Self::Care),
            "family" => Some(Self::Family),
            _ => None,
        }
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhysicianRule {
    /// The invitation waits as `pending_physician` until the physician approves it.
    #[default]
    ApprovalRequired,
    /// The invitation takes effect at once; the physician is notified.
    InformOnly,
}

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

/// Relationship of a family account to the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

impl Relationship {
    /// The wire name, as used in JSON and stored by the reference server.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "self",
            Self::Spouse => "spouse",
            Self::Child => "child",
            Self::ChildInLaw => "child_in_law",
            Self::Grandchild => "grandchild",
            Self::Sibling => "sibling",
            Self::OtherRelative => "other_relative",
            Self::Other => "other",
        }
    }

    /// Parses a wire name; unknown names map to `Other`.
    pub fn parse(s: &str) -> Self {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).unwrap_or(Self::Other)
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

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// What an invitation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// A minimal reference to a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GroupRef {
    pub id: Uuid,
    pub kind: GroupKind,
    pub name: String,
}

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

/// A person in the directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DirectoryPerson {
    pub id: Uuid,
    pub display_name: String,
    pub display_name_kana: String,
    pub profession: Profession,
    pub facility: FacilityRef,
}

/// `GET /api/v1/directory/people?q=&facility_id=&facility_kind=&profession=&limit=&before=`:
/// professionals, by kana reading. `q` matches name or kana as a substring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DirectoryPage {
    pub items: Vec<DirectoryPerson>,
    pub next_cursor: Option<String>,
}

/// A facility in the directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilitySummary {
    pub id: Uuid,
    pub name: String,
    pub name_kana: String,
    pub kind: FacilityKind,
    pub staff_count: u32,
}

/// `GET /api/v1/directory/facilities`: every facility, ordered by kind then kana.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilityList {
    pub items: Vec<FacilitySummary>,
}

/// `PUT /api/v1/groups/{group_id}/read` body: everything up to this post in this timeline has
/// been read (markers only move forward).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReadMarker {
    pub timeline: Timeline,
    pub up_to: Uuid,
}

/// Kinds of system entries in a timeline: membership changes, shown to everyone in the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SystemEventKind {
    GroupCreated,
    /// `actor` added `subject` (it took effect).
    MemberAdded,
    /// `actor` invited `subject`; waiting for the attending physician.
    InvitationPending,
    /// The physician (`actor`) approved the invitation of `subject`.
    InvitationApproved,
    /// The physician (`actor`) declined the invitation of `subject`; `detail` is the reason.
    InvitationDeclined,
    /// `subject` joined through a link (family).
    MemberJoined,
    /// `actor` removed `subject`.
    MemberRemoved,
    /// `subject` left.
    MemberLeft,
    /// `actor` made `subject` an admin / a member (`detail` is the new role).
    RoleChanged,
    /// `actor` archived the group.
    GroupArchived,
    /// `actor` edited the patient profile.
    ProfileUpdated,
    /// `actor` asked to change the attending physician; waiting for the physician. `detail`:
    /// `change` (to `subject`), `clear` (no physician) or `remove` (`subject`, the physician,
    /// leaves the group).
    PhysicianChangeRequested,
    /// The attending physician is now `subject` (`null`: none); `actor` handed over or
    /// approved.
    PhysicianChanged,
    /// `actor` (the attending physician) changed the physician rule; `detail` is the new rule.
    PhysicianRuleChanged,
    #[serde(other)]
    Unknown,
}

/// A system entry's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SystemEvent {
    pub kind: SystemEventKind,
    pub actor: Option<Author>,
    pub subject: Option<Author>,
    pub detail: Option<String>,
}

/// One page of groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GroupPage {
    pub items: Vec<Group>,
    /// Pass as `before` to get the next page; `null` at the end.
    pub next_cursor: Option<String>,
}

/// Who wrote a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Author {
    pub id: Uuid,
    pub display_name: String,
    pub profession: Profession,
    /// Name of the author's facility, `null` for patients and family.
    pub facility_name: Option<String>,
}

/// A post in a group's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Post {
    /// UUIDv7; with `created_at` the timeline's sort key.
    pub id: Uuid,
    pub group_id: Uuid,
    pub author: Author,
    pub body: String,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub timeline: Timeline,
    /// Set for system entries (membership changes); their `body` is empty and `author` is the
    /// actor.
    #[serde(default)]
    pub system: Option<SystemEvent>,
    /// `normal`, `important` (重要) or `urgent` (至急).
    #[serde(default)]
    pub importance: Importance,
    /// The post this one replies to, quoted.
    #[serde(default)]
    pub reply_to: Option<ReplyRef>,
    /// Members mentioned with `@display_name` in the body.
    #[serde(default)]
    pub mentions: Vec<Mention>,
    /// Set when the author edited the post (編集済み); the history is kept on the server.
    #[serde(default, with = "rfc3339_millis::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub edited_at: Option<DateTime<Utc>>,
    /// Set when the author deleted the post (削除されました); `body` is then empty, `mentions`
    /// and `reply_to` are cleared. Nothing is physically deleted.
    #[serde(default, with = "rfc3339_millis::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub deleted_at: Option<DateTime<Utc>>,
    /// Revision number, 1 on creation, +1 per edit or deletion. Edits send it back as
    /// `If-Match: "<version>"` (the post's ETag).
    #[serde(default = "one")]
    pub version: u32,
    /// How many members other than the author have read the post (既読 N).
    #[serde(default)]
    pub read_count: u32,
    /// How many members acknowledged the post (見ました).
    #[serde(default)]
    pub ack_count: u32,
    /// Whether the caller acknowledged it.
    #[serde(default)]
    pub acked_by_me: bool,
}

fn one() -> u32 {
    1
}

/// How important a post is. Urgent posts stay in every member's banner until that member
/// acknowledges them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Importance {
    #[default]
    Normal,
    /// 重要
    Important,
    /// 至急
    Urgent,
}

impl Importance {
    /// The wire name, as used in JSON and stored by the reference server.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Important => "important",
            Self::Urgent => "urgent",
        }
    }

    /// Parses a wire name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "normal" => Some(Self::Normal),
            "important" => Some(Self::Important),
            "urgent" => Some(Self::Urgent),
            _ => None,
        }
    }
}

/// The quoted post a reply points to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReplyRef {
    pub id: Uuid,
    pub author_name: String,
    /// The first characters of the quoted body (at most 80); empty when it was deleted.
    pub excerpt: String,
    /// The quoted post has been deleted since.
    #[serde(default)]
    pub deleted: bool,
}

/// A member mentioned in a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Mention {
    pub user_id: Uuid,
    pub display_name: String,
}

/// One page of posts. Without a cursor or with `before`, the newest posts first (scrolling back
/// in time); with `after`, the oldest first (catching up).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostPage {
    pub items: Vec<Post>,
    /// Pass as the same direction's cursor to continue; `null` when there is nothing more.
    pub next_cursor: Option<String>,
    /// The caller's read marker in this timeline (the last post read), `null` when nothing has
    /// been read: the client draws "ここから未読" after it.
    #[serde(default)]
    pub read_up_to: Option<Uuid>,
}

/// `POST /api/v1/groups/{group_id}/posts` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewPost {
    /// Post text, 1 to `limits.max_post_chars` characters, not only whitespace.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 10_000))]
    pub body: String,
    /// Which timeline; default `care`. Family members may only write to `family`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Timeline>,
    /// Default `normal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importance: Option<Importance>,
    /// A post of the same group and timeline this one replies to; unknown → 422
    /// `field_invalid` on `reply_to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Uuid>,
    /// Members mentioned (at most 50); each must be able to read the timeline, otherwise 422
    /// `field_invalid` on `mentions`. Repeats are ignored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub mentions: Vec<Uuid>,
}

/// `PATCH /api/v1/groups/{group_id}/posts/{post_id}` body, sent with `If-Match: "<version>"`
/// (412 `precondition_failed` when the post changed since; 428 `precondition_required`
/// without it). Only the author may edit; deleted posts cannot be edited.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostEdit {
    /// The new text, same rules as a new post.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 10_000))]
    pub body: String,
    /// The new importance; unchanged when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importance: Option<Importance>,
    /// The new mentions (replaces the old list); unchanged when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub mentions: Option<Vec<Uuid>>,
}

/// Why a revision was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RevisionKind {
    Created,
    Edited,
    Deleted,
}

/// One state of a post, as kept in its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostRevision {
    pub version: u32,
    pub kind: RevisionKind,
    /// Who made this revision (always the author in v1).
    pub by: Author,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: DateTime<Utc>,
    /// The text as it was in this revision (empty for `deleted`).
    pub body: String,
    pub importance: Importance,
}

/// `GET /api/v1/groups/{group_id}/posts/{post_id}/history`: every revision, oldest first.
/// Visible to the group's admins and to the author; other members get 403 `forbidden`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostHistory {
    pub items: Vec<PostRevision>,
}

/// A member and when they did something (read, acknowledged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Receipt {
    pub user: Author,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: DateTime<Utc>,
}

/// `GET /api/v1/groups/{group_id}/posts/{post_id}/receipts`: who read and who acknowledged a
/// post, and who has not yet (members who can read its timeline, the author excluded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostReceipts {
    pub post_id: Uuid,
    /// Oldest first.
    pub read: Vec<Receipt>,
    /// Oldest first.
    pub acknowledged: Vec<Receipt>,
    /// Members who have not read it yet.
    pub not_read: Vec<Author>,
    /// Members who have not acknowledged it yet (for urgent posts: whom the author waits for).
    pub not_acknowledged: Vec<Author>,
}

/// `GET /api/v1/urgent`: urgent posts in the caller's groups (timelines the caller may read)
/// that the caller has not acknowledged, not written by the caller and not deleted; oldest
/// first, at most 100.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UrgentList {
    pub items: Vec<UrgentItem>,
}

/// An urgent post waiting for the caller's acknowledgement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UrgentItem {
    pub group_name: String,
    pub post: Post,
}

/// One search result: the post and the group it is in. Clients highlight the query in `body`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SearchHit {
    pub group_id: Uuid,
    pub group_name: String,
    pub post: Post,
}

/// `GET /api/v1/search?q=…[&group_id=…][&limit][&before]`: posts containing `q` as a substring
/// (Japanese needs no word boundaries), only from timelines the caller may read, newest first.
/// `q` is 1 to 100 characters after trimming (otherwise 422 `field_invalid` on `q`). Deleted
/// posts and system entries are not found; edited posts are found by their current text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SearchPage {
    pub items: Vec<SearchHit>,
    /// Pass as `before` to continue; `null` at the end.
    pub next_cursor: Option<String>,
}

/// Server-Sent Events of `GET /api/v1/events`: the `event:` name and the JSON `data:` of each.
/// Each event concerns one group; a client receives only events of groups it belongs to (and of
/// timelines it may read) at the time the event is delivered. `id:` increases monotonically;
/// reconnecting with `Last-Event-ID` delivers every later event. When the id is older than the
/// server keeps (7 days), the stream starts with `event: reset` and the client reloads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "event", content = "data")]
pub enum LiveEvent {
    /// A new post or system entry (`data` is the post as the receiver sees it; `acked_by_me`
    /// is false).
    #[serde(rename = "post.created")]
    PostCreated(Post),
    /// A post was edited (`data` is the new state).
    #[serde(rename = "post.updated")]
    PostUpdated(Post),
    /// A post was deleted (`data` is the tombstone: empty body, `deleted_at` set).
    #[serde(rename = "post.deleted")]
    PostDeleted(Post),
    /// A member's read marker moved forward.
    #[serde(rename = "read.updated")]
    ReadUpdated(ReadUpdate),
    /// A member acknowledged a post.
    #[serde(rename = "ack.updated")]
    AckUpdated(AckUpdate),
    /// The group's membership or profile changed; reload the group (and members). Also sent,
    /// once, to a member just removed (or who left): reloading then answers 404, and the client
    /// stops showing the group.
    #[serde(rename = "member.changed")]
    MemberChanged(GroupChange),
    /// The `Last-Event-ID` is too old or unknown: reload everything, then continue.
    #[serde(rename = "reset")]
    Reset(ResetInfo),
}

/// `read.updated`: `reader` has now read everything in `timeline` up to `up_to`; before, up to
/// `previous` (`null`: nothing). Posts by `reader` are not counted. A client adds one to the
/// `read_count` of every post it holds in (`previous`, `up_to`] not written by `reader`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReadUpdate {
    pub group_id: Uuid,
    pub timeline: Timeline,
    pub reader: Author,
    pub previous: Option<Uuid>,
    pub up_to: Uuid,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: DateTime<Utc>,
}

/// `ack.updated`: `user` acknowledged `post_id`; `ack_count` is the new total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AckUpdate {
    pub group_id: Uuid,
    pub timeline: Timeline,
    pub post_id: Uuid,
    pub user: Author,
    pub ack_count: u32,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: DateTime<Utc>,
}

/// `member.changed`: reload this group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GroupChange {
    pub group_id: Uuid,
}

/// `reset`: nothing to carry; the client reloads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResetInfo {
    /// The oldest event id the server still has.
    pub oldest_id: Option<i64>,
}

impl LiveEvent {
    /// The SSE `event:` name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::PostCreated(_) => "post.created",
            Self::PostUpdated(_) => "post.updated",
            Self::PostDeleted(_) => "post.deleted",
            Self::ReadUpdated(_) => "read.updated",
            Self::AckUpdated(_) => "ack.updated",
            Self::MemberChanged(_) => "member.changed",
            Self::Reset(_) => "reset",
        }
    }

    /// Rebuilds an event from the SSE `event:` name and `data:` text.
    pub fn from_sse(name: &str, data: &str) -> Result<Self, serde_json::Error> {
        let data: serde_json::Value = serde_json::from_str(data)?;
        serde_json::from_value(serde_json::json!({ "event": name, "data": data }))
    }

    /// The SSE `data:` text.
    pub fn data_json(&self) -> String {
        let value = serde_json::to_value(self).expect("events serialise");
        value["data"].to_string()
    }
}

/// Longest search query, in characters.
pub const MAX_SEARCH_CHARS: usize = 100;
/// Most mentions in one post.
pub const MAX_MENTIONS: usize = 50;
/// Seconds between SSE heartbeat comments.
pub const SSE_HEARTBEAT_SECONDS: u64 = 15;

/// Stable machine-readable error codes. Clients translate by code, never by parsing text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidCredentials,
    Unauthenticated,
    SessionExpired,
    NotFound,
    NotAMember,
    ValidationFailed,
    PostTooLong,
    PostEmpty,
    MalformedRequest,
    UnsupportedMediaType,
    FileTooLarge,
    IdempotencyKeyReused,
    IdempotencyKeyInvalid,
    RateLimited,
    InternalError,
    /// The caller can see the resource but may not do this (e.g. a member adding members).
    Forbidden,
    /// The last admin cannot leave or step down without handing over.
    LastAdmin,
    AlreadyMember,
    /// The group is archived and read-only.
    GroupArchived,
    /// The invitation link is unknown, used, revoked or expired.
    InvitationInvalid,
    /// The invitation was already decided.
    InvitationDecided,
    LoginIdTaken,
    PasswordTooWeak,
    /// A required field is missing or empty.
    FieldRequired,
    /// A field is too long.
    FieldTooLong,
    /// `If-Match` does not match the resource's current version (someone changed it).
    PreconditionFailed,
    /// The edit has no `If-Match`.
    PreconditionRequired,
    /// The post is deleted (cannot be edited, acknowledged or replied to).
    PostDeleted,
    /// A date or value is not in the expected format.
    FieldInvalid,
    /// A code this client does not know yet (newer backend); shown as a generic error.
    #[serde(other)]
    Unknown,
}

/// One invalid field of a request, for validation errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
}

/// An error response, `application/problem+json` (RFC 9457) with a stable `code`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Problem {
    /// URI reference identifying the problem type.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short English summary of the problem type (clients show a translation of `code` instead).
    pub title: String,
    pub status: u16,
    /// Explanation of this occurrence; never contains internals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub code: ErrorCode,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Counts post length the way the contract does (Unicode scalar values).
pub fn post_chars(body: &str) -> usize {
    body.chars().count()
}

/// Validates a post body as the server does, so the client can refuse early with the same code.
pub fn validate_post_body(body: &str) -> Result<(), ErrorCode> {
    if body.trim().is_empty() {
        Err(ErrorCode::PostEmpty)
    } else if post_chars(body) > MAX_POST_CHARS {
        Err(ErrorCode::PostTooLong)
    } else {
        Ok(())
    }
}

/// Shortest password accepted while accounts have no second factor (MHLW guideline 6.0: 13+
/// characters mixing kinds without 2FA).
pub const MIN_PASSWORD_CHARS: usize = 13;
/// Longest patient notes accepted.
pub const MAX_NOTES_CHARS: usize = 2_000;
/// Lifetime of invitation links, in hours.
pub const INVITATION_LINK_HOURS: i64 = 72;

/// Checks a new password against the policy, as the server does, so the client can refuse
/// early with the same code: at least [`MIN_PASSWORD_CHARS`] characters of at least two kinds
/// (lower-case letters, upper-case letters, digits, anything else).
pub fn validate_password(password: &str) -> Result<(), ErrorCode> {
    let kinds = [
        password.chars().any(|c| c.is_lowercase()),
        password.chars().any(|c| c.is_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ];
    if password.chars().count() < MIN_PASSWORD_CHARS || kinds.iter().filter(|k| **k).count() < 2 {
        Err(ErrorCode::PasswordTooWeak)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc_with_millis() {
        let t = DateTime::parse_from_rfc3339("2026-11-24T09:30:00.123456+09:00")
            .unwrap()
            .with_timezone(&Utc);
        let post = NewPostTime { t };
        let json = serde_json::to_string(&post).unwrap();
        assert_eq!(json, r#"{"t":"2026-11-24T00:30:00.123Z"}"#);
        let back: NewPostTime = serde_json::from_str(&json).unwrap();
        assert_eq!(back.t.timestamp_millis(), t.timestamp_millis());
    }

    #[derive(Serialize, Deserialize)]
    struct NewPostTime {
        #[serde(with = "rfc3339_millis")]
        t: DateTime<Utc>,
    }

    #[test]
    fn unknown_error_codes_deserialise_as_unknown() {
        let p: Problem = serde_json::from_str(
            r#"{"type":"about:blank","title":"x","status":418,"code":"brand_new_code"}"#,
        )
        .unwrap();
        assert_eq!(p.code, ErrorCode::Unknown);
    }

    #[test]
    fn post_validation_counts_characters_not_bytes() {
        // 10,000 kanji are 30,000 bytes of UTF-8 but exactly at the limit.
        assert_eq!(validate_post_body(&"褥".repeat(MAX_POST_CHARS)), Ok(()));
        assert_eq!(
            validate_post_body(&"褥".repeat(MAX_POST_CHARS + 1)),
            Err(ErrorCode::PostTooLong)
        );
        assert_eq!(validate_post_body(" \n\t"), Err(ErrorCode::PostEmpty));
    }

    #[test]
    fn password_policy_needs_length_and_two_kinds() {
        assert_eq!(validate_password("Tsunagu-Demo-2026"), Ok(()));
        assert_eq!(validate_password("yamada-family-01"), Ok(()));
        assert_eq!(
            validate_password("short-1A"),
            Err(ErrorCode::PasswordTooWeak)
        );
        assert_eq!(
            validate_password("onlylowercaseletters"),
            Err(ErrorCode::PasswordTooWeak)
        );
    }

    #[test]
    fn enums_round_trip_their_wire_names() {
        for p in [
            Profession::CareManager,
            Profession::Nurse,
            Profession::Family,
        ] {
            assert_eq!(Profession::parse(p.as_str()), p);
        }
        for k in [FacilityKind::HomeNursingStation, FacilityKind::Pharmacy] {
            assert_eq!(FacilityKind::parse(k.as_str()), k);
        }
        assert_eq!(GroupKind::parse("patient"), GroupKind::Patient);
        assert_eq!(MemberRole::parse("admin"), MemberRole::Admin);
        for r in [
            Relationship::Patient,
            Relationship::ChildInLaw,
            Relationship::Spouse,
        ] {
            assert_eq!(Relationship::parse(r.as_str()), r);
        }
        assert_eq!(Timeline::parse("family"), Some(Timeline::Family));
        assert_eq!(Timeline::parse("both"), None);
    }
    #[test]
    fn live_events_round_trip_through_sse_name_and_data() {
        let event = LiveEvent::MemberChanged(GroupChange {
            group_id: Uuid::from_u128(7),
        });
        assert_eq!(event.name(), "member.changed");
        let data = event.data_json();
        assert_eq!(
            data,
            r#"{"group_id":"00000000-0000-0000-0000-000000000007"}"#
        );
        assert_eq!(LiveEvent::from_sse(event.name(), &data).unwrap(), event);
        assert!(LiveEvent::from_sse("post.created", &data).is_err());
    }

    #[test]
    fn posts_from_an_older_server_get_defaults() {
        let json = r#"{"id":"00000000-0000-0000-0000-000000000001",
            "group_id":"00000000-0000-0000-0000-000000000002",
            "author":{"id":"00000000-0000-0000-0000-000000000003","display_name":"a",
                "profession":"nurse","facility_name":null},
            "body":"x","created_at":"2026-11-24T00:00:00.000Z"}"#;
        let post: Post = serde_json::from_str(json).unwrap();
        assert_eq!(post.importance, Importance::Normal);
        assert_eq!(post.version, 1);
        assert!(post.edited_at.is_none() && post.mentions.is_empty());
    }
}
