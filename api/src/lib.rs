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
}

/// One page of posts. Without a cursor or with `before`, the newest posts first (scrolling back
/// in time); with `after`, the oldest first (catching up).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostPage {
    pub items: Vec<Post>,
    /// Pass as the same direction's cursor to continue; `null` when there is nothing more.
    pub next_cursor: Option<String>,
}

/// `POST /api/v1/groups/{group_id}/posts` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewPost {
    /// Post text, 1 to `limits.max_post_chars` characters, not only whitespace.
    pub body: String,
}

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
    }
}
