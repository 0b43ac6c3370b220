//! When to reconnect the event stream after it dropped: 1 s, doubling up to 30 s, back to the
//! start once a connection succeeded. Pure, so it is tested natively.

/// First delay, in milliseconds.
pub const INITIAL_MS: u32 = 1_000;
/// Longest delay, in milliseconds.
pub const MAX_MS: u32 = 30_000;

/// Reconnection delays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    initial_ms: u32,
    next_ms: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new(INITIAL_MS)
    }
}

impl Backoff {
    /// Delays starting at `initial_ms` (the server's `retry:` when it sent one), never below
    /// 250 ms nor above [`MAX_MS`].
    pub fn new(initial_ms: u32) -> Self {
        let initial_ms = initial_ms.clamp(250, MAX_MS);
        Self {
            initial_ms,
            next_ms: initial_ms,
        }
    }

    /// The delay before the next attempt; each call doubles the following one.
    pub fn next_delay(&mut self) -> u32 {
        let delay = self.next_ms;
        self.next_ms = self.next_ms.saturating_mul(2).min(MAX_MS);
        delay
    }

    /// A connection succeeded: the next drop waits the initial delay again.
    pub fn reset(&mut self) {
        self.next_ms = self.initial_ms;
    }

    /// The server asked for another base delay (`retry:`); takes effect from the next reset.
    pub fn set_initial(&mut self, initial_ms: u32) {
        let reset = self.next_ms == self.initial_ms;
        self.initial_ms = initial_ms.clamp(250, MAX_MS);
        if reset {
            self.next_ms = self.initial_ms;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_thirty_seconds_and_resets() {
        let mut b = Backoff::default();
        let delays: Vec<u32> = (0..8).map(|_| b.next_delay()).collect();
        assert_eq!(
            delays,
            [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]
        );
        b.reset();
        assert_eq!(b.next_delay(), 1_000);
        assert_eq!(b.next_delay(), 2_000);
    }

    #[test]
    fn the_servers_retry_sets_the_base_within_bounds() {
        let mut b = Backoff::default();
        b.set_initial(3_000);
        assert_eq!(b.next_delay(), 3_000);
        assert_eq!(b.next_delay(), 6_000);
        b.set_initial(10);
        b.reset();
        assert_eq!(b.next_delay(), 250);
        assert_eq!(Backoff::new(90_000).next_delay(), MAX_MS);
    }
}
