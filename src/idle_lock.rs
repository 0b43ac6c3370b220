//! The idle lock's logic, without the browser (native tests below): when a tab without input
//! locks ([`IdleClock`]), and what the lock screen is doing ([`Lock`]): active → locked →
//! unlocking → active, or back to locked with the reason the attempt failed. The components
//! are in [`crate::components::idle_lock`].

use tsunagu_api::ErrorCode;

use crate::api::ApiError;

/// When a tab locks: the time of the last input against the limit. Input only moves the time
/// of the last input; a single timer asks [`IdleClock::due`] at the deadline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IdleClock {
    /// Milliseconds without input before the lock; `None`: never (the backend said 0).
    limit_ms: Option<f64>,
    /// When the last input came (the page's start, an unlock, a pointer, key, touch or scroll).
    last_input_ms: f64,
}

/// What the clock says at a moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Due {
    /// The limit has passed without input: lock now.
    Lock,
    /// Ask again in this many milliseconds, at the deadline.
    In(f64),
    /// The lock is off: no timer needed.
    Never,
}

impl IdleClock {
    /// A clock whose last input is `now_ms`, locking after `limit_seconds` (0: never).
    pub fn new(limit_seconds: u32, now_ms: f64) -> Self {
        let mut clock = Self {
            limit_ms: None,
            last_input_ms: now_ms,
        };
        clock.set_limit(limit_seconds);
        clock
    }

    /// The backend announced another limit (0: no lock).
    pub fn set_limit(&mut self, limit_seconds: u32) {
        self.limit_ms = (limit_seconds > 0).then(|| f64::from(limit_seconds) * 1000.0);
    }

    /// Input at `now_ms`.
    pub fn input(&mut self, now_ms: f64) {
        self.last_input_ms = now_ms;
    }

    /// Whether to lock at `now_ms`, or when to ask again. A clock set back (the phone's time
    /// corrected) counts from `now_ms`: the lock comes at most one limit later, never never.
    pub fn due(&mut self, now_ms: f64) -> Due {
        let Some(limit) = self.limit_ms else {
            return Due::Never;
        };
        self.last_input_ms = self.last_input_ms.min(now_ms);
        let left = self.last_input_ms + limit - now_ms;
        if left <= 0.0 {
            Due::Lock
        } else {
            Due::In(left)
        }
    }
}

/// Where the lock is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Not locked: the app shows its content.
    Active,
    /// Locked: the lock screen asks for the password.
    Locked,
    /// The password (and code) were sent; waiting for the server's answer.
    Unlocking,
}

/// Which fields of the lock screen to empty after a refused attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clear {
    /// Keep what was typed (no answer from the server, or the code is asked for now).
    Nothing,
    /// The one-time code was wrong: empty it, keep the password.
    Code,
    /// The password (and any code) was refused: empty both.
    Both,
}

/// The lock screen's state: its [`Phase`], whether the account is asked for a one-time code,
/// and why the last attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lock {
    phase: Phase,
    need_code: bool,
    error: Option<ApiError>,
}

impl Lock {
    /// Not locked.
    pub fn active() -> Self {
        Self {
            phase: Phase::Active,
            need_code: false,
            error: None,
        }
    }

    /// Locked; `two_factor`: the account logs in with a one-time code too, so it is asked for
    /// at once.
    pub fn locked(two_factor: bool) -> Self {
        Self {
            phase: Phase::Locked,
            need_code: two_factor,
            error: None,
        }
    }

    /// Where the lock is.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Whether the content is hidden (locked or unlocking).
    pub fn is_locked(&self) -> bool {
        self.phase != Phase::Active
    }

    /// Whether the lock screen asks for the one-time code.
    pub fn needs_code(&self) -> bool {
        self.need_code
    }

    /// Why the last attempt failed, shown until the next one.
    pub fn error(&self) -> Option<ApiError> {
        self.error
    }

    /// No input for too long: lock. Nothing changes when already locked.
    pub fn idle(&mut self, two_factor: bool) {
        if self.phase == Phase::Active {
            *self = Self::locked(two_factor);
        }
    }

    /// The form was sent: returns whether to send the attempt (not while one is under way, nor
    /// when not locked).
    pub fn submit(&mut self) -> bool {
        if self.phase != Phase::Locked {
            return false;
        }
        self.phase = Phase::Unlocking;
        self.error = None;
        true
    }

    /// The server accepted the password (and code): unlocked.
    pub fn unlocked(&mut self) {
        if self.phase == Phase::Unlocking {
            *self = Self::active();
        }
    }

    /// The server refused the attempt, or could not be reached: locked again, saying why.
    /// `two_factor_required` is no error: the code field appears (as on the login page).
    /// Returns which fields to empty.
    pub fn refused(&mut self, error: ApiError) -> Clear {
        if self.phase != Phase::Unlocking {
            return Clear::Nothing;
        }
        self.phase = Phase::Locked;
        match error.code() {
            Some(ErrorCode::TwoFactorRequired) => {
                self.need_code = true;
                Clear::Nothing
            }
            Some(ErrorCode::InvalidTwoFactorCode) => {
                self.error = Some(error);
                Clear::Code
            }
            // Offline: the same password can be sent again once the network is back.
            None => {
                self.error = Some(error);
                Clear::Nothing
            }
            Some(_) => {
                self.error = Some(error);
                Clear::Both
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(status: u16, code: ErrorCode) -> ApiError {
        ApiError::Problem { status, code }
    }

    #[test]
    fn the_clock_locks_at_the_limit_after_the_last_input() {
        let mut clock = IdleClock::new(900, 1_000.0);
        assert_eq!(clock.due(1_000.0), Due::In(900_000.0));
        assert_eq!(clock.due(301_000.0), Due::In(600_000.0));
        // Input moves the deadline; the timer set for the old one just asks again.
        clock.input(500_000.0);
        assert_eq!(clock.due(901_000.0), Due::In(499_000.0));
        assert_eq!(clock.due(1_400_000.0), Due::Lock);
        assert_eq!(clock.due(9_000_000.0), Due::Lock, "hidden for hours");
    }

    #[test]
    fn a_limit_of_zero_never_locks_and_a_new_limit_applies_at_once() {
        let mut clock = IdleClock::new(0, 0.0);
        assert_eq!(clock.due(1e12), Due::Never);
        clock.set_limit(5);
        assert_eq!(clock.due(4_000.0), Due::In(1_000.0));
        assert_eq!(clock.due(5_000.0), Due::Lock);
        clock.set_limit(0);
        assert_eq!(clock.due(5_000.0), Due::Never);
    }

    #[test]
    fn a_clock_set_back_delays_the_lock_by_one_limit_at_most() {
        let mut clock = IdleClock::new(60, 1_000_000.0);
        // The phone's time went back an hour: counted from now, not from the future input.
        assert_eq!(clock.due(1_000_000.0 - 3_600_000.0), Due::In(60_000.0));
        assert_eq!(clock.due(1_000_000.0 - 3_540_000.0), Due::Lock);
    }

    #[test]
    fn locking_and_unlocking_with_the_password() {
        let mut lock = Lock::active();
        assert!(!lock.is_locked());
        assert!(!lock.submit(), "nothing to unlock");
        lock.idle(false);
        assert_eq!(lock.phase(), Phase::Locked);
        assert!(lock.is_locked() && !lock.needs_code());
        assert!(lock.submit());
        assert_eq!(lock.phase(), Phase::Unlocking);
        assert!(
            lock.is_locked(),
            "the content stays hidden while the server checks"
        );
        assert!(!lock.submit(), "one attempt at a time");
        lock.unlocked();
        assert_eq!(lock, Lock::active());
        lock.unlocked();
        assert_eq!(
            lock,
            Lock::active(),
            "an unlock without an attempt changes nothing"
        );
    }

    #[test]
    fn a_wrong_password_keeps_the_lock_and_says_why() {
        let mut lock = Lock::locked(false);
        assert!(lock.submit());
        let wrong = problem(401, ErrorCode::InvalidCredentials);
        assert_eq!(lock.refused(wrong), Clear::Both);
        assert_eq!(lock.phase(), Phase::Locked);
        assert_eq!(lock.error(), Some(wrong));
        // The next attempt clears the message while it is under way.
        assert!(lock.submit());
        assert_eq!(lock.error(), None);
        let busy = problem(429, ErrorCode::RateLimited);
        assert_eq!(lock.refused(busy), Clear::Both);
        assert_eq!(lock.error(), Some(busy));
        assert!(lock.submit());
        assert_eq!(lock.refused(ApiError::Network), Clear::Nothing);
        assert_eq!(lock.error(), Some(ApiError::Network));
        assert_eq!(lock.phase(), Phase::Locked);
    }

    #[test]
    fn two_factor_accounts_are_asked_for_the_code() {
        let mut lock = Lock::active();
        lock.idle(true);
        assert!(lock.needs_code(), "known from the account");
        assert!(lock.submit());
        let wrong_code = problem(401, ErrorCode::InvalidTwoFactorCode);
        assert_eq!(lock.refused(wrong_code), Clear::Code);
        assert_eq!(lock.error(), Some(wrong_code));
        assert!(lock.needs_code());

        // The account turned it on since the app loaded: the server asks, the field appears.
        let mut lock = Lock::locked(false);
        assert!(lock.submit());
        assert_eq!(
            lock.refused(problem(401, ErrorCode::TwoFactorRequired)),
            Clear::Nothing
        );
        assert!(lock.needs_code());
        assert_eq!(lock.error(), None);
        assert_eq!(lock.phase(), Phase::Locked);
    }

    #[test]
    fn idle_while_locked_and_late_answers_change_nothing() {
        let mut lock = Lock::locked(true);
        assert!(lock.submit());
        lock.idle(false);
        assert_eq!(lock.phase(), Phase::Unlocking);
        assert!(lock.needs_code());
        let mut active = Lock::active();
        assert_eq!(
            active.refused(problem(401, ErrorCode::InvalidCredentials)),
            Clear::Nothing
        );
        assert_eq!(active, Lock::active());
    }
}
