//! Web Push: the server's VAPID key and this device's subscription. A subscription belongs to
//! the user and the device (its endpoint): it outlives the idle expiry of the session that
//! registered it, and ends when that session logs out, when all the account's sessions end
//! (password reset, suspension, offboarding), or on unsubscribing.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use tsunagu_api::{ErrorCode, Problem, PushSubscription, PushSubscriptionStatus, VapidKey};
use utoipa::IntoParams;

use super::common_responses::{JsonBodyErrors, SessionErrors};
use super::extract::{ClientIp, Json, Query};
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

/// A device's push address, to ask about or remove its subscription when the session that
/// registered it has expired (a new login on the same device).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PushDeviceParams {
    /// The subscription's `endpoint` (URL-encoded): answered for, or removed from, the caller's
    /// subscriptions through any session, including one whose session has expired.
    endpoint: Option<String>,
}

/// Subscribes this device to the caller and this session. The same `endpoint` registered again
/// (after a new login on the device, or by another user of a shared one) moves here: its
/// previous owner gets no more pushes on it. A session has one subscription: another endpoint
/// replaces its previous one. Pushes say only that something new arrived in which group; they
/// go on after this session's idle expiry and stop when it logs out, when all the account's
/// sessions end (password reset, suspension, offboarding) or on unsubscribing.
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

/// Whether this session has a push subscription; with `endpoint`, whether that device is
/// subscribed for the caller, through this session, an earlier one that has expired, or
/// another of theirs. A device that logged in again asks with its endpoint to show the switch
/// as on, and subscribes again (`PUT`) to attach it to the new session.
#[utoipa::path(
    get,
    path = "/api/v1/me/push-subscription",
    tag = "push",
    security(("bearer" = [])),
    params(PushDeviceParams),
    responses(
        (status = 200, description = "Whether this session (or, with `endpoint`, that device) is subscribed for the caller", body = PushSubscriptionStatus),
        (status = 400, description = "Malformed query (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn get_subscription(
    State(state): State<AppState>,
    auth: AuthUser,
    Query(params): Query<PushDeviceParams>,
) -> Result<axum::Json<PushSubscriptionStatus>, Error> {
    let subscribed = match params.endpoint {
        Some(endpoint) => {
            state
                .store
                .has_push_endpoint(auth.user_id, &endpoint)
                .await?
        }
        None => state.store.has_push_subscription(&auth.token_hash).await?,
    };
    Ok(axum::Json(PushSubscriptionStatus { subscribed }))
}

/// Unsubscribes this session's device and, with `endpoint`, the caller's subscription of that
/// device (also one whose session has expired). Idempotent.
#[utoipa::path(
    delete,
    path = "/api/v1/me/push-subscription",
    tag = "push",
    security(("bearer" = [])),
    params(PushDeviceParams),
    responses(
        (status = 204, description = "No subscription (any more)"),
        (status = 400, description = "Malformed query (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn delete_subscription(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Query(params): Query<PushDeviceParams>,
) -> Result<StatusCode, Error> {
    state
        .store
        .delete_push_subscription(
            &auth.token_hash,
            auth.user_id,
            params.endpoint.as_deref(),
            Entry::new(Action::PushUnsubscribe, Some(auth.user_id), ip),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
