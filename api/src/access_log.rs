//! `GET /api/v1/access-log`: the access log (MHLW guideline 6.0 §17) as the operator and
//! facility administrators review it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::rfc3339_millis;

/// Who an entry is about, as the reviewer sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccessLogUser {
    pub id: Uuid,
    pub login_id: String,
    pub display_name: String,
}

/// One entry: who did what, to which group, when (server clock) and from where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccessLogEntry {
    /// Position in the log (and the keyset of its pages).
    pub id: i64,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: DateTime<Utc>,
    /// The account that acted; `null` for what happened without a login (an application, a
    /// failed login of an unknown ID).
    pub user: Option<AccessLogUser>,
    /// What happened, e.g. `posts.read`, `session.create`, `session.login_failed`,
    /// `access.refused`, `member.add`, `staff.export`.
    pub action: String,
    pub group_id: Option<Uuid>,
    /// The group's name, only for a reviewer who is a member of it: a patient group is named
    /// after the patient, and reviewing the log grants no access to patient data.
    pub group_name: Option<String>,
    /// What was acted on (a post, an account, an application…).
    pub target_id: Option<Uuid>,
    pub client_ip: Option<String>,
}

/// A page of the access log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccessLogPage {
    pub items: Vec<AccessLogEntry>,
    /// Pass as `before` for the next (older) page; `null` on the last page.
    pub next_before: Option<i64>,
}
