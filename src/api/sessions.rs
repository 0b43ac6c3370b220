//! Client calls of the backend description, logging in and out, and the current user.

use gloo_net::http::Method;
use serde::Deserialize;
use tsunagu_api::{
    LoginRequest, Me, Meta, RecoveryCodes, Session, TwoFactorConfirm, TwoFactorEnrolment,
    TwoFactorStart,
};

use super::{decode, to_json, ApiError, Client};

/// What the live connection reads of `GET /meta`: the capabilities and the idle lock, so the
/// nurse's app carries no parser for the rest (names, versions, limits), which it does not show
/// (docs/performance.md).
#[derive(Deserialize)]
pub struct Capabilities {
    capabilities: Vec<String>,
    #[serde(default = "default_idle_lock_seconds")]
    idle_lock_seconds: u32,
}

fn default_idle_lock_seconds() -> u32 {
    tsunagu_api::DEFAULT_IDLE_LOCK_SECONDS
}

impl Capabilities {
    /// Whether the backend has the event stream (capability `events`).
    pub fn has_events(&self) -> bool {
        self.capabilities.iter().any(|c| c == "events")
    }

    /// Seconds without input after which the nurse's app locks (0: never).
    pub fn idle_lock_seconds(&self) -> u32 {
        self.idle_lock_seconds
    }
}

/// What the login page reads of `GET /meta`: whether the deployment is new, and whether a
/// device may be remembered after a login with a one-time code.
#[derive(Deserialize)]
pub struct LoginMeta {
    #[serde(default)]
    pub first_start: bool,
    #[serde(default)]
    pub remember_device_days: u32,
}

impl Client {
    /// `GET /meta`.
    pub async fn meta(&self) -> Result<Meta, ApiError> {
        self.get_json("/meta").await
    }

    /// `GET /meta`, read for the capabilities and the idle lock only.
    pub async fn capabilities(&self) -> Result<Capabilities, ApiError> {
        self.get_json("/meta").await
    }

    /// `GET /meta`, read for the media limits only (the composer checks files against them);
    /// a backend without media gives the defaults.
    pub async fn media_limits(&self) -> Result<tsunagu_api::MediaLimits, ApiError> {
        #[derive(Deserialize)]
        struct MetaMedia {
            #[serde(default)]
            limits: LimitsMedia,
        }
        #[derive(Deserialize, Default)]
        struct LimitsMedia {
            #[serde(default)]
            media: tsunagu_api::MediaLimits,
        }
        let m: MetaMedia = self.get_json("/meta").await?;
        Ok(m.limits.media)
    }

    /// `GET /meta`, read for what the login page shows: whether the deployment has no operator
    /// yet, and for how many days a device may be remembered.
    pub async fn login_meta(&self) -> Result<LoginMeta, ApiError> {
        self.get_json("/meta").await
    }

    /// `POST /me/two-factor`: starts enrolling an authenticator app.
    pub async fn start_two_factor(&self, password: String) -> Result<TwoFactorEnrolment, ApiError> {
        let body = to_json(&TwoFactorStart { password })?;
        self.send_json(Method::POST, "/me/two-factor", Some(body))
            .await
    }

    /// `POST /me/two-factor/confirm`: turns two-factor login on with the app's first code.
    pub async fn confirm_two_factor(&self, code: String) -> Result<RecoveryCodes, ApiError> {
        let body = to_json(&TwoFactorConfirm { code })?;
        self.send_json(Method::POST, "/me/two-factor/confirm", Some(body))
            .await
    }

    /// `POST /sessions`: logs in.
    pub async fn login(&self, req: &LoginRequest) -> Result<Session, ApiError> {
        let body = serde_json::to_string(req).map_err(|_| ApiError::Network)?;
        decode(
            self.fetch(Method::POST, "/sessions", Some(body), None)
                .await?,
        )
        .await
    }

    /// `DELETE /sessions/current`: logs out.
    pub async fn logout(&self) -> Result<(), ApiError> {
        self.fetch(Method::DELETE, "/sessions/current", None, None)
            .await
            .map(|_| ())
    }

    /// `GET /me`.
    pub async fn me(&self) -> Result<Me, ApiError> {
        self.get_json("/me").await
    }
}
