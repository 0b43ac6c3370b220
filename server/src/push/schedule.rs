//! When urgent posts are pushed again, and how the interval is written on the command line.

use std::time::Duration;

/// Most often the reminder loop looks for due reminders: a round is sent at most this late.
const MAX_POLL: Duration = Duration::from_secs(5);

/// How often to push an unacknowledged urgent post again, and how many times at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Renotify {
    pub every: Duration,
    pub max: u32,
}

impl Default for Renotify {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(5 * 60),
            max: 12,
        }
    }
}

impl Renotify {
    /// When the first reminder of a post pushed at `now_ms` is due; `None` when there are none.
    pub fn first_at(&self, now_ms: i64) -> Option<i64> {
        (self.max > 0).then(|| now_ms.saturating_add(self.every_ms()))
    }

    pub fn every_ms(&self) -> i64 {
        i64::try_from(self.every.as_millis()).unwrap_or(i64::MAX)
    }

    /// How often the reminder loop wakes: often enough for the interval, at least every 5 s.
    pub fn poll(&self) -> Duration {
        self.every.min(MAX_POLL).max(Duration::from_millis(100))
    }
}

/// An interval such as `300s`, `5m`, `1h` or plain seconds (`300`); at least one second.
pub fn parse_interval(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let (digits, unit) = match raw.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => raw.split_at(i),
        None => (raw, "s"),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{raw:?} is not an interval like 300s or 5m"))?;
    let secs = match unit {
        "s" => Some(n),
        "m" => n.checked_mul(60),
        "h" => n.checked_mul(3600),
        _ => None,
    }
    .ok_or_else(|| format!("{raw:?} is not an interval like 300s or 5m"))?;
    if secs == 0 {
        return Err("the interval must be at least 1s".to_owned());
    }
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_in_seconds_minutes_or_hours() {
        assert_eq!(parse_interval("300s"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_interval("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_interval("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_interval("1s"), Ok(Duration::from_secs(1)));
        assert_eq!(parse_interval("90"), Ok(Duration::from_secs(90)));
        for bad in ["", "0s", "5 m", "5d", "-1s", "m", "1.5m"] {
            assert!(parse_interval(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reminders_follow_the_interval_and_stop_at_zero() {
        let r = Renotify::default();
        assert_eq!(r.first_at(1_000), Some(301_000));
        assert_eq!(r.poll(), Duration::from_secs(5));
        let fast = Renotify {
            every: Duration::from_secs(1),
            max: 3,
        };
        assert_eq!(fast.poll(), Duration::from_secs(1));
        assert_eq!(Renotify { max: 0, ..fast }.first_at(1_000), None);
    }
}
