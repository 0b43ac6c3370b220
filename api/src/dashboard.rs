//! The operator's adoption dashboard: the seed's table of registered facilities by type, users
//! by profession, weekly activity and new patient groups, each counted by the server with
//! aggregate queries (no per-row data leaves it). Weeks start on Monday and months on the 1st,
//! in Japan time.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{rfc3339_millis, FacilityKind, Profession};

/// Weeks of activity the dashboard shows.
pub const DASHBOARD_WEEKS: usize = 12;
/// Months of new patient groups the dashboard shows.
pub const DASHBOARD_MONTHS: usize = 12;
/// Most facilities listed as approved but never active (the total is always given).
pub const MAX_NEVER_ACTIVE_LISTED: usize = 200;

/// `GET /api/v1/operator/dashboard` (operators only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdoptionDashboard {
    /// When the numbers were counted.
    #[serde(with = "rfc3339_millis")]
    pub counted_at: DateTime<Utc>,
    /// One row per facility kind, every kind, in `FacilityKind` order.
    pub facilities: Vec<FacilityKindRow>,
    /// One row per profession, every profession, in `Profession` order.
    pub professions: Vec<ProfessionRow>,
    /// The last [`DASHBOARD_WEEKS`] weeks, oldest first; the last is the current week so far.
    pub weeks: Vec<WeekRow>,
    /// The last [`DASHBOARD_MONTHS`] months, oldest first; the last is the current month so far.
    pub patient_groups: Vec<MonthRow>,
    /// Approved facilities none of whose staff ever used the system, longest waiting first, at
    /// most [`MAX_NEVER_ACTIVE_LISTED`].
    pub never_active: Vec<NeverActiveFacility>,
    /// How many approved facilities never became active in all.
    pub never_active_total: u32,
}

/// Registered facilities of one kind (the seed's 登録状況 table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilityKindRow {
    pub kind: FacilityKind,
    /// Facilities registered (approved or created by the operator), suspended ones included.
    pub registered: u32,
    /// Of them, those with at least one staff member active in the last 7 days.
    pub active_7_days: u32,
    /// Of them, those whose staff never used the system.
    pub never_active: u32,
    /// Accounts of their staff (not offboarded).
    pub users: u32,
    /// Posts their staff wrote in the last 7 days.
    pub posts_7_days: u32,
}

/// Accounts of one profession.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProfessionRow {
    pub profession: Profession,
    /// Accounts (not offboarded).
    pub users: u32,
    /// Of them, those active in the last 7 days.
    pub active_7_days: u32,
}

/// Activity of one week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WeekRow {
    /// The Monday the week starts on (Japan time), `YYYY-MM-DD`.
    #[serde(with = "crate::iso_date")]
    pub week_start: NaiveDate,
    /// Accounts that used the system in the week (weekly active users).
    pub active_users: u32,
    /// Posts written in the week, by the author's facility kind, every kind in order.
    pub posts_by_kind: Vec<KindCount>,
}

/// A count for one facility kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct KindCount {
    pub kind: FacilityKind,
    pub count: u32,
}

/// Patient groups created in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MonthRow {
    /// `YYYY-MM` (Japan time).
    pub month: String,
    pub created: u32,
}

/// An approved facility whose staff never used the system: whom the secretariat calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NeverActiveFacility {
    pub id: Uuid,
    pub name: String,
    pub kind: FacilityKind,
    #[serde(with = "rfc3339_millis")]
    pub registered_at: DateTime<Utc>,
}
