//! E-mail as a second notification channel, as MCS users know it: a member gives an address,
//! confirms it with a code sent there, and chooses to hear of new posts at once, in a digest, or
//! not at all. A mail says only that a group has something new, with a link; never the text,
//! the author or an attachment.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::wire_enum::wire_names;

/// Longest e-mail address accepted, in bytes (RFC 5321's path limit).
pub const MAX_EMAIL_ADDRESS_BYTES: usize = 254;

/// Digits of the confirmation code mailed to a new address.
pub const EMAIL_CODE_DIGITS: usize = 6;

/// How a member hears of new posts by e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EmailMode {
    /// One mail per new post the member may read (muted groups: urgent posts only).
    Immediate,
    /// At most one mail per digest period, listing the groups with unread posts since the last.
    Digest,
    /// No notification mail.
    Off,
}

wire_names!(EmailMode {
    Immediate => "immediate",
    Digest => "digest",
    Off => "off",
});

/// `GET /api/v1/me/email-notifications` (and the answer of every change): the caller's
/// notification address and mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EmailNotifications {
    /// Whether this server sends e-mail at all (the operator configured SMTP). When false the
    /// app explains it and offers nothing.
    pub available: bool,
    /// The address mails go to, once given; `None` before.
    pub address: Option<String>,
    /// Whether the address was confirmed with the mailed code. Only a confirmed address gets
    /// notifications.
    pub confirmed: bool,
    /// Off until the member chooses, and while the address is unconfirmed.
    pub mode: EmailMode,
    /// The digest period in minutes (the operator's setting), for the app to say how often.
    pub digest_every_minutes: u32,
}

/// `PUT /api/v1/me/email-notifications/address` body: a new address. The server mails a
/// confirmation code to it; until confirmed the address gets nothing else and the mode is off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SetEmailAddress {
    pub address: String,
}

/// `POST /api/v1/me/email-notifications/confirm` body: the code from the confirmation mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ConfirmEmailAddress {
    pub code: String,
}

/// `PUT /api/v1/me/email-notifications/mode` body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SetEmailMode {
    pub mode: EmailMode,
}
