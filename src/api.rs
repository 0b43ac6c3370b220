//! The HTTP client of the Tsunagu contract (`/api/v1`).
//!
//! One fetch helper ([`Client::fetch`]) attaches the bearer token, aborts the request when the
//! reactive scope that started it is cleaned up, reports lost sessions, and turns every failure
//! into an [`ApiError`]: a `problem+json` body becomes [`ApiError::Problem`] with its stable
//! [`ErrorCode`], no response at all becomes [`ApiError::Network`]. Typed functions per endpoint
//! sit on top of it.
//!
//! This module holds the client and its errors; the calls of each resource are in a submodule
//! (`sessions`, `groups`, `posts`, …), all reachable as `crate::api::…`.

use gloo_net::http::{Method, RequestBuilder, Response};
use leptos::prelude::{on_cleanup, Callable, Callback};
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tsunagu_api::{ErrorCode, Problem, API_PREFIX, IDEMPOTENCY_KEY};
use uuid::Uuid;

mod base_url;
mod directory;
mod email;
mod events;
mod groups;
mod invitations;
mod media;
mod members;
mod onboarding;
mod operator;
mod post_actions;
mod posts;
mod push;
mod query;
mod sessions;

pub use base_url::{api_base, normalize_base, set_api_base, API_BASE_KEY};
pub use directory::DirectoryQuery;
pub use members::{AddOutcome, MentionMember};
pub use post_actions::{etag_version, if_match, SearchQuery};
pub use posts::{posts_query, PostCursor};
pub use query::{encode_query_value, query};

/// Why an API call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiError {
    /// The server answered with an error status; `code` comes from the `problem+json` body, or
    /// from the status when the body is not one (e.g. a proxy's HTML page).
    Problem {
        /// HTTP status.
        status: u16,
        /// Stable machine code to translate.
        code: ErrorCode,
    },
    /// No response: offline, DNS, connection refused, CORS, or the request was aborted.
    Network,
}

impl ApiError {
    /// The machine code, `None` for a network failure.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Problem { code, .. } => Some(*code),
            ApiError::Network => None,
        }
    }

    /// The HTTP status, `None` for a network failure.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Problem { status, .. } => Some(*status),
            ApiError::Network => None,
        }
    }

    /// Whether this error means the session is gone and the user must log in again.
    pub fn is_auth_lost(&self) -> bool {
        matches!(
            self,
            ApiError::Problem {
                status: 401,
                code: ErrorCode::SessionExpired | ErrorCode::Unauthenticated
            }
        )
    }
}

/// Code assumed for an error status whose body is not `problem+json`.
pub fn code_for_status(status: u16) -> ErrorCode {
    match status {
        400 => ErrorCode::MalformedRequest,
        401 => ErrorCode::Unauthenticated,
        404 => ErrorCode::NotFound,
        413 => ErrorCode::FileTooLarge,
        415 => ErrorCode::UnsupportedMediaType,
        422 => ErrorCode::ValidationFailed,
        429 => ErrorCode::RateLimited,
        500..=599 => ErrorCode::InternalError,
        _ => ErrorCode::Unknown,
    }
}

/// Error of an error status with the given body text (pure, for tests and the decoder).
pub fn error_from_body(status: u16, body: &str) -> ApiError {
    let code = crate::json::parse::<Problem>(body)
        .map(|p| p.code)
        .unwrap_or_else(|| code_for_status(status));
    ApiError::Problem { status, code }
}

/// Turns an error response into an [`ApiError`], reading its `problem+json` body.
pub async fn error_from_response(resp: &Response) -> ApiError {
    let status = resp.status();
    match resp.text().await {
        Ok(body) => error_from_body(status, &body),
        Err(_) => ApiError::Problem {
            status,
            code: code_for_status(status),
        },
    }
}

/// Decodes a response: its JSON body on success, an [`ApiError`] otherwise.
pub async fn decode<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    parse(body_text(resp).await?)
}

/// A successful response's status and body text, an [`ApiError`] otherwise. Not generic, so
/// every response type shares this one future and adds only its JSON parser to the app.
async fn body_text(resp: Response) -> Result<(u16, String), ApiError> {
    if !resp.ok() {
        return Err(error_from_response(&resp).await);
    }
    let status = resp.status();
    match resp.text().await {
        Ok(text) => Ok((status, text)),
        Err(_) => Err(ApiError::Problem {
            status,
            code: ErrorCode::Unknown,
        }),
    }
}

/// The JSON body read by [`body_text`] as a `T`.
fn parse<T: DeserializeOwned>((status, text): (u16, String)) -> Result<T, ApiError> {
    crate::json::parse(&text).ok_or(ApiError::Problem {
        status,
        code: ErrorCode::Unknown,
    })
}

/// A `Retry-After` header in milliseconds. Only the delta-seconds form is read: the contract's
/// servers send it, and an HTTP date would need a trustworthy clock on the phone.
pub fn retry_after_ms(value: &str) -> Option<i64> {
    value
        .trim()
        .parse::<u32>()
        .ok()
        .map(|s| i64::from(s) * 1000)
}

fn to_json<T: Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|_| ApiError::Network)
}

/// A configured API client: base URL, optional bearer token and what to do when the session is
/// lost.
#[derive(Clone)]
pub struct Client {
    base: String,
    token: Option<String>,
    on_auth_lost: Option<Callback<ErrorCode>>,
}

impl Client {
    /// A client for `base` (empty: same origin), authenticated with `token` when given.
    pub fn new(base: impl Into<String>, token: Option<String>) -> Self {
        Self {
            base: normalize_base(&base.into()),
            token,
            on_auth_lost: None,
        }
    }

    /// Calls `callback` whenever a response says the session is expired or missing.
    pub fn with_auth_lost(mut self, callback: Callback<ErrorCode>) -> Self {
        self.on_auth_lost = Some(callback);
        self
    }

    /// The API base URL (`""`: same origin).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The bearer token, for requests made without [`Client::fetch`] (uploads with progress).
    pub fn bearer(&self) -> Option<String> {
        self.token.clone()
    }

    /// Full URL of an API path such as `/groups`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}{}", self.base, API_PREFIX, path)
    }

    /// The one fetch helper. Sends the request (JSON body, bearer token, optional idempotency
    /// key), aborts it when the current reactive owner is cleaned up, and returns the response
    /// if its status is a success.
    pub async fn fetch(
        &self,
        method: Method,
        path: &str,
        json_body: Option<String>,
        idempotency_key: Option<Uuid>,
    ) -> Result<Response, ApiError> {
        self.fetch_with_headers(method, path, json_body, idempotency_key, &[])
            .await
    }

    /// [`Client::fetch`] with extra request headers (e.g. `If-Match` for conditional edits).
    pub async fn fetch_with_headers(
        &self,
        method: Method,
        path: &str,
        json_body: Option<String>,
        idempotency_key: Option<Uuid>,
        headers: &[(&str, &str)],
    ) -> Result<Response, ApiError> {
        let controller = web_sys::AbortController::new().ok();
        let signal = controller.as_ref().map(|c| c.signal());
        if let Some(controller) = controller {
            let controller = SendWrapper::new(controller);
            on_cleanup(move || {
                if controller.valid() {
                    controller.abort();
                }
            });
        }

        let mut builder = RequestBuilder::new(&self.url(path))
            .method(method)
            .header("Accept", "application/json")
            .abort_signal(signal.as_ref());
        if let Some(token) = &self.token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        if let Some(key) = idempotency_key {
            builder = builder.header(IDEMPOTENCY_KEY, &key.to_string());
        }
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        let request = match json_body {
            Some(body) => builder
                .header("Content-Type", "application/json")
                .body(body),
            None => builder.build(),
        }
        .map_err(|_| ApiError::Network)?;

        let resp = request.send().await.map_err(|_| ApiError::Network)?;
        if resp.ok() {
            return Ok(resp);
        }
        let err = error_from_response(&resp).await;
        if err.is_auth_lost() {
            if let (Some(cb), Some(code)) = (&self.on_auth_lost, err.code()) {
                cb.run(code);
            }
        }
        Err(err)
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        parse(self.fetch_text(Method::GET, path, None).await?)
    }

    async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<T, ApiError> {
        parse(self.fetch_text(method, path, body).await?)
    }

    /// [`Client::fetch`] and [`body_text`] as one future that is not generic (see `body_text`).
    async fn fetch_text(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<(u16, String), ApiError> {
        body_text(self.fetch(method, path, body, None).await?).await
    }

    /// POSTs a file as it is (`content_type`), with the bearer token; the answer's status and
    /// body text, or the [`ApiError`].
    pub async fn upload(
        &self,
        path: &str,
        content_type: &str,
        file: &web_sys::Blob,
    ) -> Result<(u16, String), ApiError> {
        let mut builder = RequestBuilder::new(&self.url(path))
            .method(Method::POST)
            .header("Accept", "application/json")
            .header("Content-Type", content_type);
        if let Some(token) = &self.token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        let request = builder
            .body(wasm_bindgen::JsValue::from(file.clone()))
            .map_err(|_| ApiError::Network)?;
        let resp = request.send().await.map_err(|_| ApiError::Network)?;
        body_text(resp).await
    }

    async fn send_empty(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<(), ApiError> {
        self.fetch(method, path, body, None).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use tsunagu_api::FacilityKind;

    use super::*;

    #[test]
    fn problem_bodies_map_to_their_code() {
        let body = r#"{"type":"about:blank","title":"Unauthorized","status":401,"code":"session_expired"}"#;
        let err = error_from_body(401, body);
        assert_eq!(
            err,
            ApiError::Problem {
                status: 401,
                code: ErrorCode::SessionExpired
            }
        );
        assert!(err.is_auth_lost());
        let bad = error_from_body(
            401,
            r#"{"type":"about:blank","title":"x","status":401,"code":"invalid_credentials"}"#,
        );
        assert!(!bad.is_auth_lost());
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        assert_eq!(retry_after_ms("30"), Some(30_000));
        assert_eq!(retry_after_ms(" 0 "), Some(0));
        // The HTTP-date form and garbage are ignored: the outbox's own backoff applies.
        assert_eq!(retry_after_ms("Wed, 21 Oct 2026 07:28:00 GMT"), None);
        assert_eq!(retry_after_ms("-5"), None);
        assert_eq!(retry_after_ms(""), None);
    }

    #[test]
    fn other_bodies_map_by_status() {
        assert_eq!(
            error_from_body(502, "<html>Bad gateway</html>").code(),
            Some(ErrorCode::InternalError)
        );
        assert_eq!(
            error_from_body(429, "").code(),
            Some(ErrorCode::RateLimited)
        );
        assert_eq!(ApiError::Network.code(), None);
        assert_eq!(ApiError::Network.status(), None);
    }

    #[test]
    fn base_urls_and_queries() {
        assert_eq!(normalize_base(" https://a.example/ "), "https://a.example");
        assert_eq!(normalize_base(""), "");
        let c = Client::new("https://a.example/", None);
        assert_eq!(c.url("/meta"), "https://a.example/api/v1/meta");
        assert_eq!(Client::new("", None).url("/me"), "/api/v1/me");
        assert_eq!(query(&[("limit", None)]), "");
        assert_eq!(
            query(&[
                ("limit", Some("50".into())),
                ("before", Some("a+b/c=".into()))
            ]),
            "?limit=50&before=a%2Bb%2Fc%3D"
        );
        let dq = DirectoryQuery {
            q: " 高橋 ".into(),
            facility_kind: Some(FacilityKind::Pharmacy),
            profession: None,
        };
        assert_eq!(
            dq.to_query(20),
            "?q=%E9%AB%98%E6%A9%8B&facility_kind=pharmacy&limit=20"
        );
    }
}
