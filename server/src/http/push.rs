//! Web Push: the server's VAPID key and this device's subscription, which belongs to the
//! session (replaced by a new one, gone when the session ends).

use axum::extract::State;
use axum::http::StatusCode;
use tsunagu_api::{ErrorCode, Problem, PushSubscription, PushSubscriptionStatus, VapidKey};

use super::common_responses::{JsonBodyErrors, SessionErrors};
use super::extract::{ClientIp, Json};
use super::{AppState, AuthUser, Error};
use crate::audit::{Action, Entry};
use crate::push::{check_keys, endpoint, KeyError};

/// The key a browser subscribes with (`applicationServerKey`).
#[utoipa::path(
    get,
    path = "/api/v1/push/vapid-key",
    tag = "push",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The VAPID public key", body = VapidKey),
        (status = 404, description = "Push is not configured on this server (`push_not_configured`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn vapid_key(
    State(state): State<AppState>,
    _auth: AuthUser,
) -> Result<axum::Json<VapidKey>, Error> {
    let public_key = state.push.public_key().ok_or(Error::PushNotConfigured)?;
    Ok(axum::Json(VapidKey {
        public_key: public_key.to_owned(),
    }))
}

/// Subscribes this device: the session's subscription, replacing its previous one. Pushes say
/// only that something new arrived in which group; they stop when the session ends.
#[utoipa::path(
    put,
    path = "/api/v1/me/push-subscription",
    tag = "push",
    security(("bearer" = [])),
    request_body = PushSubscription,
    responses(
        (status = 204, description = "Subscribed"),
        (status = 404, description = "Push is not configured on this server (`push_not_configured`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`endpoint` not an `https://` URL of at most 2048 bytes (`push_endpoint_invalid`) or on a loopback, private or link-local address (`push_endpoint_forbidden`); `keys.p256dh` not a P-256 public key or `keys.auth` not 16 bytes, base64url (`push_key_invalid`); all with `errors`", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
    )
)]
pub async fn put_subscription(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Json(sub): Json<PushSubscription>,
) -> Result<StatusCode, Error> {
    if state.push.public_key().is_none() {
        return Err(Error::PushNotConfigured);
    }
    endpoint::validate(&sub.endpoint, state.push.allows_insecure_endpoints()).map_err(|e| {
        Error::Validation {
            field: "endpoint",
            code: match e {
                endpoint::EndpointError::Invalid => ErrorCode::PushEndpointInvalid,
                endpoint::EndpointError::Forbidden => ErrorCode::PushEndpointForbidden,
            },
        }
    })?;
    check_keys(&sub.keys).map_err(|e| Error::Validation {
        field: match e {
            KeyError::P256dh => "keys.p256dh",
            KeyError::Auth => "keys.auth",
        },
        code: ErrorCode::PushKeyInvalid,
    })?;
    state
        .store
        .set_push_subscription(
            &auth.token_hash,
            auth.user_id,
            &sub,
            crate::time::now_ms(),
            Entry::new(Action::PushSubscribe, Some(auth.user_id), ip),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether this session has a push subscription.
#[utoipa::path(
    get,
    path = "/api/v1/me/push-subscription",
    tag = "push",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Whether this device is subscribed", body = PushSubscriptionStatus),
        SessionErrors,
    )
)]
pub async fn get_subscription(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<axum::Json<PushSubscriptionStatus>, Error> {
    let subscribed = state.store.has_push_subscription(&auth.token_hash).await?;
    Ok(axum::Json(PushSubscriptionStatus { subscribed }))
}

/// Unsubscribes this device. Idempotent.
#[utoipa::path(
    delete,
    path = "/api/v1/me/push-subscription",
    tag = "push",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "No subscription (any more)"),
        SessionErrors,
    )
)]
pub async fn delete_subscription(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
) -> Result<StatusCode, Error> {
    state
        .store
        .delete_push_subscription(
            &auth.token_hash,
            Entry::new(Action::PushUnsubscribe, Some(auth.user_id), ip),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
