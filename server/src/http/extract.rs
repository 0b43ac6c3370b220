//! Request extractors: the auth check, and JSON/query extractors whose rejections are problems.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use tsunagu_api::ErrorCode;
use uuid::Uuid;

use super::{AppState, Error};
use crate::store::SessionOwner;
use crate::time::now_ms;

/// A JSON request body, read more strictly than `axum::Json`: the body must be a JSON
/// object (serde would otherwise fill a struct from an array, field by field), and a field of
/// the wrong type is a 422 naming the field rather than a 400 with the deserializer's text.
/// Rejections: 415 (not JSON), 413 (too large), 400 (not JSON syntax), 422 (not an object, or
/// a field invalid or missing).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Error> {
        if !json_content_type(request.headers()) {
            return Err(Error::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Error::PayloadTooLarge
                } else {
                    Error::MalformedRequest("the request body could not be read".to_owned())
                }
            })?;
        decode_json(&bytes).map(Self)
    }
}

/// `application/json` or any `application/*+json`, parameters (charset) ignored, as axum does.
fn json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    kind.eq_ignore_ascii_case("application")
        && (subtype.eq_ignore_ascii_case("json")
            || subtype.len() > 5 && subtype[subtype.len() - 5..].eq_ignore_ascii_case("+json"))
}

const NOT_JSON: &str = "the request body is not valid JSON";

/// The body as `T`; see [`Json`] for the order of checks.
pub(super) fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let malformed = || Error::MalformedRequest(NOT_JSON.to_owned());
    // Syntax first, so that broken JSON is a 400 whatever its first character.
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).map_err(|_| malformed())?;
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return Err(Error::BodyNotObject);
    }
    // No text of this API may hold NUL (PostgreSQL cannot store it, and no person types it):
    // refused as an invalid field, on every backend. Only bodies that could hold one are
    // parsed twice.
    if bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) {
            if let Some(field) = nul_field(&value, String::new()) {
                return Err(Error::BodyField {
                    field,
                    code: ErrorCode::FieldInvalid,
                });
            }
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let error = match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    if !error.inner().is_data() {
        return Err(malformed());
    }
    // The path to the failing value (`members[0].role`); serde names a missing field only in
    // its message, "missing field `name`".
    let path = error.path().to_string();
    let path = if path == "." { String::new() } else { path };
    let message = error.inner().to_string();
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name);
    let (field, code) = match missing {
        Some(name) if path.is_empty() => (name.to_owned(), ErrorCode::FieldRequired),
        Some(name) => (format!("{path}.{name}"), ErrorCode::FieldRequired),
        None => (path, ErrorCode::FieldInvalid),
    };
    tracing::debug!(%field, error = %message, "JSON body rejected");
    Err(Error::BodyField { field, code })
}

/// The path (as `serde_path_to_error` writes it: `a.b[0]`) of the first string or key in
/// `value` holding a NUL.
fn nul_field(value: &serde_json::Value, path: String) -> Option<String> {
    match value {
        serde_json::Value::String(s) if s.contains('\0') => Some(path),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_field(item, format!("{path}[{i}]"))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let path = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if key.contains('\0') {
                Some(path)
            } else {
                nul_field(item, path)
            }
        }),
        _ => None,
    }
}

/// `axum::extract::Query` whose rejections become 400 `malformed_request`.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Error))]
pub struct Query<T>(pub T);

/// The client's address, for the audit log and the login throttle: the peer, or what a trusted
/// proxy says in `X-Forwarded-For` (see [`crate::proxy::client_ip`]). `None` when the server
/// was not started with connect info (e.g. behind a Unix socket).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(Self(crate::proxy::client_ip(
            peer,
            &parts.headers,
            &state.settings.trusted_proxies,
        )))
    }
}

/// Who the request turned out to be from, once `AuthUser` has checked the session: filled in
/// by the extractor, read by middleware after the handler (to audit refusals).
#[derive(Debug, Clone, Default)]
pub struct Caller(Arc<OnceLock<Uuid>>);

impl Caller {
    fn set(&self, user: Uuid) {
        let _ = self.0.set(user);
    }

    pub fn get(&self) -> Option<Uuid> {
        self.0.get().copied()
    }
}

/// An authenticated caller: a live session's bearer token was presented.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user_id: Uuid,
    /// SHA-256 of the presented token, the session's key.
    pub token_hash: String,
    /// A family account (patient or relative): no directory, no care timeline, no groups of
    /// their own.
    pub is_family: bool,
}

/// Longest time between two writes of a session's `last_seen_ms`. Skipping writes saves I/O on
/// every request; the price is that a session may idle out up to this much early, so it is
/// also kept to a tenth of the idle timeout.
fn touch_interval_ms(idle_ms: i64) -> i64 {
    (idle_ms / 10).min(30_000)
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let token = SessionToken::from_request_parts(parts, state).await?;
        let owner = state.store.session_owner(&token.token_hash).await?;
        token.authenticate(state, owner).await
    }
}

/// A presented bearer token, not yet checked: for a handler that looks its session up in the
/// same statement as what it reads, then checks it exactly as [`AuthUser`] does
/// ([`SessionToken::authenticate`]). Rejects only a request without a bearer token.
#[derive(Debug)]
pub struct SessionToken {
    /// SHA-256 of the presented token, the session's key.
    pub token_hash: String,
    caller: Option<Caller>,
}

impl FromRequestParts<AppState> for SessionToken {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, Error> {
        let token = bearer_token(&parts.headers).ok_or(Error::Unauthenticated)?;
        Ok(Self {
            token_hash: crate::token::hash(token),
            caller: parts.extensions.get::<Caller>().cloned(),
        })
    }
}

impl SessionToken {
    /// The caller, given the token's session as the store found it (`None`: no such live
    /// session of an enabled user): expires an idle or outlived session, refreshes
    /// `last_seen_ms` now and then, and records who called.
    pub async fn authenticate(
        self,
        state: &AppState,
        owner: Option<SessionOwner>,
    ) -> Result<AuthUser, Error> {
        let row = owner.ok_or(Error::Unauthenticated)?;
        let token_hash = self.token_hash;
        let now = now_ms();
        let idle_ms = state.settings.session_idle_timeout.as_millis() as i64;
        if row.last_seen_ms + idle_ms < now || row.expires_at_ms <= now {
            state.store.expire_session(&token_hash).await?;
            return Err(Error::SessionExpired);
        }
        if now - row.last_seen_ms >= touch_interval_ms(idle_ms) {
            state.store.touch_session(&token_hash, now);
        }
        // The adoption dashboard's activity day: a hash lookup after the first of the day.
        state.store.record_activity(row.user_id, now);
        if let Some(caller) = self.caller {
            caller.set(row.user_id);
        }
        Ok(AuthUser {
            user_id: row.user_id,
            token_hash,
            is_family: row.is_family,
        })
    }
}

/// The caller of a media download: the bearer token, or else the `tsunagu_media` cookie (an
/// `<img>` cannot send a header), checked exactly as [`AuthUser`].
#[derive(Debug, Clone)]
pub struct MediaAuth(pub AuthUser);

fn media_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == tsunagu_api::MEDIA_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

impl FromRequestParts<AppState> for MediaAuth {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let token = bearer_token(&parts.headers)
            .or_else(|| media_cookie(&parts.headers))
            .ok_or(Error::Unauthenticated)?;
        let token = SessionToken {
            token_hash: crate::token::hash(token),
            caller: parts.extensions.get::<Caller>().cloned(),
        };
        let owner = state.store.session_owner(&token.token_hash).await?;
        Ok(Self(token.authenticate(state, owner).await?))
    }
}

/// Parses a path id. Anything that is not a UUID cannot name a resource, so it is a 404 like
/// any other unknown id rather than a 400 that would tell ids apart.
pub fn parse_id(raw: &str) -> Result<Uuid, Error> {
    Uuid::parse_str(raw).map_err(|_| Error::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Login {
        login_id: String,
        password: String,
        role: Option<Role>,
        tags: Option<Vec<Tag>>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Role {
        Admin,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Tag {
        name: String,
    }

    fn rejected(body: &str) -> Error {
        decode_json::<Login>(body.as_bytes()).unwrap_err()
    }

    fn field_of(error: Error) -> (String, ErrorCode) {
        match error {
            Error::BodyField { field, code } => (field, code),
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn a_nul_anywhere_in_the_text_is_an_invalid_field() {
        let invalid = |f: &str| (f.to_owned(), ErrorCode::FieldInvalid);
        assert_eq!(
            field_of(rejected(r#"{"login_id":"a\u0000b","password":"p"}"#)),
            invalid("login_id")
        );
        assert_eq!(
            field_of(rejected(
                r#"{"login_id":"a","password":"p","tags":[{"name":"x"},{"name":"\u0000"}]}"#
            )),
            invalid("tags[1].name")
        );
        // An escaped backslash followed by `u0000` is text, not a NUL.
        assert!(decode_json::<Login>(br#"{"login_id":"a\\u0000","password":"p"}"#).is_ok());
    }

    fn field(body: &str) -> (String, ErrorCode) {
        match rejected(body) {
            Error::BodyField { field, code } => (field, code),
            other => panic!("{body}: {other:?}"),
        }
    }

    #[test]
    fn only_an_object_is_a_body() {
        assert!(decode_json::<Login>(br#" {"login_id":"a","password":"b"}"#).is_ok());
        for body in [r#"["a","b"]"#, r#""a""#, "5", "null", "true"] {
            assert!(matches!(rejected(body), Error::BodyNotObject), "{body}");
        }
        // Broken JSON stays a syntax error, whatever it starts with.
        for body in ["[\"a\",", "{\"login_id\":", "", "{} x", "nul"] {
            assert!(
                matches!(rejected(body), Error::MalformedRequest(_)),
                "{body}"
            );
        }
    }

    #[test]
    fn a_bad_field_is_named_and_the_deserializer_is_not_quoted() {
        assert_eq!(
            field(r#"{"login_id":5,"password":"b"}"#),
            ("login_id".to_owned(), ErrorCode::FieldInvalid)
        );
        assert_eq!(
            field(r#"{"login_id":"a"}"#),
            ("password".to_owned(), ErrorCode::FieldRequired)
        );
        assert_eq!(
            field(r#"{"login_id":"a","password":"b","role":"root"}"#),
            ("role".to_owned(), ErrorCode::FieldInvalid)
        );
        assert_eq!(
            field(r#"{"login_id":"a","password":"b","tags":[{"name":"x"},{"name":1}]}"#),
            ("tags[1].name".to_owned(), ErrorCode::FieldInvalid)
        );
        assert_eq!(
            field(r#"{"login_id":"a","password":"b","tags":[{}]}"#),
            ("tags[0].name".to_owned(), ErrorCode::FieldRequired)
        );
        let problem = rejected(r#"{"login_id":5,"password":"b"}"#).problem();
        let text = serde_json::to_string(&problem).unwrap();
        assert!(
            !text.contains("invalid type") && !text.contains("line 1"),
            "{text}"
        );
    }

    #[test]
    fn json_media_types() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
            json_content_type(&headers)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        assert!(with("application/merge-patch+json"));
        assert!(!with("text/json"));
        assert!(!with("application/jsonx"));
        assert!(!with("+json"));
        assert!(!json_content_type(&HeaderMap::new()));
    }
}
