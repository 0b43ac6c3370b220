//! Millisecond timestamps, the unit stored in the database and sent on the wire.

use chrono::{DateTime, Utc};

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// Now, in Unix seconds (one-time codes count 30 s steps from the epoch).
pub fn now_secs() -> u64 {
    u64::try_from(Utc::now().timestamp()).unwrap_or_default()
}

/// Unix milliseconds to a UTC time; out-of-range values (a corrupt row) clamp to the epoch.
pub fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
