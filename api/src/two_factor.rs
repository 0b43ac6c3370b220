//! Two-factor login: enrolment of an authenticator app and the recovery codes.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `POST /api/v1/me/two-factor`: start enrolment, confirming who asks with the password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TwoFactorStart {
    pub password: String,
}

/// What the authenticator app needs: the QR code to scan, or the key to type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TwoFactorEnrolment {
    /// The shared secret in base32, for typing into the app by hand.
    pub secret: String,
    /// The `otpauth://totp/…` URI the QR code holds.
    pub otpauth_uri: String,
    /// The URI as an SVG QR code (a complete SVG document).
    pub qr_svg: String,
}

/// `POST /api/v1/me/two-factor/confirm`: the first code the app shows, proving it was set up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TwoFactorConfirm {
    pub code: String,
}

/// Single-use codes for logging in without the phone; shown once, only their hashes are kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}
