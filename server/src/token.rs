//! Opaque bearer tokens: random on the wire, only their hash at rest.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new token: 32 bytes from the OS CSPRNG, base64url without padding.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a token, hex. A fast hash suffices: the token has 256 bits of entropy.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new activation link: its secret (for the URL, shown once), the secret's hash (stored) and
/// when it closes, `ACTIVATION_LINK_HOURS` from now (Unix milliseconds).
pub fn activation_link() -> (String, String, i64) {
    let token = generate();
    let hash = hash(&token);
    let hours = i64::from(tsunagu_api::ACTIVATION_LINK_HOURS);
    let expires_at_ms = crate::time::now_ms() + hours * 3_600_000;
    (token, hash, expires_at_ms)
}
