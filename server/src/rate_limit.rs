//! Throttles: failed logins and refused family-link attempts, kept in process memory (one
//! SQLite server) or shared through PostgreSQL by every instance of the server
//! ([`Throttles`]).
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
//!   one client usually holds whole. Login IDs count ignoring ASCII case, as accounts do.
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
//! The decision and the reservation are one step ([`Throttles::check_login`]), taken before
//! the password is checked: an attempt in flight counts as a failure until it is known, so
//! concurrent guesses cannot all be verified beyond the allowance.
//!
//! A refused attempt answers 429 with `Retry-After`. The first refusal of each wait is marked for
//! the audit log; further refusals within the same wait are not, so a client hammering at
//! network speed cannot fill the disk through the audit log.
//!
//! # Where the counts live
//!
//! The policy is pure: [`LoginPolicy`] and [`WindowPolicy`] decide and resolve over the few
//! entries one attempt touches ([`LoginEntries`], a pair of [`Window`]s), at any [`Moment`].
//!
//! * In memory ([`LoginThrottle`], [`WindowThrottle`]), with [`Instant`]s: the SQLite server is
//!   one process. A restart forgets the counts. Each table holds at most `max_entries`; beyond
//!   that the stalest are dropped first.
//! * In PostgreSQL (`store::postgres::throttle`), with the database's clock in milliseconds:
//!   several instances on one database enforce one limit, where counting alone each would
//!   multiply an attacker's allowance by the number of instances. Each check and each resolve
//!   is one short transaction over the entries' rows. An attempt whose instance died before
//!   resolving it stops counting in flight after [`ABANDONED_AFTER`].

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::config::{JoinLimit, LoginLimit};

/// Longest login ID or link token kept as a key: longer ones cannot exist, and a key must not
/// let a client make us store megabytes.
const MAX_KEY_CHARS: usize = 64;

/// How long a shared throttle counts an attempt in flight that was never resolved: its instance
/// died mid-attempt. Far beyond the longest request (30 s), so a live attempt never expires.
pub const ABANDONED_AFTER: Duration = Duration::from_secs(60);

/// A point in time the policy computes with.
pub trait Moment: Copy + Ord + fmt::Debug {
    fn plus(self, d: Duration) -> Self;
    /// The time from `earlier` to `self`; zero if `earlier` is later.
    fn since(self, earlier: Self) -> Duration;
}

impl Moment for Instant {
    fn plus(self, d: Duration) -> Self {
        self + d
    }

    fn since(self, earlier: Self) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

/// Wall-clock Unix milliseconds: the clock instances sharing a database share (theirs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Millis(pub i64);

impl Moment for Millis {
    fn plus(self, d: Duration) -> Self {
        Self(
            self.0
                .saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
        )
    }

    fn since(self, earlier: Self) -> Duration {
        Duration::from_millis(u64::try_from(self.0.saturating_sub(earlier.0)).unwrap_or(0))
    }
}

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

    /// As a key: `192.0.2.1`, `2001:db8:1:2::/64`, or `unknown` (no address known).
    pub fn key(net: Option<Self>) -> String {
        net.map_or_else(|| "unknown".to_owned(), |n| n.to_string())
    }
}

impl fmt::Display for Net {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::V4(octets) => write!(f, "{}", Ipv4Addr::from(*octets)),
            Self::V6Prefix(prefix) => {
                let mut full = [0; 16];
                full[..8].copy_from_slice(prefix);
                write!(f, "{}/64", Ipv6Addr::from(full))
            }
        }
    }
}

fn net(ip: Option<IpAddr>) -> Option<Net> {
    ip.map(Net::of)
}

/// The login ID as the throttle counts it: A–Z folded only, as accounts are told apart
/// (SQLite's `NOCASE`, PostgreSQL's `login_key()`).
pub fn login_key(login_id: &str) -> String {
    login_id
        .chars()
        .take(MAX_KEY_CHARS)
        .collect::<String>()
        .to_ascii_lowercase()
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

/// Removes one reservation made at `at`, if it is still counted.
fn remove_one<T: PartialEq>(in_flight: &mut Vec<T>, at: &T) {
    if let Some(i) = in_flight.iter().position(|t| t == at) {
        in_flight.swap_remove(i);
    }
}

/// The latest of the reservations, plus [`ABANDONED_AFTER`].
fn reservations_expiry<T: Moment>(in_flight: &[T]) -> Option<T> {
    in_flight.iter().max().map(|t| t.plus(ABANDONED_AFTER))
}

/// Failures of one login ID from one address.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pair<T> {
    failures: u32,
    last_failure: Option<T>,
    /// When each attempt in flight was reserved.
    in_flight: Vec<T>,
    refusal_audited: bool,
}

impl<T> Default for Pair<T> {
    fn default() -> Self {
        Self {
            failures: 0,
            last_failure: None,
            in_flight: Vec::new(),
            refusal_audited: false,
        }
    }
}

/// A count that drains at a steady rate: failures of an account, or of an address.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Leaky<T> {
    level: f64,
    at: T,
    /// When each attempt in flight was reserved (addresses only).
    in_flight: Vec<T>,
    refusal_audited: bool,
}

impl<T: Moment> Leaky<T> {
    fn new(now: T) -> Self {
        Self {
            level: 0.0,
            at: now,
            in_flight: Vec::new(),
            refusal_audited: false,
        }
    }

    /// Drains to `now` at `per` per unit.
    fn drain(&mut self, now: T, per: Duration) {
        let elapsed = now.since(self.at);
        self.level = (self.level - elapsed.as_secs_f64() / per.as_secs_f64()).max(0.0);
        self.at = self.at.max(now);
    }

    /// When it will have drained empty, with no attempt in flight left.
    fn expiry(&self, per: Duration) -> T {
        let drained = self.at.plus(per.mul_f64(self.level));
        reservations_expiry(&self.in_flight).map_or(drained, |r| r.max(drained))
    }
}

/// The entries one login attempt reads and changes: its login ID and address, its account, its
/// address. `None`: no entry (nothing counted, or it should be dropped).
#[derive(Debug)]
pub struct LoginEntries<T> {
    pub pair: Option<Pair<T>>,
    pub account: Option<Leaky<T>>,
    pub address: Option<Leaky<T>>,
}

impl<T: Moment> LoginEntries<T> {
    /// Stops counting attempts reserved before `cutoff` (their instance died).
    pub fn forget_reservations_before(&mut self, cutoff: T) {
        if let Some(pair) = &mut self.pair {
            pair.in_flight.retain(|t| *t >= cutoff);
        }
        if let Some(a) = &mut self.address {
            a.in_flight.retain(|t| *t >= cutoff);
        }
    }

    /// Drops the entries that count nothing.
    pub fn tidy(&mut self) {
        if self
            .pair
            .as_ref()
            .is_some_and(|p| p.failures == 0 && p.in_flight.is_empty())
        {
            self.pair = None;
        }
        if self.account.as_ref().is_some_and(|a| a.level <= 0.0) {
            self.account = None;
        }
        if self
            .address
            .as_ref()
            .is_some_and(|a| a.level <= 0.0 && a.in_flight.is_empty())
        {
            self.address = None;
        }
    }
}

/// How a login attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed,
    /// The password could not be checked (busy, or an error): counts as neither.
    Abandoned,
}

/// The login policy described at the top of this module, over any clock.
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    pub limit: LoginLimit,
}

impl LoginPolicy {
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

    /// Decides whether an attempt may have its password checked at `now` and, if so, counts it
    /// in flight (reserved at `now`) in its pair and its address.
    pub fn decide<T: Moment>(&self, e: &mut LoginEntries<T>, now: T) -> Result<(), Refused> {
        let under_pressure = e.account.as_mut().is_some_and(|a| {
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

        let pair_wait = e.pair.as_ref().and_then(|pair| {
            let in_flight = u32::try_from(pair.in_flight.len()).unwrap_or(u32::MAX);
            let pending = pair.failures.saturating_add(in_flight);
            if pending < free {
                None
            } else if in_flight > 0 {
                // Wait for the attempt in flight, and for the delay should it fail.
                Some(self.delay_after(pending, free).max(Duration::from_secs(1)))
            } else {
                let ready = pair
                    .last_failure?
                    .plus(self.delay_after(pair.failures, free));
                (ready > now).then(|| ready.since(now))
            }
        });

        let address_wait = e.address.as_mut().and_then(|a| {
            a.drain(now, self.limit.address_refill);
            let excess =
                a.level + a.in_flight.len() as f64 + 1.0 - f64::from(self.limit.address_burst);
            (excess > 0.0).then(|| self.limit.address_refill.mul_f64(excess))
        });

        if pair_wait.is_some() || address_wait.is_some() {
            let mut audit = false;
            if let Some(pair) = e.pair.as_mut().filter(|_| pair_wait.is_some()) {
                audit |= !std::mem::replace(&mut pair.refusal_audited, true);
            }
            if let Some(a) = e.address.as_mut().filter(|_| address_wait.is_some()) {
                audit |= !std::mem::replace(&mut a.refusal_audited, true);
            }
            return Err(Refused {
                retry_after: pair_wait.max(address_wait).unwrap_or_default(),
                audit,
            });
        }

        let pair = e.pair.get_or_insert_with(Pair::default);
        pair.in_flight.push(now);
        pair.refusal_audited = false;
        let a = e.address.get_or_insert_with(|| Leaky::new(now));
        a.in_flight.push(now);
        a.refusal_audited = false;
        Ok(())
    }

    /// Resolves the attempt reserved at `reserved_at`; drops the pair and address entries left
    /// counting nothing.
    pub fn resolve<T: Moment>(
        &self,
        e: &mut LoginEntries<T>,
        reserved_at: T,
        outcome: Outcome,
        now: T,
    ) {
        if outcome == Outcome::Failed {
            // Only missing if the reservation was given up as abandoned and then forgotten.
            e.pair.get_or_insert_with(Pair::default);
            e.address.get_or_insert_with(|| Leaky::new(now));
        }
        if let Some(pair) = &mut e.pair {
            remove_one(&mut pair.in_flight, &reserved_at);
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
            if pair.in_flight.is_empty() && pair.failures == 0 {
                e.pair = None;
            }
        }
        if let Some(a) = &mut e.address {
            remove_one(&mut a.in_flight, &reserved_at);
            a.drain(now, self.limit.address_refill);
            if outcome == Outcome::Failed {
                a.level += 1.0;
            } else if a.in_flight.is_empty() && a.level == 0.0 {
                e.address = None;
            }
        }
        if outcome == Outcome::Failed {
            let a = e.account.get_or_insert_with(|| Leaky::new(now));
            a.drain(now, self.account_drain());
            a.level += 1.0;
        }
    }

    /// When a pair stops restricting anyone: judged by the longest wait (no account pressure),
    /// so it is kept while it still has to wait under any circumstances, then `forget_after`.
    fn pair_forgotten_at<T: Moment>(&self, pair: &Pair<T>) -> Option<T> {
        let wait = self.delay_after(pair.failures, self.limit.free_failures);
        pair.last_failure
            .map(|last| last.plus(wait).plus(self.limit.forget_after))
    }

    /// When a pair can be dropped, attempts in flight included (abandoned after
    /// [`ABANDONED_AFTER`]).
    pub fn pair_expiry<T: Moment>(&self, pair: &Pair<T>, now: T) -> T {
        [
            self.pair_forgotten_at(pair),
            reservations_expiry(&pair.in_flight),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(now)
    }

    /// When an account's failures have drained away.
    pub fn account_expiry<T: Moment>(&self, account: &Leaky<T>) -> T {
        account.expiry(self.account_drain())
    }

    /// When an address's failures have drained away and its attempts in flight ended.
    pub fn address_expiry<T: Moment>(&self, address: &Leaky<T>) -> T {
        address.expiry(self.limit.address_refill)
    }
}

/// Failures within the window of one key, and the attempts in flight.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Window<T> {
    failures: VecDeque<T>,
    /// When each attempt in flight was reserved.
    in_flight: Vec<T>,
}

impl<T> Default for Window<T> {
    fn default() -> Self {
        Self {
            failures: VecDeque::new(),
            in_flight: Vec::new(),
        }
    }
}

impl<T: Moment> Window<T> {
    /// Stops counting attempts reserved before `cutoff` (their instance died).
    pub fn forget_reservations_before(&mut self, cutoff: T) {
        self.in_flight.retain(|t| *t >= cutoff);
    }

    pub fn is_idle(&self) -> bool {
        self.failures.is_empty() && self.in_flight.is_empty()
    }
}

/// A fixed window: at most `max_failures` within `window`, per subject (a link token) and per
/// address. Attempts in flight count as failures until resolved, like logins.
#[derive(Debug, Clone, Copy)]
pub struct WindowPolicy {
    pub limit: JoinLimit,
}

impl WindowPolicy {
    fn expire<T: Moment>(&self, times: &mut VecDeque<T>, now: T) {
        while times
            .front()
            .is_some_and(|t| now.since(*t) >= self.limit.window)
        {
            times.pop_front();
        }
    }

    /// Decides whether an attempt may proceed at `now` and, if so, counts it in flight in both
    /// windows (the subject's and the address's).
    pub fn decide<T: Moment>(
        &self,
        windows: &mut [Option<Window<T>>; 2],
        now: T,
    ) -> Result<(), Refused> {
        let wait = windows
            .iter_mut()
            .filter_map(|w| {
                let w = w.as_mut()?;
                self.expire(&mut w.failures, now);
                let pending = w.failures.len() + w.in_flight.len();
                (pending >= self.limit.max_failures).then(|| {
                    // Free again when the oldest failure that still counts leaves the window;
                    // when attempts in flight fill it, about when they end.
                    match w.failures.len().checked_sub(self.limit.max_failures) {
                        Some(i) => w.failures[i].plus(self.limit.window).since(now),
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
        for w in windows {
            w.get_or_insert_with(Window::default).in_flight.push(now);
        }
        Ok(())
    }

    /// Resolves the attempt reserved at `reserved_at`; drops windows left counting nothing.
    pub fn resolve<T: Moment>(
        &self,
        windows: &mut [Option<Window<T>>; 2],
        reserved_at: T,
        failed: bool,
        now: T,
    ) {
        for slot in windows {
            if failed {
                // Only missing if the reservation was given up as abandoned and then forgotten.
                slot.get_or_insert_with(Window::default);
            }
            if let Some(w) = slot {
                remove_one(&mut w.in_flight, &reserved_at);
                if failed {
                    self.expire(&mut w.failures, now);
                    w.failures.push_back(now);
                }
                if w.is_idle() {
                    *slot = None;
                }
            }
        }
    }

    /// When a window can be dropped: its last failure has left it and its attempts in flight
    /// ended (abandoned after [`ABANDONED_AFTER`]).
    pub fn expiry<T: Moment>(&self, w: &Window<T>, now: T) -> T {
        [
            w.failures.back().map(|t| t.plus(self.limit.window)),
            reservations_expiry(&w.in_flight),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(now)
    }
}

/// A login attempt: whom it counts against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoginSubject {
    /// [`login_key`] of the login ID.
    pub account: String,
    pub address: Option<Net>,
}

impl LoginSubject {
    pub fn new(login_id: &str, ip: Option<IpAddr>) -> Self {
        Self {
            account: login_key(login_id),
            address: net(ip),
        }
    }
}

/// A reserved login attempt, to resolve.
#[derive(Debug, Clone)]
pub struct LoginTicket<T> {
    pub subject: LoginSubject,
    pub reserved_at: T,
}

/// A family-link attempt: whom it counts against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WindowSubject {
    /// The link token, cut to [`MAX_KEY_CHARS`].
    pub subject: String,
    pub address: Option<Net>,
}

impl WindowSubject {
    pub fn new(subject: &str, ip: Option<IpAddr>) -> Self {
        Self {
            subject: subject.chars().take(MAX_KEY_CHARS).collect(),
            address: net(ip),
        }
    }
}

/// A reserved family-link attempt, to resolve.
#[derive(Debug, Clone)]
pub struct WindowTicket<T> {
    pub subject: WindowSubject,
    pub reserved_at: T,
}

/// The login counts of one process.
#[derive(Debug, Default)]
struct Tables {
    pairs: HashMap<(String, Option<Net>), Pair<Instant>>,
    accounts: HashMap<String, Leaky<Instant>>,
    addresses: HashMap<Option<Net>, Leaky<Instant>>,
}

/// Failed logins counted in process memory.
#[derive(Debug)]
pub struct LoginThrottle {
    policy: LoginPolicy,
    tables: Mutex<Tables>,
}

impl LoginThrottle {
    pub fn new(limit: LoginLimit) -> Self {
        Self {
            policy: LoginPolicy { limit },
            tables: Mutex::default(),
        }
    }

    fn tables(&self) -> MutexGuard<'_, Tables> {
        self.tables.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the entries of `subject`, taken out of the tables and put back after.
    fn with_entries<R>(
        &self,
        tables: &mut Tables,
        subject: &LoginSubject,
        f: impl FnOnce(&mut LoginEntries<Instant>) -> R,
    ) -> R {
        let pair_key = (subject.account.clone(), subject.address);
        let mut e = LoginEntries {
            pair: tables.pairs.remove(&pair_key),
            account: tables.accounts.remove(&subject.account),
            address: tables.addresses.remove(&subject.address),
        };
        let result = f(&mut e);
        if let Some(pair) = e.pair {
            tables.pairs.insert(pair_key, pair);
        }
        if let Some(account) = e.account {
            tables.accounts.insert(subject.account.clone(), account);
        }
        if let Some(address) = e.address {
            tables.addresses.insert(subject.address, address);
        }
        result
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
        let ticket = self.reserve_at(LoginSubject::new(login_id, ip), now)?;
        Ok(LoginAttempt {
            throttle: self,
            ticket: Some(ticket),
        })
    }

    /// The decision and reservation of [`Self::check_and_reserve_at`], without a guard.
    pub fn reserve_at(
        &self,
        subject: LoginSubject,
        now: Instant,
    ) -> Result<LoginTicket<Instant>, Refused> {
        let mut tables = self.tables();
        let tables = &mut *tables;
        self.with_entries(tables, &subject, |e| self.policy.decide(e, now))?;
        let limit = self.policy.limit.max_entries;
        if tables.pairs.len() > limit || tables.addresses.len() > limit {
            self.shrink(tables, now);
        }
        Ok(LoginTicket {
            subject,
            reserved_at: now,
        })
    }

    /// Resolves a reservation of [`Self::reserve_at`].
    pub fn resolve_at(&self, ticket: &LoginTicket<Instant>, outcome: Outcome, now: Instant) {
        let mut tables = self.tables();
        let tables = &mut *tables;
        self.with_entries(tables, &ticket.subject, |e| {
            self.policy.resolve(e, ticket.reserved_at, outcome, now);
        });
        if tables.accounts.len() > self.policy.limit.max_entries {
            self.shrink(tables, now);
        }
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
            !pair.in_flight.is_empty()
                || self
                    .policy
                    .pair_forgotten_at(pair)
                    .is_some_and(|forgotten| now < forgotten)
        });
        let account_drain = self.policy.account_drain();
        tables.accounts.retain(|_, a| {
            a.drain(now, account_drain);
            a.level > 0.0
        });
        let address_refill = self.policy.limit.address_refill;
        tables.addresses.retain(|_, a| {
            a.drain(now, address_refill);
            !a.in_flight.is_empty() || a.level > 0.0
        });
    }

    /// Prunes, then drops the stalest entries of any table still over `max_entries` (down to
    /// three quarters of it, so this runs rarely).
    fn shrink(&self, tables: &mut Tables, now: Instant) {
        self.prune_tables(tables, now);
        let keep = self.policy.limit.max_entries / 4 * 3;
        evict_stalest(&mut tables.pairs, keep, |p| {
            p.in_flight.is_empty().then_some(p.last_failure).flatten()
        });
        evict_stalest(&mut tables.accounts, keep, |a| Some(a.at));
        evict_stalest(&mut tables.addresses, keep, |a| {
            a.in_flight.is_empty().then_some(a.at)
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

/// A login attempt counted in flight by a [`LoginThrottle`]. Resolve it with
/// [`Self::succeeded`] or [`Self::failed`]; dropped unresolved (the check could not run), it
/// counts as neither.
#[must_use = "an unresolved attempt counts as abandoned"]
#[derive(Debug)]
pub struct LoginAttempt<'a> {
    throttle: &'a LoginThrottle,
    ticket: Option<LoginTicket<Instant>>,
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
        if let Some(ticket) = self.ticket.take() {
            self.throttle.resolve_at(&ticket, outcome, now);
        }
    }
}

impl Drop for LoginAttempt<'_> {
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket.take() {
            self.throttle
                .resolve_at(&ticket, Outcome::Abandoned, Instant::now());
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum WindowKey {
    Subject(String),
    Address(Option<Net>),
}

/// Refused family-link attempts counted in process memory ([`WindowPolicy`]).
#[derive(Debug)]
pub struct WindowThrottle {
    policy: WindowPolicy,
    max_entries: usize,
    windows: Mutex<HashMap<WindowKey, Window<Instant>>>,
}

impl WindowThrottle {
    pub fn new(limit: JoinLimit, max_entries: usize) -> Self {
        Self {
            policy: WindowPolicy { limit },
            max_entries,
            windows: Mutex::default(),
        }
    }

    fn keys(subject: &WindowSubject) -> [WindowKey; 2] {
        [
            WindowKey::Subject(subject.subject.clone()),
            WindowKey::Address(subject.address),
        ]
    }

    fn windows(&self) -> MutexGuard<'_, HashMap<WindowKey, Window<Instant>>> {
        self.windows.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the windows of `keys`, taken out of the map and put back after.
    fn with_windows<R>(
        windows: &mut HashMap<WindowKey, Window<Instant>>,
        keys: &[WindowKey; 2],
        f: impl FnOnce(&mut [Option<Window<Instant>>; 2]) -> R,
    ) -> R {
        let mut entries = keys.clone().map(|key| windows.remove(&key));
        let result = f(&mut entries);
        for (key, w) in keys.iter().zip(entries) {
            if let Some(w) = w {
                windows.insert(key.clone(), w);
            }
        }
        result
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
        let ticket = self.reserve_at(WindowSubject::new(subject, ip), now)?;
        Ok(WindowAttempt {
            throttle: self,
            ticket: Some(ticket),
        })
    }

    /// The decision and reservation of [`Self::check_and_reserve_at`], without a guard.
    pub fn reserve_at(
        &self,
        subject: WindowSubject,
        now: Instant,
    ) -> Result<WindowTicket<Instant>, Refused> {
        let keys = Self::keys(&subject);
        let mut windows = self.windows();
        Self::with_windows(&mut windows, &keys, |w| self.policy.decide(w, now))?;
        if windows.len() > self.max_entries {
            self.prune_map(&mut windows, now);
        }
        Ok(WindowTicket {
            subject,
            reserved_at: now,
        })
    }

    /// Resolves a reservation of [`Self::reserve_at`].
    pub fn resolve_at(&self, ticket: &WindowTicket<Instant>, failed: bool, now: Instant) {
        let keys = Self::keys(&ticket.subject);
        Self::with_windows(&mut self.windows(), &keys, |w| {
            self.policy.resolve(w, ticket.reserved_at, failed, now);
        });
    }

    /// Drops entries with no failure left in the window, so memory stays bounded.
    pub fn prune(&self) {
        self.prune_map(&mut self.windows(), Instant::now());
    }

    fn prune_map(&self, windows: &mut HashMap<WindowKey, Window<Instant>>, now: Instant) {
        windows.retain(|_, w| {
            self.policy.expire(&mut w.failures, now);
            !w.is_idle()
        });
        let keep = self.max_entries / 4 * 3;
        evict_stalest(windows, keep, |w| {
            w.in_flight
                .is_empty()
                .then(|| w.failures.back().copied())
                .flatten()
        });
    }
}

/// An attempt counted in flight by a [`WindowThrottle`]; dropped unresolved it counts as nothing.
#[must_use = "an unresolved attempt counts as nothing"]
#[derive(Debug)]
pub struct WindowAttempt<'a> {
    throttle: &'a WindowThrottle,
    ticket: Option<WindowTicket<Instant>>,
}

impl WindowAttempt<'_> {
    pub fn failed(mut self) {
        if let Some(ticket) = self.ticket.take() {
            self.throttle.resolve_at(&ticket, true, Instant::now());
        }
    }
}

impl Drop for WindowAttempt<'_> {
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket.take() {
            self.throttle.resolve_at(&ticket, false, Instant::now());
        }
    }
}

/// Marks refusals for lack of a hashing slot for the audit log: at most one a second, as the
/// condition is server-wide and could otherwise be used to flood the log. Per instance, like
/// the hashing slots themselves.
#[derive(Debug, Default)]
pub struct BusyAudit {
    last: Mutex<Option<Instant>>,
}

impl BusyAudit {
    pub fn audit_at(&self, now: Instant) -> bool {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if last.is_some_and(|t| now.saturating_duration_since(t) < Duration::from_secs(1)) {
            return false;
        }
        *last = Some(now);
        true
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
        let t = BusyAudit::default();
        let now = Instant::now();
        assert!(t.audit_at(now));
        assert!(!t.audit_at(now + SECOND / 2));
        assert!(t.audit_at(now + SECOND));
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
