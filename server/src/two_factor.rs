//! Two-factor login (MHLW guideline 6.0 asks for it from FY2027): time-based one-time codes
//! (RFC 6238: SHA-1, 6 digits, 30 s, as every authenticator app reads them) and single-use
//! recovery codes for a lost phone.
//!
//! totp-rs checks a code; it does not remember which were used. The store keeps the last
//! accepted time step per account and accepts a code only for a later step, so a code seen over
//! someone's shoulder (or replayed from a log) is refused even within its 90 s window.

use rand::Rng;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, Totp};

/// The name authenticator apps show above the code.
const ISSUER: &str = "Tsunagu";
/// Recovery codes given at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// Letters of recovery codes: no 0/o, 1/l/i, which are misread from paper.
const RECOVERY_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";

/// A new random secret (160 bits), base32 as stored and as typed into an app by hand.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

fn totp(secret_base32: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_base32).ok()?;
    totp_rs::Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_skew(1)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        // `:` separates issuer and account in the URI; a login ID may contain one.
        .with_account_name(account.replace(':', "_"))
        .build()
        .ok()
}

/// The time step a code matches at `now_secs` (the step before and after count too: phone
/// clocks drift), or `None`.
pub fn matching_step(secret_base32: &str, code: &str, now_secs: u64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let step = totp(secret_base32, "-")?.check(&code, now_secs)?;
    i64::try_from(step).ok()
}

/// The code for `now_secs` (tests compute what an authenticator app shows).
pub fn code_at(secret_base32: &str, now_secs: u64) -> Option<String> {
    Some(totp(secret_base32, "-")?.generate(now_secs).to_string())
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
pub fn otpauth_uri(secret_base32: &str, account: &str) -> Option<String> {
    totp(secret_base32, account)?.to_url().ok()
}

/// The URI as an SVG QR code (drawn here: the app ships no QR encoder for this).
pub fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

/// Fresh recovery codes, `xxxx-xxxx-xxxx` (about 59 bits each).
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::thread_rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: Vec<char> = (0..12)
                .map(|_| RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())] as char)
                .collect();
            format!(
                "{}-{}-{}",
                chars[..4].iter().collect::<String>(),
                chars[4..8].iter().collect::<String>(),
                chars[8..].iter().collect::<String>()
            )
        })
        .collect()
}

/// What is stored of a recovery code: the hash of its letters (random enough that a fast hash
/// is safe), however it was typed (case, dashes, spaces).
pub fn recovery_code_hash(code: &str) -> String {
    let normalised: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hex::encode(Sha256::digest(normalised.as_bytes()))
}

/// Whether a login's code is a one-time code (6 digits) rather than a recovery code.
pub fn is_one_time_code(code: &str) -> bool {
    let digits: Vec<char> = code.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == 6 && digits.iter().all(char::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_step_and_its_neighbours_only() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let code = code_at(&secret, now).unwrap();
        assert_eq!(matching_step(&secret, &code, now), Some(60_000_000));
        // Typed with a space, as apps show it.
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(matching_step(&secret, &spaced, now), Some(60_000_000));
        // 30 s later it still matches (clock drift), 90 s later not.
        assert_eq!(matching_step(&secret, &code, now + 30), Some(60_000_000));
        assert_eq!(matching_step(&secret, &code, now + 90), None);
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
        assert_eq!(matching_step("not base32!", &code, now), None);
    }

    #[test]
    fn the_uri_names_issuer_and_account() {
        let secret = new_secret();
        let uri = otpauth_uri(&secret, "ns.tanaka").unwrap();
        assert!(
            uri.starts_with("otpauth://totp/Tsunagu:ns.tanaka?"),
            "{uri}"
        );
        assert!(uri.contains(&format!("secret={secret}")), "{uri}");
        assert!(otpauth_uri(&secret, "a:b").is_some());
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
    }

    #[test]
    fn recovery_codes_are_distinct_and_typed_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 14);
        assert_eq!(
            recovery_code_hash(code),
            recovery_code_hash(&code.to_uppercase().replace('-', " "))
        );
        assert!(!is_one_time_code(code));
        assert!(is_one_time_code("123 456"));
    }
}
