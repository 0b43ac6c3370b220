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
    /// Seconds without input (pointer, keyboard, touch, scrolling) after which the nurse's app
    /// covers its screen, removes what it showed and asks for the password again (MHLW
    /// guideline 6.0); `0`: no lock. Also when the page was hidden for longer. Set by the
    /// operator of the deployment. Absent from backends that do not say: 900 (15 minutes,
    /// `DEFAULT_IDLE_LOCK_SECONDS`).
    #[serde(default = "default_idle_lock_seconds")]
    pub idle_lock_seconds: u32,
}

/// The screen lock after 15 minutes without input, when the backend does not say otherwise.
pub const DEFAULT_IDLE_LOCK_SECONDS: u32 = 15 * 60;

fn default_idle_lock_seconds() -> u32 {
    DEFAULT_IDLE_LOCK_SECONDS
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
    /// Sizes of uploads; absent from backends without media (their defaults apply).
    #[serde(default)]
    pub media: crate::MediaLimits,
}

/// `GET /api/v1/health`: this instance takes traffic (`status` is `ok`). A load balancer checks
/// it; an instance shutting down or without its database answers 503 instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Health {
    /// `ok`.
    pub status: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backend_that_does_not_say_gets_the_fifteen_minute_lock() {
        let base = r#""name":"x","version":"1","api_version":"v1","capabilities":[],
            "limits":{"max_post_chars":1,"max_page_limit":1,"session_idle_timeout_seconds":1}"#;
        let silent: Meta = serde_json::from_str(&format!("{{{base}}}")).unwrap();
        assert_eq!(silent.idle_lock_seconds, 900);
        let off: Meta =
            serde_json::from_str(&format!("{{{base},\"idle_lock_seconds\":0}}")).unwrap();
        assert_eq!(off.idle_lock_seconds, 0);
    }
}
