//! In-memory throttles: failed logins ([`LoginThrottle`]) and refused family-link attempts
//! ([`WindowThrottle`]).
//!
//! # Login policy
//!
//! The aim is to make password guessing slow without letting anyone lock a real user out: a
//! physician must be able to log in for an urgent post while a stranger hammers their login ID,
//! and one person's typos must not block a whole facility behind one NAT.
//!
//! * **Per login ID and address** (the main limit): the first `free_failures` (5) wrong
//!   passwords are answered at once; after that each attempt must wait `first_delay` (1 s)
//!   after the last failure, doubling with each further failure (1 s, 2 s, 4 s …) up to
//!   `max_delay` (15 min). A correct password from that address clears it; a pair quiet for
//!   `forget_after` (1 h) after its wait is forgotten. IPv6 addresses count by their /64, which
//!   one client usually holds whole.
//! * **Per login ID, from all addresses**: never blocks by itself. When an account collects more
//!   than `account_pressure` (20) failures within `pressure_window` (15 min) it is under attack,
//!   and every address *with failures of its own for it* gets only `pressured_free_failures` (1)
//!   free failure before the delays start. An address without failures for the account still
//!   gets its attempt at once, so the real user logs in from their own device.
//! * **Per address, any login ID** (password spraying): generous, as a facility NAT carries many
//!   users. Only failures count, as a leaky bucket: `address_burst` (100) at once, then one more
//!   every `address_refill` (30 s). When full, attempts from the address wait that long at most,
//!   never a fixed lock-out.
//!
//! The decision and the reservation are one step ([`LoginThrottle::check_and_reserve`]), taken
//! before the password is checked: an attempt in flight counts as a failure until it is known,
//! so concurrent guesses cannot all be verified beyond the allowance.
//!
//! A refused attempt answers 429 with `Retry-After`. The first refusal of each wait is marked for
//! the audit log; further refusals within the same wait are not, so a client hammering at
//! network speed cannot fill the disk through the audit log.
//!
//! Kept in process memory: a restart forgets it, and several server processes would each count
//! on their own. Both are acceptable for the single-process reference server; a deployment
//! with several instances needs a shared store. Each table holds at most `max_entries`; beyond
//! that the stalest are dropped first.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::config::{JoinLimit, LoginLimit};

/// Longest login ID or link token kept as a key: longer ones cannot exist, and a key must not
/// let a client make us store megabytes.
const MAX_KEY_CHARS: usize = 64;

/// The unit of "one client address": an IPv4 address, or an IPv6 /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Net {
    V4([u8; 4]),
    V6Prefix([u8; 8]),
}

impl Net {
    pub fn of(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Self::V4(v4.octets()),
            IpAddr::V6(v6) => {
                let mut prefix = [0; 8];
                prefix.copy_from_slice(&v6.octets()[..8]);
                Self::V6Prefix(prefix)
            }
        }
    }
}

fn net(ip: Option<IpAddr>) -> Option<Net> {
    ip.map(Net::of)
}

fn login_key(login_id: &str) -> String {
    login_id
        .chars()
        .take(MAX_KEY_CHARS)
        .collect::<String>()
        .to_lowercase()
}

/// A refused attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub retry_after: Duration,
    /// The first refusal of this wait: write it to the audit log.
    pub audit: bool,
}

impl Refused {
    /// Whole seconds, rounded up (retrying a fraction early would be refused again), at least 1.
    pub fn retry_after_secs(&self) -> u64 {
        let wait = self.retry_after;
        (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
    }
}

/// Failures of one login ID from one address.
#[derive(Debug, Default)]
struct Pair {
    failures: u32,
    last_failure: Option<Instant>,
    in_flight: u32,
    refusal_audited: bool,
}

/// A count that drains at a steady rate: failures of an account, or of an address.
#[derive(Debug)]
struct Leaky {
    level: f64,
    at: Instant,
    in_flight: u32,
    refusal_audited: bool,
}

impl Leaky {
    fn new(now: Instant) -> Self {
        Self {
            level: 0.0,
            at: now,
            in_flight: 0,
            refusal_audited: false,
        }
    }

    /// Drains to `now` at `per` per unit.
    fn drain(&mut self, now: Instant, per: Duration) {
        let elapsed = now.saturating_duration_since(self.at);
        self.level = (self.level - elapsed.as_secs_f64() / per.as_secs_f64()).max(0.0);
        self.at = self.at.max(now);
    }
}

#[derive(Debug, Default)]
struct Tables {
    pairs: HashMap<(String, Option<Net>), Pair>,
    accounts: HashMap<String, Leaky>,
    addresses: HashMap<Option<Net>, Leaky>,
}

#[derive(Debug)]
pub struct LoginThrottle {
    limit: LoginLimit,
    tables: Mutex<Tables>,
    /// When a refusal for lack of a hashing slot was last audited.
    busy_audited: Mutex<Option<Instant>>,
}

impl LoginThrottle {
    pub fn new(limit: LoginLimit) -> Self {
        Self {
            limit,
            tables: Mutex::default(),
            busy_audited: Mutex::default(),
        }
    }

    fn tables(&self) -> MutexGuard<'_, Tables> {
        self.tables.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The account's failures drain so that `account_pressure` of them last `pressure_window`.
    fn account_drain(&self) -> Duration {
        self.limit.pressure_window / self.limit.account_pressure.max(1)
    }

    /// The wait after the last of `failures` before the next attempt, with `free` free ones.
    fn delay_after(&self, failures: u32, free: u32) -> Duration {
        match failures.checked_sub(free) {
            None => Duration::ZERO,
            Some(beyond) => self
                .limit
                .first_delay
                .saturating_mul(2u32.saturating_pow(beyond.min(31)))
                .min(self.limit.max_delay),
        }
    }

    /// Decides whether a login attempt may have its password checked now and, if so, counts it
    /// as in flight (a failure until it is known) until the returned guard is resolved.
    pub fn check_and_reserve(
        &self,
        login_id: &str,
        ip: Option<IpAddr>,
    ) -> Result<LoginAttempt<'_>, Refused> {
        self.check_and_reserve_at(login_id, ip, Instant::now())
    }

    pub fn check_and_reserve_at(
        &self,
        login_id: &str,
        ip: Option<IpAddr>,
        now: Instant,
    ) -> Result<LoginAttempt<'_>, Refused> {
        let account = login_key(login_id);
        let address = net(ip);
        let pair_key = (account.clone(), address);
        let mut tables = self.tables();
        let tables = &mut *tables;

        let under_pressure = tables.accounts.get_mut(&account).is_some_and(|a| {
            a.drain(now, self.account_drain());
            a.level >= f64::from(self.limit.account_pressure)
        });
        let free = if under_pressure {
            self.limit
                .free_failures
                .min(self.limit.pressured_free_failures)
        } else {
            self.limit.free_failures
        };

        let pair_wait = tables.pairs.get(&pair_key).and_then(|pair| {
            let pending = pair.failures + pair.in_flight;
            if pending < free {
                None
            } else if pair.in_flight > 0 {
                // Wait for the attempt in flight, and for the delay should it fail.
                Some(self.delay_after(pending, free).max(Duration::from_secs(1)))
            } else {
                let ready = pair.last_failure? + self.delay_after(pair.failures, free);
                (ready > now).then(|| ready - now)
            }
        });

        let address_wait = tables.addresses.get_mut(&address).and_then(|a| {
            a.drain(now, self.limit.address_refill);
            let excess =
                a.level + f64::from(a.in_flight) + 1.0 - f64::from(self.limit.address_burst);
            (excess > 0.0).then(|| self.limit.address_refill.mul_f64(excess))
        });

        if pair_wait.is_some() || address_wait.is_some() {
            let mut audit = false;
            if let Some(pair) = tables
                .pairs
                .get_mut(&pair_key)
                .filter(|_| pair_wait.is_some())
            {
                audit |= !std::mem::replace(&mut pair.refusal_audited, true);
            }
            if let Some(a) = tables
                .addresses
                .get_mut(&address)
                .filter(|_| address_wait.is_some())
            {
                audit |= !std::mem::replace(&mut a.refusal_audited, true);
            }
            return Err(Refused {
                retry_after: pair_wait.max(address_wait).unwrap_or_default(),
                audit,
            });
        }

        let limit = self.limit.max_entries;
        let pair = tables.pairs.entry(pair_key.clone()).or_default();
        pair.in_flight += 1;
        pair.refusal_audited = false;
        let a = tables
            .addresses
            .entry(address)
            .or_insert_with(|| Leaky::new(now));
        a.in_flight += 1;
        a.refusal_audited = false;
        if tables.pairs.len() > limit || tables.addresses.len() > limit {
            self.shrink(tables, now);
        }
        Ok(LoginAttempt {
            throttle: self,
            pair: pair_key,
            done: false,
        })
    }

    fn resolve(&self, pair_key: &(String, Option<Net>), outcome: Outcome, now: Instant) {
        let mut tables = self.tables();
        let tables = &mut *tables;
        if let Some(pair) = tables.pairs.get_mut(pair_key) {
            pair.in_flight = pair.in_flight.saturating_sub(1);
            match outcome {
                Outcome::Failed => {
                    pair.failures = pair.failures.saturating_add(1);
                    pair.last_failure = Some(now);
                }
                // The address's own count stays, or an attacker could clear it by
                // interleaving logins to an account of their own.
                Outcome::Succeeded => {
                    pair.failures = 0;
                    pair.last_failure = None;
                }
                Outcome::Abandoned => {}
            }
            if pair.in_flight == 0 && pair.failures == 0 {
                tables.pairs.remove(pair_key);
            }
        }
        let (account, address) = pair_key;
        if let Some(a) = tables.addresses.get_mut(address) {
            a.in_flight = a.in_flight.saturating_sub(1);
            a.drain(now, self.limit.address_refill);
            if outcome == Outcome::Failed {
                a.level += 1.0;
            } else if a.in_flight == 0 && a.level == 0.0 {
                tables.addresses.remove(address);
            }
        }
        if outcome == Outcome::Failed {
            let drain = self.account_drain();
            let a = tables
                .accounts
                .entry(account.clone())
                .or_insert_with(|| Leaky::new(now));
            a.drain(now, drain);
            a.level += 1.0;
            if tables.accounts.len() > self.limit.max_entries {
                self.shrink(tables, now);
            }
        }
    }

    /// Marks a refusal for lack of a hashing slot for the audit log: at most one a second, as
    /// the condition is server-wide and could otherwise be used to flood the log.
    pub fn audit_busy(&self) -> bool {
        self.audit_busy_at(Instant::now())
    }

    pub fn audit_busy_at(&self, now: Instant) -> bool {
        let mut last = self
            .busy_audited
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if last.is_some_and(|t| now.saturating_duration_since(t) < Duration::from_secs(1)) {
            return false;
        }
        *last = Some(now);
        true
    }

    /// Drops what no longer restricts anyone, so memory stays bounded.
    pub fn prune(&self) {
        self.prune_at(Instant::now());
    }

    pub fn prune_at(&self, now: Instant) {
        let mut tables = self.tables();
        self.prune_tables(&mut tables, now);
    }

    fn prune_tables(&self, tables: &mut Tables, now: Instant) {
        tables.pairs.retain(|_, pair| {
            pair.in_flight > 0
                || pair.last_failure.is_some_and(|last| {
                    // Judged by the longest wait (no account pressure), so a pair is kept while
                    // it still has to wait under any circumstances.
                    let wait = self.delay_after(pair.failures, self.limit.free_failures);
                    now < last + wait + self.limit.forget_after
                })
        });
        let account_drain = self.account_drain();
        tables.accounts.retain(|_, a| {
            a.drain(now, account_drain);
            a.level > 0.0
        });
        tables.addresses.retain(|_, a| {
            a.drain(now, self.limit.address_refill);
            a.in_flight > 0 || a.level > 0.0
        });
    }

    /// Prunes, then drops the stalest entries of any table still over `max_entries` (down to
    /// three quarters of it, so this runs rarely).
    fn shrink(&self, tables: &mut Tables, now: Instant) {
        self.prune_tables(tables, now);
        let keep = self.limit.max_entries / 4 * 3;
        evict_stalest(&mut tables.pairs, keep, |p| {
            (p.in_flight == 0).then_some(p.last_failure).flatten()
        });
        evict_stalest(&mut tables.accounts, keep, |a| Some(a.at));
        evict_stalest(&mut tables.addresses, keep, |a| {
            (a.in_flight == 0).then_some(a.at)
        });
    }
}

/// Removes entries with the oldest `stamp` until at most `keep` remain or nothing evictable
/// (stamp `None`: in use) is left.
fn evict_stalest<K: Eq + Hash, V>(
    map: &mut HashMap<K, V>,
    keep: usize,
    stamp: impl Fn(&V) -> Option<Instant>,
) {
    if map.len() <= keep {
        return;
    }
    let mut stamps: Vec<Instant> = map.values().filter_map(&stamp).collect();
    let excess = (map.len() - keep).min(stamps.len());
    if excess == 0 {
        return;
    }
    let (_, cutoff, _) = stamps.select_nth_unstable(excess - 1);
    let cutoff = *cutoff;
    map.retain(|_, v| stamp(v).is_none_or(|t| t > cutoff));
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Succeeded,
    Failed,
    Abandoned,
}

/// A login attempt counted in flight. Resolve it with [`Self::succeeded`] or [`Self::failed`];
/// dropped unresolved (the check could not run), it counts as neither.
#[must_use = "an unresolved attempt counts as abandoned"]
#[derive(Debug)]
pub struct LoginAttempt<'a> {
    throttle: &'a LoginThrottle,
    pair: (String, Option<Net>),
    done: bool,
}

impl LoginAttempt<'_> {
    /// The password was right: this login ID and address start afresh.
    pub fn succeeded(self) {
        self.finish(Outcome::Succeeded, Instant::now());
    }

    /// The password was wrong, or the login ID unknown.
    pub fn failed(self) {
        self.failed_at(Instant::now());
    }

    pub fn failed_at(self, now: Instant) {
        self.finish(Outcome::Failed, now);
    }

    fn finish(mut self, outcome: Outcome, now: Instant) {
        self.done = true;
        self.throttle.resolve(&self.pair, outcome, now);
    }
}

impl Drop for LoginAttempt<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.throttle
                .resolve(&self.pair, Outcome::Abandoned, Instant::now());
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum WindowKey {
    Subject(String),
    Address(Option<Net>),
}

#[derive(Debug, Default)]
struct Window {
    failures: VecDeque<Instant>,
    in_flight: usize,
}

/// A fixed window: at most `max_failures` within `window`, per subject (a link token) and per
/// address. Attempts in flight count as failures until resolved, like logins.
#[derive(Debug)]
pub struct WindowThrottle {
    limit: JoinLimit,
    max_entries: usize,
    windows: Mutex<HashMap<WindowKey, Window>>,
}

impl WindowThrottle {
    pub fn new(limit: JoinLimit, max_entries: usize) -> Self {
        Self {
            limit,
            max_entries,
            windows: Mutex::default(),
        }
    }

    fn keys(subject: &str, ip: Option<IpAddr>) -> [WindowKey; 2] {
        [
            WindowKey::Subject(subject.chars().take(MAX_KEY_CHARS).collect()),
            WindowKey::Address(net(ip)),
        ]
    }

    fn windows(&self) -> MutexGuard<'_, HashMap<WindowKey, Window>> {
        self.windows.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn check_and_reserve(
        &self,
        subject: &str,
        ip: Option<IpAddr>,
    ) -> Result<WindowAttempt<'_>, Refused> {
        self.check_and_reserve_at(subject, ip, Instant::now())
    }

    pub fn check_and_reserve_at(
        &self,
        subject: &str,
        ip: Option<IpAddr>,
        now: Instant,
    ) -> Result<WindowAttempt<'_>, Refused> {
        let keys = Self::keys(subject, ip);
        let mut windows = self.windows();
        let wait = keys
            .iter()
            .filter_map(|key| {
                let w = windows.get_mut(key)?;
                self.expire(&mut w.failures, now);
                let pending = w.failures.len() + w.in_flight;
                (pending >= self.limit.max_failures).then(|| {
                    // Free again when the oldest failure that still counts leaves the window;
                    // when attempts in flight fill it, about when they end.
                    match w.failures.len().checked_sub(self.limit.max_failures) {
                        Some(i) => {
                            (w.failures[i] + self.limit.window).saturating_duration_since(now)
                        }
                        None => Duration::from_secs(1),
                    }
                })
            })
            .max();
        if let Some(retry_after) = wait {
            return Err(Refused {
                retry_after,
                audit: false,
            });
        }
        if windows.len() + 2 > self.max_entries {
            self.prune_map(&mut windows, now);
        }
        for key in &keys {
            windows.entry(key.clone()).or_default().in_flight += 1;
        }
        Ok(WindowAttempt {
            throttle: self,
            keys,
            done: false,
        })
    }

    fn resolve(&self, keys: &[WindowKey; 2], failed: bool, now: Instant) {
        let mut windows = self.windows();
        for key in keys {
            if let Some(w) = windows.get_mut(key) {
                w.in_flight = w.in_flight.saturating_sub(1);
                if failed {
                    self.expire(&mut w.failures, now);
                    w.failures.push_back(now);
                }
                if w.in_flight == 0 && w.failures.is_empty() {
                    windows.remove(key);
                }
            }
        }
    }

    /// Drops entries with no failure left in the window, so memory stays bounded.
    pub fn prune(&self) {
        self.prune_map(&mut self.windows(), Instant::now());
    }

    fn prune_map(&self, windows: &mut HashMap<WindowKey, Window>, now: Instant) {
        windows.retain(|_, w| {
            self.expire(&mut w.failures, now);
            w.in_flight > 0 || !w.failures.is_empty()
        });
        let keep = self.max_entries / 4 * 3;
        evict_stalest(windows, keep, |w| {
            (w.in_flight == 0)
                .then(|| w.failures.back().copied())
                .flatten()
        });
    }

    fn expire(&self, times: &mut VecDeque<Instant>, now: Instant) {
        while times
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= self.limit.window)
        {
            times.pop_front();
        }
    }
}

/// An attempt counted in flight by a [`WindowThrottle`]; dropped unresolved it counts as nothing.
#[must_use = "an unresolved attempt counts as nothing"]
#[derive(Debug)]
pub struct WindowAttempt<'a> {
    throttle: &'a WindowThrottle,
    keys: [WindowKey; 2],
    done: bool,
}

impl WindowAttempt<'_> {
    pub fn failed(mut self) {
        self.done = true;
        self.throttle.resolve(&self.keys, true, Instant::now());
    }
}

impl Drop for WindowAttempt<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.throttle.resolve(&self.keys, false, Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    fn throttle() -> LoginThrottle {
        LoginThrottle::new(LoginLimit::default())
    }

    /// One failed attempt at `now`; panics if it was refused.
    fn fail(t: &LoginThrottle, login: &str, from: Option<IpAddr>, now: Instant) {
        t.check_and_reserve_at(login, from, now)
            .expect("allowed")
            .failed_at(now);
    }

    fn wait(t: &LoginThrottle, login: &str, from: Option<IpAddr>, now: Instant) -> Duration {
        t.check_and_reserve_at(login, from, now)
            .expect_err("refused")
            .retry_after
    }

    #[test]
    fn delays_double_after_the_free_failures_and_are_capped() {
        let t = throttle();
        let a = ip("192.0.2.1");
        let mut now = Instant::now();
        for _ in 0..5 {
            fail(&t, "Dr.Sato", a, now);
        }
        assert_eq!(wait(&t, "dr.sato", a, now), SECOND);
        let mut expected = SECOND;
        for _ in 0..12 {
            now += expected;
            fail(&t, "dr.sato", a, now);
            expected = (expected * 2).min(Duration::from_secs(15 * 60));
            assert_eq!(wait(&t, "DR.SATO", a, now), expected);
            assert_eq!(wait(&t, "dr.sato", a, now + expected / 2), expected / 2);
        }
        assert_eq!(expected, Duration::from_secs(15 * 60));
    }

    #[test]
    fn a_correct_password_clears_the_pair() {
        let t = throttle();
        let a = ip("192.0.2.1");
        let now = Instant::now();
        for _ in 0..5 {
            fail(&t, "dr.sato", a, now);
        }
        t.check_and_reserve_at("dr.sato", a, now + SECOND)
            .unwrap()
            .succeeded();
        for _ in 0..5 {
            fail(&t, "dr.sato", a, now + SECOND);
        }
    }

    #[test]
    fn attempts_in_flight_count_as_failures() {
        let t = throttle();
        let a = ip("192.0.2.1");
        let now = Instant::now();
        let in_flight: Vec<_> = (0..5)
            .map(|_| t.check_and_reserve_at("dr.sato", a, now).unwrap())
            .collect();
        let refused = t.check_and_reserve_at("dr.sato", a, now).unwrap_err();
        assert!(refused.audit, "the first refusal of a wait is audited");
        assert!(refused.retry_after >= SECOND);
        assert!(!t.check_and_reserve_at("dr.sato", a, now).unwrap_err().audit);
        // Dropped unresolved (say, the database failed): the slots come back, no failure counts.
        drop(in_flight);
        for _ in 0..5 {
            fail(&t, "dr.sato", a, now);
        }
        let refused = t.check_and_reserve_at("dr.sato", a, now).unwrap_err();
        assert!(refused.audit, "a new wait is audited again");
    }

    #[test]
    fn a_stranger_never_locks_the_real_user_out_of_another_address() {
        let t = throttle();
        let stranger = ip("198.51.100.7");
        let physician = ip("192.0.2.1");
        let mut now = Instant::now();
        let mut failures = 0;
        while failures < 100 {
            match t.check_and_reserve_at("dr.sato", stranger, now) {
                Ok(attempt) => {
                    attempt.failed_at(now);
                    failures += 1;
                }
                Err(refused) => now += refused.retry_after,
            }
        }
        assert_eq!(
            wait(&t, "dr.sato", stranger, now),
            Duration::from_secs(15 * 60)
        );
        // Other strangers, each from an address of its own, put the account under pressure.
        for i in 0..30 {
            fail(&t, "dr.sato", ip(&format!("203.0.113.{i}")), now);
        }
        // The physician, with no failure of their own, is let through at once …
        let attempt = t.check_and_reserve_at("dr.sato", physician, now).unwrap();
        attempt.failed_at(now);
        // … and under pressure a typo costs them a second, not a lock-out.
        assert_eq!(wait(&t, "dr.sato", physician, now), SECOND);
        t.check_and_reserve_at("dr.sato", physician, now + SECOND)
            .unwrap()
            .succeeded();
        // Without pressure, an address gets its five free failures again.
        let later = now + Duration::from_secs(60 * 60);
        for _ in 0..5 {
            fail(&t, "dr.sato", ip("192.0.2.99"), later);
        }
    }

    #[test]
    fn an_address_is_slowed_after_many_failures_but_never_locked_for_long() {
        let t = throttle();
        let nat = ip("192.0.2.1");
        let now = Instant::now();
        for i in 0..100 {
            fail(&t, &format!("user{i}"), nat, now);
        }
        // Spraying is slowed: anyone behind the address waits at most one refill.
        assert_eq!(wait(&t, "someone.else", nat, now), Duration::from_secs(30));
        let attempt = t
            .check_and_reserve_at("someone.else", nat, now + Duration::from_secs(30))
            .unwrap();
        // The one allowed in flight holds the slot; a successful login gives it back.
        assert!(t
            .check_and_reserve_at("third", nat, now + Duration::from_secs(30))
            .is_err());
        attempt.succeeded();
        assert!(t
            .check_and_reserve_at("third", nat, now + Duration::from_secs(30))
            .is_ok());
        // Other addresses are unaffected.
        fail(&t, "user1", ip("192.0.2.2"), now);
    }

    #[test]
    fn ipv6_counts_by_its_64_prefix() {
        let t = throttle();
        let now = Instant::now();
        for i in 1..=5 {
            fail(&t, "dr.sato", ip(&format!("2001:db8:1:2::{i}")), now);
        }
        assert_eq!(wait(&t, "dr.sato", ip("2001:db8:1:2::ff"), now), SECOND);
        fail(&t, "dr.sato", ip("2001:db8:1:3::1"), now);
        // An IPv4-mapped address is the IPv4 one.
        for _ in 0..5 {
            fail(&t, "ns.tanaka", ip("::ffff:192.0.2.1"), now);
        }
        assert_eq!(wait(&t, "ns.tanaka", ip("192.0.2.1"), now), SECOND);
    }

    #[test]
    fn prune_forgets_quiet_entries_and_tables_stay_bounded() {
        let t = throttle();
        let a = ip("192.0.2.1");
        let now = Instant::now();
        for _ in 0..6 {
            if let Ok(attempt) = t.check_and_reserve_at("dr.sato", a, now) {
                attempt.failed_at(now);
            }
        }
        t.prune_at(now + Duration::from_secs(30 * 60));
        assert_eq!(t.tables().pairs.len(), 1);
        t.prune_at(now + Duration::from_secs(2 * 60 * 60));
        let tables = t.tables();
        assert!(tables.pairs.is_empty() && tables.accounts.is_empty());
        assert!(tables.addresses.is_empty());
        drop(tables);

        let small = LoginThrottle::new(LoginLimit {
            max_entries: 100,
            ..LoginLimit::default()
        });
        for i in 0..1000u32 {
            let [_, _, hi, lo] = i.to_be_bytes();
            let from = Some(IpAddr::from([10, 0, hi, lo]));
            fail(
                &small,
                &format!("user{i}"),
                from,
                now + Duration::from_millis(i.into()),
            );
        }
        let tables = small.tables();
        assert!(tables.pairs.len() <= 100 && tables.accounts.len() <= 100);
        assert!(tables.addresses.len() <= 100);
        // The stalest went first.
        assert!(tables
            .pairs
            .contains_key(&("user999".to_owned(), net(ip("10.0.3.231")))));
    }

    #[test]
    fn busy_refusals_are_audited_once_a_second() {
        let t = throttle();
        let now = Instant::now();
        assert!(t.audit_busy_at(now));
        assert!(!t.audit_busy_at(now + SECOND / 2));
        assert!(t.audit_busy_at(now + SECOND));
    }

    #[test]
    fn window_throttle_counts_failures_and_attempts_in_flight() {
        let t = WindowThrottle::new(
            JoinLimit {
                max_failures: 3,
                window: Duration::from_secs(60),
            },
            1000,
        );
        let a = ip("192.0.2.1");
        let now = Instant::now();
        let in_flight: Vec<_> = (0..3)
            .map(|_| t.check_and_reserve_at("link", a, now).unwrap())
            .collect();
        assert!(t.check_and_reserve_at("link", a, now).is_err());
        assert!(
            t.check_and_reserve_at("other", a, now).is_err(),
            "per address"
        );
        for attempt in in_flight {
            attempt.failed();
        }
        let refused = t
            .check_and_reserve_at("link", ip("192.0.2.2"), now)
            .unwrap_err();
        assert!(refused.retry_after > Duration::from_secs(55), "per link");
        assert!(t
            .check_and_reserve_at("other", ip("192.0.2.2"), now)
            .is_ok());
        let later = Instant::now() + Duration::from_secs(61);
        assert!(t.check_and_reserve_at("link", a, later).is_ok());
    }
}
