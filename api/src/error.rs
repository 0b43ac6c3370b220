//! Errors: RFC 9457 problem details with a stable, translatable `code`.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::wire_enum::wire_names;

/// Stable machine-readable error codes. Clients translate by code, never by parsing text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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
    /// The password was right; the account logs in with a one-time code too (send `code`).
    TwoFactorRequired,
    /// The one-time or recovery code is wrong, expired or was used before.
    InvalidTwoFactorCode,
    /// Two-factor login is on for the account already.
    TwoFactorEnabled,
    /// The account must log in with two-factor authentication and has not set it up: its
    /// facility's administrator issues a new activation link, which sets it up.
    TwoFactorSetupRequired,
    /// The pledge accepted is not the version in force (it changed meanwhile): read it again.
    PledgeOutdated,
    /// The application was approved or rejected already.
    ApplicationDecided,
    /// The activation link is unknown, used, replaced or expired.
    ActivationInvalid,
    /// The staff list file cannot be read (encoding, columns, size); nothing was imported.
    ImportInvalid,
    /// Web Push is not configured on this server (no VAPID subject): the app offers none.
    PushNotConfigured,
    /// A push subscription endpoint that is not an `https://` URL of at most 2048 bytes.
    PushEndpointInvalid,
    /// A push subscription endpoint on a loopback, private or link-local address.
    PushEndpointForbidden,
    /// A subscription key that is not a P-256 public key (`p256dh`) or a 16-byte secret (`auth`).
    PushKeyInvalid,
    /// The server sends no e-mail (the operator configured no SMTP): the app offers none.
    EmailNotConfigured,
    /// Notification mail needs a confirmed address first.
    EmailNotConfirmed,
    /// The confirmation code is wrong, expired, or was tried too often (then a new one is sent
    /// by giving the address again).
    InvalidEmailCode,
    /// A code this client does not know yet (newer backend); shown as a generic error.
    Unknown,
}

wire_names!(ErrorCode {
    InvalidCredentials => "invalid_credentials",
    Unauthenticated => "unauthenticated",
    SessionExpired => "session_expired",
    NotFound => "not_found",
    NotAMember => "not_a_member",
    ValidationFailed => "validation_failed",
    PostTooLong => "post_too_long",
    PostEmpty => "post_empty",
    MalformedRequest => "malformed_request",
    UnsupportedMediaType => "unsupported_media_type",
    FileTooLarge => "file_too_large",
    IdempotencyKeyReused => "idempotency_key_reused",
    IdempotencyKeyInvalid => "idempotency_key_invalid",
    RateLimited => "rate_limited",
    InternalError => "internal_error",
    Forbidden => "forbidden",
    LastAdmin => "last_admin",
    AlreadyMember => "already_member",
    GroupArchived => "group_archived",
    InvitationInvalid => "invitation_invalid",
    InvitationDecided => "invitation_decided",
    LoginIdTaken => "login_id_taken",
    PasswordTooWeak => "password_too_weak",
    FieldRequired => "field_required",
    FieldTooLong => "field_too_long",
    PreconditionFailed => "precondition_failed",
    PreconditionRequired => "precondition_required",
    PostDeleted => "post_deleted",
    FieldInvalid => "field_invalid",
    TwoFactorRequired => "two_factor_required",
    InvalidTwoFactorCode => "invalid_two_factor_code",
    TwoFactorEnabled => "two_factor_enabled",
    TwoFactorSetupRequired => "two_factor_setup_required",
    PledgeOutdated => "pledge_outdated",
    ApplicationDecided => "application_decided",
    ActivationInvalid => "activation_invalid",
    ImportInvalid => "import_invalid",
    PushNotConfigured => "push_not_configured",
    PushEndpointInvalid => "push_endpoint_invalid",
    PushEndpointForbidden => "push_endpoint_forbidden",
    PushKeyInvalid => "push_key_invalid",
    EmailNotConfigured => "email_not_configured",
    EmailNotConfirmed => "email_not_confirmed",
    InvalidEmailCode => "invalid_email_code",
    Unknown => "unknown",
} else Unknown);

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_error_codes_deserialise_as_unknown() {
        let p: Problem = serde_json::from_str(
            r#"{"type":"about:blank","title":"x","status":418,"code":"brand_new_code"}"#,
        )
        .unwrap();
        assert_eq!(p.code, ErrorCode::Unknown);
    }
}
