//! `GET /api/v1/meta`: who the backend is and what it implements.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `GET /api/v1/meta`: who this backend is and which optional capabilities it implements, so a
/// client can adapt to a backend that implements a subset of the contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Meta {
    /// Product name of the backend, e.g. `tsunagu-server`.
    pub name: String,
    /// Version of the backend software.
    pub version: String,
    /// Contract version implemented, `v1`.
    pub api_version: String,
    /// Optional capabilities implemented, e.g. `search`, `web_push`, `resumable_upload`.
    pub capabilities: Vec<String>,
    /// Limits the client should enforce before sending.
    pub limits: Limits,
    /// True while the deployment has no operator account yet: the login page then tells whoever
    /// set it up how to create the first one. Absent (false) from backends that do not say.
    #[serde(default)]
    pub first_start: bool,
    /// Days a login with a one-time code may remember its device; 0 when the operator does not
    /// allow it (the login page then does not offer it).
    #[serde(default)]
    pub remember_device_days: u32,
}

/// Limits a backend enforces; clients check them first to give an early, translated message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Limits {
    /// Maximum characters (Unicode scalar values) in a post body.
    pub max_post_chars: u32,
    /// Maximum `limit` of a list request.
    pub max_page_limit: u32,
    /// Seconds of inactivity after which a session expires.
    pub session_idle_timeout_seconds: u32,
}

/// `GET /api/v1/health`: this instance takes traffic (`status` is `ok`). A load balancer checks
/// it; an instance shutting down or without its database answers 503 instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Health {
    /// `ok`.
    pub status: String,
}
