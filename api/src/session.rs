//! Logging in, the session and the logged-in user, and the password policy.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{rfc3339_millis, ErrorCode, FacilityRef, Profession, MIN_PASSWORD_CHARS};

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
}
