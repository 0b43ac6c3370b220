//! VAPID (RFC 8292): the server's P-256 key pair and the ES256 JWT each push carries, so push
//! services know the sender and browsers accept only our pushes for our subscriptions.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use reqwest::Url;

/// How long a signature is valid; RFC 8292 allows at most 24 hours.
const JWT_LIFETIME_SECS: i64 = 12 * 60 * 60;

/// The key pair and the contact push services may write to.
pub struct Vapid {
    key: SigningKey,
    public_key: String,
    subject: String,
}

impl std::fmt::Debug for Vapid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the private key.
        f.debug_struct("Vapid")
            .field("public_key", &self.public_key)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// A new private key, base64url (the 32-byte scalar), to store.
pub fn generate_private_key() -> String {
    let key = SigningKey::random(&mut rand::rngs::OsRng);
    URL_SAFE_NO_PAD.encode(key.to_bytes())
}

/// A subject push services accept (Apple refuses others): `mailto:` an address, or an
/// `https:` URL.
pub fn validate_subject(subject: &str) -> Result<(), String> {
    let ok = match subject.split_once(':') {
        Some(("mailto", address)) => {
            address.contains('@') && !address.starts_with('@') && !address.ends_with('@')
        }
        Some(("https", _)) => Url::parse(subject).is_ok_and(|u| u.host().is_some()),
        _ => false,
    };
    if ok && !subject.chars().any(char::is_whitespace) {
        Ok(())
    } else {
        Err(format!(
            "{subject:?} must be a mailto: address or an https: URL"
        ))
    }
}

impl Vapid {
    pub fn new(private_key: &str, subject: String) -> anyhow::Result<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(private_key)?;
        let key = SigningKey::from_slice(&bytes)?;
        let public_key =
            URL_SAFE_NO_PAD.encode(key.verifying_key().to_encoded_point(false).as_bytes());
        Ok(Self {
            key,
            public_key,
            subject,
        })
    }

    /// The uncompressed public key, base64url: the browser's `applicationServerKey`.
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// The `Authorization` header for a push to `endpoint` at `now_secs` (Unix time):
    /// `vapid t=<JWT>, k=<public key>`, the JWT's audience the endpoint's origin.
    pub fn authorization(&self, endpoint: &Url, now_secs: i64) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({
            "aud": endpoint.origin().ascii_serialization(),
            "exp": now_secs + JWT_LIFETIME_SECS,
            "sub": self.subject,
        });
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{claims}");
        let signature: Signature = self.key.sign(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(signature.to_bytes());
        format!("vapid t={signing_input}.{signature}, k={}", self.public_key)
    }
}

#[cfg(test)]
mod tests {
    use p256::ecdsa::signature::Verifier as _;
    use p256::ecdsa::VerifyingKey;

    use super::*;

    #[test]
    fn the_jwt_verifies_with_the_public_key_and_names_the_origin() {
        let vapid = Vapid::new(&generate_private_key(), "mailto:ops@example.jp".into()).unwrap();
        let endpoint = Url::parse("http://127.0.0.1:4567/push/abc").unwrap();
        let header = vapid.authorization(&endpoint, 1_800_000_000);
        let (token, key) = header
            .strip_prefix("vapid t=")
            .unwrap()
            .split_once(", k=")
            .unwrap();
        assert_eq!(key, vapid.public_key());
        let public = URL_SAFE_NO_PAD.decode(key).unwrap();
        assert_eq!(public.len(), 65);
        let verifying = VerifyingKey::from_sec1_bytes(&public).unwrap();
        let (input, signature) = token.rsplit_once('.').unwrap();
        let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
        verifying.verify(input.as_bytes(), &signature).unwrap();
        let claims: serde_json::Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(input.split_once('.').unwrap().1)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(claims["aud"], "http://127.0.0.1:4567");
        assert_eq!(claims["sub"], "mailto:ops@example.jp");
        assert_eq!(claims["exp"], 1_800_000_000 + JWT_LIFETIME_SECS);
    }

    #[test]
    fn a_stored_key_gives_the_same_public_key() {
        let private = generate_private_key();
        let a = Vapid::new(&private, "mailto:a@example.jp".into()).unwrap();
        let b = Vapid::new(&private, "mailto:a@example.jp".into()).unwrap();
        assert_eq!(a.public_key(), b.public_key());
        assert!(Vapid::new("not base64!", "mailto:a@example.jp".into()).is_err());
    }

    #[test]
    fn subjects_are_mailto_or_https() {
        for ok in [
            "mailto:tsunagu-demo@example.jp",
            "https://tsunagu.example.jp/contact",
        ] {
            assert!(validate_subject(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "tsunagu@example.jp",
            "mailto:",
            "mailto:nobody",
            "http://tsunagu.example.jp",
            "https://",
            "mailto:a b@example.jp",
        ] {
            assert!(validate_subject(bad).is_err(), "{bad}");
        }
    }
}
