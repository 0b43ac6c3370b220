//! Web Push (RFC 8030/8291/8292): the server's VAPID key, this device's subscription and the
//! per-group mute. A push says only that something new arrived, never what or from whom.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::GroupKind;

/// Longest subscription endpoint accepted, in bytes (push services use a few hundred).
pub const MAX_PUSH_ENDPOINT_BYTES: usize = 2048;

/// The title of every push: the lock screen shows nothing of the post.
pub const PUSH_TITLE: &str = "新しいメッセージがあります";

/// `GET /api/v1/push/vapid-key`: the application server key a browser subscribes with
/// (`applicationServerKey` of `PushManager.subscribe`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VapidKey {
    /// The uncompressed P-256 public key (65 bytes), base64url without padding.
    pub public_key: String,
}

/// The keys of a push subscription, as `PushSubscription.toJSON()` gives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PushKeys {
    /// The browser's P-256 public key (65 bytes uncompressed), base64url.
    pub p256dh: String,
    /// The 16-byte authentication secret, base64url.
    pub auth: String,
}

/// `PUT /api/v1/me/push-subscription` body: this device's subscription, for the caller and
/// the session (replacing the session's previous one; the same endpoint moves from whoever had
/// it). It outlives the session's idle expiry and ends at its logout, when all the account's
/// sessions end, or on unsubscribing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PushSubscription {
    /// The push service's `https://` URL for this browser.
    pub endpoint: String,
    pub keys: PushKeys,
}

/// `GET /api/v1/me/push-subscription`: whether this session has a subscription (with
/// `?endpoint=`, whether that device is subscribed for the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PushSubscriptionStatus {
    pub subscribed: bool,
}

/// `PUT /api/v1/groups/{group_id}/mute` body. A muted group sends the caller no push, except
/// for urgent (至急) posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GroupMute {
    pub muted: bool,
}

/// What a push carries (the decrypted payload the service worker reads): where to open, and
/// whether it is urgent. Never the text, the author or the patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushPayload {
    /// Always [`PUSH_TITLE`].
    pub title: String,
    pub kind: GroupKind,
    pub group: Uuid,
    pub urgent: bool,
}

impl PushPayload {
    pub fn new(kind: GroupKind, group: Uuid, urgent: bool) -> Self {
        Self {
            title: PUSH_TITLE.to_owned(),
            kind,
            group,
            urgent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_is_exactly_title_kind_group_urgent() {
        let group = Uuid::from_u128(7);
        let json =
            serde_json::to_string(&PushPayload::new(GroupKind::Patient, group, true)).unwrap();
        assert_eq!(
            json,
            format!(
                r#"{{"title":"新しいメッセージがあります","kind":"patient","group":"{group}","urgent":true}}"#
            )
        );
    }
}
