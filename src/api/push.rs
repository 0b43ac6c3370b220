//! Client calls of Web Push: the server's key, this device's subscription, a group's mute.

use gloo_net::http::Method;
use tsunagu_api::{GroupMute, PushSubscription, PushSubscriptionStatus, VapidKey};
use uuid::Uuid;

use super::{query, to_json, ApiError, Client};

impl Client {
    /// `GET /push/vapid-key`: the key browsers subscribe with; `push_not_configured` when the
    /// server sends no pushes.
    pub async fn vapid_key(&self) -> Result<VapidKey, ApiError> {
        self.get_json("/push/vapid-key").await
    }

    /// `GET /me/push-subscription?endpoint=`: whether this browser's subscription is mine on
    /// the server (it outlives an idle session; a logout ends it).
    pub async fn push_status(&self, endpoint: String) -> Result<PushSubscriptionStatus, ApiError> {
        let q = query(&[("endpoint", Some(endpoint))]);
        self.get_json(&format!("/me/push-subscription{q}")).await
    }

    /// `PUT /me/push-subscription`: this device's subscription, replacing its last one.
    pub async fn put_push_subscription(&self, sub: &PushSubscription) -> Result<(), ApiError> {
        self.send_empty(Method::PUT, "/me/push-subscription", Some(to_json(sub)?))
            .await
    }

    /// `DELETE /me/push-subscription?endpoint=`: no more pushes to this device (also when
    /// another, expired session of mine registered it).
    pub async fn delete_push_subscription(&self, endpoint: Option<String>) -> Result<(), ApiError> {
        let q = query(&[("endpoint", endpoint)]);
        self.send_empty(Method::DELETE, &format!("/me/push-subscription{q}"), None)
            .await
    }

    /// `PUT /groups/{id}/mute`: no pushes from this group but urgent ones (or all again).
    pub async fn set_group_mute(&self, group: Uuid, muted: bool) -> Result<(), ApiError> {
        let body = to_json(&GroupMute { muted })?;
        self.send_empty(Method::PUT, &format!("/groups/{group}/mute"), Some(body))
            .await
    }
}
