//! From a facility's online application to its staff's first login: the confidentiality pledge,
//! applications and the operator's decision, activation links, facility staff, and the
//! operator's settings.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::wire_enum::wire_names;
use crate::{rfc3339_millis, FacilityKind, FacilityRef, Profession, Session};

/// Days a device is remembered after a login with a one-time code (when the operator allows).
pub const REMEMBER_DEVICE_DAYS: u32 = 30;
/// Hours an activation link stays open.
pub const ACTIVATION_LINK_HOURS: u32 = 72;
/// Longest free text of an application (address, reason) in characters.
pub const MAX_APPLICATION_TEXT_CHARS: usize = 500;
/// Longest pledge text in characters.
pub const MAX_PLEDGE_CHARS: usize = 20_000;

/// `GET /api/v1/pledge`: the confidentiality pledge (連携守秘誓約書) in force. Every applicant and
/// every activated account accepts a version of it; the version accepted is recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Pledge {
    /// 1 for the text the server ships with; each change by the operator adds one.
    pub version: u32,
    pub text: String,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub published_at: DateTime<Utc>,
}

/// `PUT /api/v1/pledge` (operator): publish a new version of the pledge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PledgeText {
    pub text: String,
}

/// `POST /api/v1/applications`: a facility applies to join (利用申込), no login. The
/// representative becomes the facility's administrator with `login_id` once approved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApplicationForm {
    pub facility_name: String,
    /// Reading of the facility name in kana (hiragana or katakana).
    pub facility_name_kana: String,
    pub facility_kind: FacilityKind,
    pub address: String,
    pub representative_name: String,
    pub representative_name_kana: String,
    pub representative_profession: Profession,
    /// Login ID the representative asks for.
    pub login_id: String,
    pub phone: String,
    pub email: String,
    /// The pledge version the representative read and accepted: it must be the one in force.
    pub pledge_version: u32,
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Pending,
    Approved,
    Rejected,
}

wire_names!(ApplicationStatus {
    Pending => "pending",
    Approved => "approved",
    Rejected => "rejected",
});

/// An application as the operator reviews it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Application {
    pub id: Uuid,
    pub status: ApplicationStatus,
    pub form: ApplicationForm,
    /// When the representative accepted `form.pledge_version` (the submission).
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub submitted_at: DateTime<Utc>,
    #[serde(with = "rfc3339_millis::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub decided_at: Option<DateTime<Utc>>,
    /// Display name of the operator who decided.
    pub decided_by: Option<String>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// The facility created by the approval.
    pub facility: Option<FacilityRef>,
}

/// `GET /api/v1/applications` (operator): newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApplicationList {
    pub items: Vec<Application>,
}

/// `GET /api/v1/applications/pending` (operator): how many applications wait for a decision.
/// Names nobody, so reading it is not audited: the console asks every minute to tell the
/// operator that a new one arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PendingApplications {
    pub count: u32,
}

/// `POST /api/v1/applications` answer: the application is queued for the operator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApplicationReceipt {
    pub id: Uuid,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub submitted_at: DateTime<Utc>,
}

/// `POST /api/v1/applications/{id}/rejection` (operator): the reason told to the applicant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Rejection {
    pub reason: String,
}

/// A one-time activation link: the person opens `/activate/{token}`, sets a password (and
/// two-factor login) and is logged in. Open 72 hours, single use; a newer link for the same
/// account closes the older one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ActivationLink {
    /// The account it activates.
    pub user_id: Uuid,
    pub login_id: String,
    /// The secret part of the link; only the one who asked for the link ever sees it.
    pub token: String,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/v1/applications/{id}/approval` answer: the new facility and its administrator's
/// activation link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Approval {
    pub facility: FacilityRef,
    pub activation: ActivationLink,
}

/// `GET /api/v1/activation/{token}`: whose account the link activates, no login.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ActivationInfo {
    pub login_id: String,
    pub display_name: String,
    pub facility: Option<FacilityRef>,
    /// The operator requires two-factor login of this account: activation enrols it.
    pub two_factor_required: bool,
    /// The pledge to accept.
    pub pledge: Pledge,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/v1/activation/{token}`: set the password, accept the pledge and, when enrolment
/// was started on this link (`POST /api/v1/activation/{token}/two-factor`), confirm it with the
/// first code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Activate {
    pub password: String,
    /// The pledge version read and accepted: it must be the one in force.
    pub pledge_version: u32,
    /// The first code of the authenticator app; required when two-factor login is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// `POST /api/v1/activation/{token}` answer: logged in, and the recovery codes (shown once)
/// when two-factor login was set up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Activated {
    pub session: Session,
    #[serde(default)]
    pub recovery_codes: Vec<String>,
}

/// Where an account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Can log in.
    Active,
    /// Waits for its activation link to be used (new, or reset).
    PendingActivation,
    /// Suspended: cannot log in, may be reactivated.
    Suspended,
    /// Left the facility: removed from every group, cannot log in; what they wrote stays.
    Offboarded,
}

wire_names!(AccountStatus {
    Active => "active",
    PendingActivation => "pending_activation",
    Suspended => "suspended",
    Offboarded => "offboarded",
});

/// A staff account of a facility, as its administrator (or the operator) manages it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffMember {
    pub id: Uuid,
    pub login_id: String,
    pub display_name: String,
    pub display_name_kana: String,
    pub profession: Profession,
    pub is_facility_admin: bool,
    pub status: AccountStatus,
    pub two_factor: bool,
}

/// `GET /api/v1/facilities/{id}/staff`: by kana.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffList {
    pub facility: FacilityRef,
    pub items: Vec<StaffMember>,
}

/// `POST /api/v1/facilities/{id}/staff`: a new staff account, waiting for activation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewStaff {
    pub display_name: String,
    pub display_name_kana: String,
    pub profession: Profession,
    pub login_id: String,
}

/// A staff account just created (or reset), with the link to hand to the person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffActivation {
    pub staff: StaffMember,
    pub activation: ActivationLink,
}

/// Who must log in with two-factor authentication (MHLW guideline 6.0): everyone, or accounts
/// of these facility kinds or professions. Operators always may enrol; accounts without a
/// facility (family) are covered by `everyone` and `professions` only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct TwoFactorPolicy {
    pub everyone: bool,
    #[serde(default)]
    pub facility_kinds: Vec<FacilityKind>,
    #[serde(default)]
    pub professions: Vec<Profession>,
}

impl TwoFactorPolicy {
    /// Whether an account of this facility kind and profession must use two-factor login.
    pub fn requires(&self, facility_kind: Option<FacilityKind>, profession: Profession) -> bool {
        self.everyone
            || facility_kind.is_some_and(|k| self.facility_kinds.contains(&k))
            || self.professions.contains(&profession)
    }
}

/// `GET`/`PUT /api/v1/settings` (operator): how this deployment runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct Settings {
    pub two_factor: TwoFactorPolicy,
    /// Whether a login with a one-time code may remember its device for
    /// [`REMEMBER_DEVICE_DAYS`] days, so the code is not asked there again meanwhile.
    pub remember_device: bool,
    /// Minutes without input after which the app locks its screen (1–120).
    pub idle_lock_minutes: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            two_factor: TwoFactorPolicy::default(),
            remember_device: false,
            idle_lock_minutes: 15,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_covers_everyone_or_the_listed_kinds_and_professions() {
        let none = TwoFactorPolicy::default();
        assert!(!none.requires(Some(FacilityKind::Clinic), Profession::Physician));
        let all = TwoFactorPolicy {
            everyone: true,
            ..TwoFactorPolicy::default()
        };
        assert!(all.requires(None, Profession::Family));
        let hospitals = TwoFactorPolicy {
            facility_kinds: vec![FacilityKind::Hospital],
            ..TwoFactorPolicy::default()
        };
        assert!(hospitals.requires(Some(FacilityKind::Hospital), Profession::Nurse));
        assert!(!hospitals.requires(Some(FacilityKind::Clinic), Profession::Nurse));
        assert!(!hospitals.requires(None, Profession::Family));
        let doctors = TwoFactorPolicy {
            professions: vec![Profession::Physician],
            ..TwoFactorPolicy::default()
        };
        assert!(doctors.requires(None, Profession::Physician));
        assert!(!doctors.requires(Some(FacilityKind::Hospital), Profession::Nurse));
    }
}

/// One problem of a row of a staff list file: the column (`display_name`, `display_name_kana`,
/// `profession`, `login_id`) and a stable code (`missing`, `too_long`, `invalid_characters`,
/// `invalid_kana`, `unknown_profession`, `not_staff_profession`, `invalid_login_id`,
/// `duplicate_in_file`, `login_id_taken`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImportProblem {
    pub field: String,
    pub code: String,
}

/// One data row of a staff list file, as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImportRow {
    /// The row number the spreadsheet shows (the header is row 1).
    pub line: u32,
    /// The account the row gives, when it has no problem.
    pub staff: Option<NewStaff>,
    #[serde(default)]
    pub problems: Vec<ImportProblem>,
}

/// `POST /api/v1/facilities/{id}/staff/import`: the file read row by row. With `dry_run` (the
/// preview) nothing is created; otherwise every row was created — all rows or none — and
/// `created` holds each account's activation link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffImport {
    pub rows: Vec<ImportRow>,
    /// Rows without a problem.
    pub valid: u32,
    /// Rows with at least one problem: when there are any, nothing can be imported.
    pub invalid: u32,
    #[serde(default)]
    pub created: Vec<StaffActivation>,
}
