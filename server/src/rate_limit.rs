//! In-memory throttle of failed logins, per login ID and per client address.
//!
//! Kept in process memory: a restart forgets it, and several server processes would each count
//! on their own. Both are acceptable for the single-process reference server; a deployment
//! with several instances needs a shared store.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::LoginLimit;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// Lower-cased, as login IDs compare case-insensitively.
    LoginId(String),
    Ip(IpAddr),
}

#[derive(Debug)]
pub struct LoginThrottle {
    limit: LoginLimit,
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

impl LoginThrottle {
    pub fn new(limit: LoginLimit) -> Self {
        Self {
            limit,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(login_id: &str, ip: Option<IpAddr>) -> impl Iterator<Item = Key> {
        std::iter::once(Key::LoginId(login_id.to_lowercase())).chain(ip.map(Key::Ip))
    }

    /// `Some(wait)` when the login ID or the address has used up its failures in the window.
    pub fn check(&self, login_id: &str, ip: Option<IpAddr>) -> Option<Duration> {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        Self::keys(login_id, ip)
            .filter_map(|key| {
                let times = failures.get_mut(&key)?;
                self.expire(times, now);
                (times.len() >= self.limit.max_failures).then(|| {
                    // Free again when the oldest failure that still counts leaves the window.
                    let oldest = times[times.len() - self.limit.max_failures];
                    (oldest + self.limit.window).saturating_duration_since(now)
                })
            })
            .max()
    }

    pub fn record_failure(&self, login_id: &str, ip: Option<IpAddr>) {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for key in Self::keys(login_id, ip) {
            let times = failures.entry(key).or_default();
            self.expire(times, now);
            times.push_back(now);
        }
    }

    /// A correct password clears the account's count. The address's count stays, or an
    /// attacker could reset it by interleaving logins to an account of their own.
    pub fn record_success(&self, login_id: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(&Key::LoginId(login_id.to_lowercase()));
    }

    /// Drops entries with no failure left in the window, so memory stays bounded.
    pub fn prune(&self) {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.retain(|_, times| {
            self.expire(times, now);
            !times.is_empty()
        });
    }

    fn expire(&self, times: &mut VecDeque<Instant>, now: Instant) {
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.limit.window)
        {
            times.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_failures_per_login_and_per_address() {
        let throttle = LoginThrottle::new(LoginLimit {
            max_failures: 3,
            window: Duration::from_secs(60),
        });
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..3 {
            assert!(throttle.check("Dr.Sato", Some(ip)).is_none());
            throttle.record_failure("Dr.Sato", Some(ip));
        }
        let wait = throttle.check("dr.sato", None).expect("login ID blocked");
        assert!(wait > Duration::from_secs(55) && wait <= Duration::from_secs(60));
        // Another account from the same address is blocked too.
        assert!(throttle.check("ns.tanaka", Some(ip)).is_some());
        // Another account from another address is not.
        assert!(throttle
            .check("ns.tanaka", Some("192.0.2.2".parse().unwrap()))
            .is_none());
        throttle.record_success("dr.sato");
        assert!(throttle.check("dr.sato", None).is_none());
        assert!(throttle.check("dr.sato", Some(ip)).is_some());
    }

    #[test]
    fn failures_leave_the_window() {
        let throttle = LoginThrottle::new(LoginLimit {
            max_failures: 1,
            window: Duration::from_millis(20),
        });
        throttle.record_failure("a", None);
        assert!(throttle.check("a", None).is_some());
        std::thread::sleep(Duration::from_millis(30));
        assert!(throttle.check("a", None).is_none());
        throttle.prune();
        assert!(throttle.failures.lock().unwrap().is_empty());
    }
}
