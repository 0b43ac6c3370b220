//! Password hashing: Argon2id with the crate's defaults (OWASP's minimum: 19 MiB, t=2, p=1),
//! stored as PHC strings so parameters can be raised later without breaking old hashes.
//!
//! Each hash or verification holds 19 MiB for tens of milliseconds, so request handlers go
//! through [`Hashing`], which bounds how many run at once: without a bound, a burst of logins
//! (correct or not) takes the server's memory with it (100 concurrent logins measured 1.1 GiB).
//! A request that cannot get a slot within a short wait is refused as busy rather than queued
//! without end.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use tokio::sync::Semaphore;

/// Hashes a password. Blocking (tens of milliseconds): call from `spawn_blocking`.
pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("argon2 hash failed: {e}"))?
        .to_string())
}

/// Checks a password against a PHC string. Blocking, like [`hash_blocking`]. A malformed stored
/// hash is an error, not a mismatch, so it shows in the logs.
pub fn verify_blocking(password: &str, phc: &str) -> anyhow::Result<bool> {
    let parsed =
        PasswordHash::new(phc).map_err(|e| anyhow::anyhow!("stored hash unreadable: {e}"))?;
    match Argon2::default().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(e) => Err(anyhow::anyhow!("argon2 verify failed: {e}")),
    }
}

/// Hashes a password on the blocking thread pool, outside any bound: for seeding and start-up
/// only. Request handlers use [`Hashing::hash`].
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .context("password hashing task failed")?
}

/// Why a bounded hash or verification did not happen.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every slot stayed taken for the whole wait: the server is saturated with hashing.
    #[error("too many password operations at once")]
    Busy,
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// Argon2 for request handlers: at most `max` operations at once (each on the blocking pool),
/// waiting at most `wait` for a slot, first come first served.
#[derive(Debug)]
pub struct Hashing {
    permits: Arc<Semaphore>,
    max: usize,
    wait: Duration,
    in_flight: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl Hashing {
    pub fn new(max: usize, wait: Duration) -> Self {
        let max = max.max(1);
        Self {
            permits: Arc::new(Semaphore::new(max)),
            max,
            wait,
            in_flight: Arc::default(),
            peak: Arc::default(),
        }
    }

    /// How many may run at once.
    pub fn max(&self) -> usize {
        self.max
    }

    /// Operations running now.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// The most that ever ran at once: never more than [`Self::max`].
    pub fn peak_in_flight(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        self.run(move || hash_blocking(&password)).await
    }

    /// Checks a password against a stored PHC string.
    pub async fn verify(&self, password: String, phc: String) -> Result<bool, HashError> {
        self.run(move || verify_blocking(&password, &phc)).await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, HashError> {
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| HashError::Busy)?
            .context("the hashing semaphore was closed")?;
        let in_flight = self.in_flight.clone();
        let peak = self.peak.clone();
        // The permit moves into the blocking task: it is released when the work ends, even if
        // the caller stopped waiting, so the bound holds for the work actually running.
        let result = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let now = in_flight.fetch_add(1, Ordering::Relaxed) + 1;
            peak.fetch_max(now, Ordering::Relaxed);
            let result = work();
            in_flight.fetch_sub(1, Ordering::Relaxed);
            result
        })
        .await
        .context("password hashing task failed")?;
        Ok(result?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn runs_at_most_max_at_once_and_refuses_when_full() {
        let hashing = Arc::new(Hashing::new(1, Duration::from_millis(1)));
        let phc = hash_blocking("correct horse").unwrap();
        let attempts: Vec<_> = (0..8)
            .map(|_| {
                let hashing = hashing.clone();
                let phc = phc.clone();
                tokio::spawn(async move { hashing.verify("wrong".to_owned(), phc).await })
            })
            .collect();
        let mut busy = 0;
        for attempt in attempts {
            match attempt.await.unwrap() {
                Ok(ok) => assert!(!ok),
                Err(HashError::Busy) => busy += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert!(busy > 0, "a 1 ms wait behind a verification is refused");
        assert_eq!(hashing.peak_in_flight(), 1);
        assert_eq!(hashing.in_flight(), 0);
        assert!(hashing
            .verify("correct horse".to_owned(), phc)
            .await
            .unwrap());
    }
}
