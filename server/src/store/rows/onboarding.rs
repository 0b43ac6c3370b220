//! Applications, the pledge, staff accounts and activation links.

use tsunagu_api::{
    AccountStatus, Application, ApplicationForm, ApplicationStatus, FacilityKind, FacilityRef,
    Pledge, Profession, StaffMember,
};

use crate::store::id::Id;
use crate::time::from_ms;

/// [`ApplicationRow`]'s select list, the same on both backends; callers append `WHERE`/`ORDER`.
pub const SELECT_APPLICATIONS: &str = "SELECT a.id, a.status, a.facility_name,
        a.facility_name_kana, a.facility_kind, a.address, a.representative_name,
        a.representative_name_kana, a.representative_profession, a.login_id, a.phone, a.email,
        a.pledge_version, a.submitted_at_ms, a.decided_at_ms, d.display_name AS decided_by,
        a.reason, f.id AS facility_id, f.name AS facility_name_now, f.kind AS facility_kind_now
    FROM applications a
    LEFT JOIN users d ON d.id = a.decided_by
    LEFT JOIN facilities f ON f.id = a.facility_id";

#[derive(Debug, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: Id,
    status: String,
    facility_name: String,
    facility_name_kana: String,
    facility_kind: String,
    address: String,
    representative_name: String,
    representative_name_kana: String,
    representative_profession: String,
    login_id: String,
    phone: String,
    email: String,
    pledge_version: i32,
    submitted_at_ms: i64,
    decided_at_ms: Option<i64>,
    decided_by: Option<String>,
    reason: Option<String>,
    facility_id: Option<Id>,
    facility_name_now: Option<String>,
    facility_kind_now: Option<String>,
}

impl ApplicationRow {
    pub fn is_pending(&self) -> bool {
        self.status == "pending"
    }

    pub fn into_application(self) -> Application {
        let facility = match (
            self.facility_id,
            self.facility_name_now,
            self.facility_kind_now,
        ) {
            (Some(id), Some(name), Some(kind)) => Some(FacilityRef {
                id: id.into_uuid(),
                name,
                kind: FacilityKind::parse(&kind),
            }),
            _ => None,
        };
        Application {
            id: self.id.into_uuid(),
            status: self.status.parse().unwrap_or(ApplicationStatus::Pending),
            form: ApplicationForm {
                facility_name: self.facility_name,
                facility_name_kana: self.facility_name_kana,
                facility_kind: FacilityKind::parse(&self.facility_kind),
                address: self.address,
                representative_name: self.representative_name,
                representative_name_kana: self.representative_name_kana,
                representative_profession: Profession::parse(&self.representative_profession),
                login_id: self.login_id,
                phone: self.phone,
                email: self.email,
                pledge_version: self.pledge_version as u32,
            },
            submitted_at: from_ms(self.submitted_at_ms),
            decided_at: self.decided_at_ms.map(from_ms),
            decided_by: self.decided_by,
            reason: self.reason,
            facility,
        }
    }
}

/// The pledge (`version, body, published_at_ms`).
#[derive(Debug, sqlx::FromRow)]
pub struct PledgeRow {
    version: i32,
    body: String,
    published_at_ms: i64,
}

impl PledgeRow {
    pub fn into_pledge(self) -> Pledge {
        Pledge {
            version: self.version as u32,
            text: self.body,
            published_at: from_ms(self.published_at_ms),
        }
    }
}

/// The pledge in force: the newest version.
pub const SELECT_CURRENT_PLEDGE: &str =
    "SELECT version, body, published_at_ms FROM pledges ORDER BY version DESC LIMIT 1";

/// [`StaffRow`]'s select list; callers append the `WHERE`.
pub const SELECT_STAFF: &str = "SELECT id, login_id, display_name, display_name_kana,
        profession, is_facility_admin, disabled, pending_activation, offboarded_at_ms,
        totp_enabled
    FROM users";

#[derive(Debug, sqlx::FromRow)]
pub struct StaffRow {
    id: Id,
    login_id: String,
    display_name: String,
    display_name_kana: String,
    profession: String,
    is_facility_admin: bool,
    disabled: bool,
    pending_activation: bool,
    offboarded_at_ms: Option<i64>,
    totp_enabled: bool,
}

impl StaffRow {
    pub fn into_staff(self) -> StaffMember {
        let status = if self.offboarded_at_ms.is_some() {
            AccountStatus::Offboarded
        } else if self.disabled {
            AccountStatus::Suspended
        } else if self.pending_activation {
            AccountStatus::PendingActivation
        } else {
            AccountStatus::Active
        };
        StaffMember {
            id: self.id.into_uuid(),
            login_id: self.login_id,
            display_name: self.display_name,
            display_name_kana: self.display_name_kana,
            profession: Profession::parse(&self.profession),
            is_facility_admin: self.is_facility_admin,
            status,
            two_factor: self.totp_enabled,
        }
    }
}

/// An open activation link with its account; callers append the token hash's bind.
pub const SELECT_ACTIVATION: &str = "SELECT u.id AS user_id, u.login_id, u.display_name,
        u.profession, u.totp_secret, u.totp_enabled, f.id AS facility_id,
        f.name AS facility_name, f.kind AS facility_kind, l.expires_at_ms
    FROM activation_links l
    JOIN users u ON u.id = l.user_id
    LEFT JOIN facilities f ON f.id = u.facility_id
    WHERE l.used_at_ms IS NULL AND NOT u.disabled AND u.pending_activation
      AND l.token_hash =";

#[derive(Debug, sqlx::FromRow)]
pub struct ActivationRow {
    user_id: Id,
    login_id: String,
    display_name: String,
    profession: String,
    totp_secret: Option<String>,
    totp_enabled: bool,
    facility_id: Option<Id>,
    facility_name: Option<String>,
    facility_kind: Option<String>,
    expires_at_ms: i64,
}

impl ActivationRow {
    pub fn into_target(self) -> crate::store::ActivationTarget {
        let facility = match (self.facility_id, self.facility_name, self.facility_kind) {
            (Some(id), Some(name), Some(kind)) => Some(FacilityRef {
                id: id.into_uuid(),
                name,
                kind: FacilityKind::parse(&kind),
            }),
            _ => None,
        };
        crate::store::ActivationTarget {
            user_id: self.user_id.into_uuid(),
            login_id: self.login_id,
            display_name: self.display_name,
            profession: Profession::parse(&self.profession),
            facility,
            expires_at_ms: self.expires_at_ms,
            // A secret of an enrolment started on this link (not one already in use).
            pending_secret: self.totp_secret.filter(|_| !self.totp_enabled),
        }
    }
}
