//! What an authenticator app shows: the tests that log in with two-factor login compute the
//! codes from the secret the backend issued (RFC 6238: SHA-1, 6 digits, 30 s steps).

use std::time::{SystemTime, UNIX_EPOCH};

use totp_rs::{Algorithm, Secret};

use crate::Check;

/// The code for `secret` (base32) at `at` (Unix seconds).
pub fn code_at(secret: &str, at: u64) -> Check<String> {
    let compact: String = secret.chars().filter(|c| !c.is_whitespace()).collect();
    let secret = Secret::try_from_base32(&compact)
        .map_err(|e| format!("the secret {secret:?} is not base32: {e}"))?;
    let totp = totp_rs::Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_secret(secret)
        .build_noncompliant();
    Ok(totp.generate(at).to_string())
}

/// Now, in Unix seconds.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}
