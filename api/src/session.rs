//! Logging in, the session and the logged-in user, and the password policy.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{rfc3339_millis, ErrorCode, FacilityRef, Profession};

/// `POST /api/v1/sessions` body: log in with login ID and password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoginRequest {
    pub login_id: String,
    pub password: String,
    /// For an account with two-factor login: the 6-digit code its authenticator app shows, or
    /// one of its recovery codes. Without it such an account is answered `two_factor_required`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// With `code`: remember this device (the answer's `device_token`), where the operator
    /// allows it (`Meta.remember_device_days` > 0).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remember_device: bool,
    /// A remembered device's token: the code is not asked while it is valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_token: Option<String>,
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
    /// The token of a device remembered at this login (`remember_device`): send it as
    /// `device_token` with later logins of this account on this device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_token: Option<String>,
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
    /// Whether this account logs in with a one-time code from an authenticator app as well.
    #[serde(default)]
    pub two_factor: bool,
}

/// Checks a new password for an account without two-factor login against the policy, as the
/// server does, so the client can refuse early with the same code (see [`password_policy`]).
///
/// [`password_policy`]: crate::password_policy
pub fn validate_password(password: &str) -> Result<(), ErrorCode> {
    crate::password_policy::check(password, "", false).map_err(|_| ErrorCode::PasswordTooWeak)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy_needs_length_and_mixed_kinds() {
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
        assert_eq!(
            validate_password("Only-Letters-And-Symbols"),
            Err(ErrorCode::PasswordTooWeak)
        );
    }
}
