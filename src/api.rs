//! The HTTP client of the Tsunagu contract (`/api/v1`).
//!
//! One fetch helper ([`Client::fetch`]) attaches the bearer token, aborts the request when the
//! reactive scope that started it is cleaned up, reports lost sessions, and turns every failure
//! into an [`ApiError`]: a `problem+json` body becomes [`ApiError::Problem`] with its stable
//! [`ErrorCode`], no response at all becomes [`ApiError::Network`]. Typed functions per endpoint
//! sit on top of it.

use gloo_net::http::{Method, RequestBuilder, Response};
use leptos::prelude::{on_cleanup, Callable, Callback};
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tsunagu_api::{
    AddMember, DeclineInvitation, DirectoryPage, ErrorCode, FacilityKind, FacilityList, Group,
    GroupPage, GroupUpdate, Importance, Invitation, InvitationKind, InvitationLink, InvitationList,
    JoinAsFamily, JoinInfo, LoginRequest, Me, Member, MemberList, MemberRole, MemberUpdate, Meta,
    NewGroup, NewInvitationLink, NewPost, OpenDirect, Post, PostPage, Problem, Profession,
    ReadMarker, Session, Timeline, API_PREFIX, IDEMPOTENCY_KEY,
};
use uuid::Uuid;

use crate::storage;

mod events;
mod post_actions;
pub use post_actions::{etag_version, if_match, SearchQuery};

/// `localStorage` key of the API base URL setting (empty or absent: same origin).
pub const API_BASE_KEY: &str = "tsunagu.api_base";

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
    let code = serde_json::from_str::<Problem>(body)
        .map(|p| p.code)
        .unwrap_or_else(|_| code_for_status(status));
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
    if !resp.ok() {
        return Err(error_from_response(&resp).await);
    }
    let status = resp.status();
    resp.json::<T>().await.map_err(|_| ApiError::Problem {
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

/// Normalises a base URL setting: trimmed, without trailing slashes; empty means same origin.
pub fn normalize_base(s: &str) -> String {
    s.trim().trim_end_matches('/').to_owned()
}

/// The API base URL: the stored setting, or `""` (same origin).
pub fn api_base() -> String {
    storage::get(API_BASE_KEY)
        .map(|s| normalize_base(&s))
        .unwrap_or_default()
}

/// Stores the API base URL setting; an empty value goes back to same origin.
pub fn set_api_base(value: &str) {
    let v = normalize_base(value);
    if v.is_empty() {
        storage::remove(API_BASE_KEY);
    } else {
        storage::set(API_BASE_KEY, &v);
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
pub fn encode_query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Builds a query string (`?a=1&b=2`) from the present parameters.
pub fn query(params: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> = params
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", encode_query_value(v))))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Which page of a timeline to fetch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PostCursor {
    /// The newest posts (newest first).
    #[default]
    Newest,
    /// Posts older than the cursor (newest first).
    Before(String),
    /// Posts newer than the cursor (oldest first).
    After(String),
}

/// The query string of `GET /groups/{id}/posts`.
pub fn posts_query(
    timeline: Option<Timeline>,
    cursor: PostCursor,
    limit: Option<u32>,
    min_importance: Option<Importance>,
) -> String {
    let (before, after) = match cursor {
        PostCursor::Newest => (None, None),
        PostCursor::Before(c) => (Some(c), None),
        PostCursor::After(c) => (None, Some(c)),
    };
    query(&[
        ("timeline", timeline.map(|t| t.as_str().to_owned())),
        ("limit", limit.map(|l| l.to_string())),
        ("before", before),
        ("after", after),
        (
            "min_importance",
            min_importance.map(|i| i.as_str().to_owned()),
        ),
    ])
}

/// What adding a member did: it took effect (201), or it waits for the attending physician
/// (202).
#[derive(Debug, Clone, PartialEq)]
pub enum AddOutcome {
    /// The person is a member now.
    Added(Member),
    /// The invitation waits for the attending physician's approval.
    Pending(Box<Invitation>),
}

/// Filters of a directory search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryQuery {
    /// Name, kana or facility, as a substring.
    pub q: String,
    /// Only this facility type.
    pub facility_kind: Option<FacilityKind>,
    /// Only this profession.
    pub profession: Option<Profession>,
}

impl DirectoryQuery {
    /// The query string of `GET /directory/people`.
    pub fn to_query(&self, limit: u32) -> String {
        let q = self.q.trim();
        query(&[
            ("q", (!q.is_empty()).then(|| q.to_owned())),
            (
                "facility_kind",
                self.facility_kind.map(|k| k.as_str().to_owned()),
            ),
            ("profession", self.profession.map(|p| p.as_str().to_owned())),
            ("limit", Some(limit.to_string())),
        ])
    }
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
        decode(self.fetch(Method::GET, path, None, None).await?).await
    }

    /// `GET /meta`.
    pub async fn meta(&self) -> Result<Meta, ApiError> {
        self.get_json("/meta").await
    }

    /// `POST /sessions`: logs in.
    pub async fn login(&self, req: &LoginRequest) -> Result<Session, ApiError> {
        let body = serde_json::to_string(req).map_err(|_| ApiError::Network)?;
        decode(
            self.fetch(Method::POST, "/sessions", Some(body), None)
                .await?,
        )
        .await
    }

    /// `DELETE /sessions/current`: logs out.
    pub async fn logout(&self) -> Result<(), ApiError> {
        self.fetch(Method::DELETE, "/sessions/current", None, None)
            .await
            .map(|_| ())
    }

    /// `GET /me`.
    pub async fn me(&self) -> Result<Me, ApiError> {
        self.get_json("/me").await
    }

    /// `GET /groups`: my groups, latest activity first.
    pub async fn groups(
        &self,
        limit: Option<u32>,
        before: Option<String>,
    ) -> Result<GroupPage, ApiError> {
        let q = query(&[("limit", limit.map(|l| l.to_string())), ("before", before)]);
        self.get_json(&format!("/groups{q}")).await
    }

    /// `GET /groups/{id}`.
    pub async fn group(&self, id: Uuid) -> Result<Group, ApiError> {
        self.get_json(&format!("/groups/{id}")).await
    }

    /// `GET /groups/{id}/posts`: one page of a timeline, optionally only posts at least
    /// `min_importance` important (`important` means important or urgent).
    pub async fn posts(
        &self,
        group: Uuid,
        timeline: Option<Timeline>,
        cursor: PostCursor,
        limit: Option<u32>,
        min_importance: Option<Importance>,
    ) -> Result<PostPage, ApiError> {
        self.get_json(&format!(
            "/groups/{group}/posts{}",
            posts_query(timeline, cursor, limit, min_importance)
        ))
        .await
    }

    /// `POST /groups/{id}/posts` with an idempotency key, so a retry never posts twice.
    ///
    /// Also returns the server's `Retry-After` (in milliseconds) when it sent one, so the outbox
    /// waits as long as a rate-limited or overloaded server asked.
    pub async fn create_post(
        &self,
        group: Uuid,
        post: &NewPost,
        idempotency_key: Uuid,
    ) -> (Result<Post, ApiError>, Option<i64>) {
        let Ok(body) = serde_json::to_string(post) else {
            return (Err(ApiError::Network), None);
        };
        let resp = match self
            .fetch(
                Method::POST,
                &format!("/groups/{group}/posts"),
                Some(body),
                Some(idempotency_key),
            )
            .await
        {
            Ok(resp) => resp,
            Err(e) => return (Err(e), None),
        };
        let retry_after = resp
            .headers()
            .get("Retry-After")
            .and_then(|v| retry_after_ms(&v));
        (decode(resp).await, retry_after)
    }

    async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<T, ApiError> {
        decode(self.fetch(method, path, body, None).await?).await
    }

    async fn send_empty(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<(), ApiError> {
        self.fetch(method, path, body, None).await.map(|_| ())
    }

    /// `PUT /groups/{id}/read`: everything up to `up_to` in `timeline` has been read.
    pub async fn mark_read(&self, group: Uuid, marker: &ReadMarker) -> Result<(), ApiError> {
        let body = to_json(marker)?;
        self.send_empty(Method::PUT, &format!("/groups/{group}/read"), Some(body))
            .await
    }

    /// `POST /groups`: creates a group.
    pub async fn create_group(&self, new: &NewGroup) -> Result<Group, ApiError> {
        self.send_json(Method::POST, "/groups", Some(to_json(new)?))
            .await
    }

    /// `PATCH /groups/{id}` (admins).
    pub async fn update_group(&self, group: Uuid, update: &GroupUpdate) -> Result<Group, ApiError> {
        self.send_json(
            Method::PATCH,
            &format!("/groups/{group}"),
            Some(to_json(update)?),
        )
        .await
    }

    /// `POST /groups/{id}/archive` (admins).
    pub async fn archive_group(&self, group: Uuid) -> Result<Group, ApiError> {
        self.send_json(Method::POST, &format!("/groups/{group}/archive"), None)
            .await
    }

    /// `POST /direct`: opens (or reuses) the direct message with a person.
    pub async fn open_direct(&self, user_id: Uuid) -> Result<Group, ApiError> {
        self.send_json(
            Method::POST,
            "/direct",
            Some(to_json(&OpenDirect { user_id })?),
        )
        .await
    }

    /// `GET /groups/{id}/members`.
    pub async fn members(&self, group: Uuid) -> Result<MemberList, ApiError> {
        self.get_json(&format!("/groups/{group}/members")).await
    }

    /// `POST /groups/{id}/members` (admins): 201 with the member, or 202 with the pending
    /// invitation.
    pub async fn add_member(
        &self,
        group: Uuid,
        user_id: Uuid,
        role: MemberRole,
    ) -> Result<AddOutcome, ApiError> {
        let body = to_json(&AddMember { user_id, role })?;
        let resp = self
            .fetch(
                Method::POST,
                &format!("/groups/{group}/members"),
                Some(body),
                None,
            )
            .await?;
        if resp.status() == 202 {
            decode(resp).await.map(|i| AddOutcome::Pending(Box::new(i)))
        } else {
            decode(resp).await.map(AddOutcome::Added)
        }
    }

    /// `PATCH /groups/{id}/members/{user}`: changes a role.
    pub async fn update_member(
        &self,
        group: Uuid,
        user_id: Uuid,
        role: MemberRole,
    ) -> Result<Member, ApiError> {
        self.send_json(
            Method::PATCH,
            &format!("/groups/{group}/members/{user_id}"),
            Some(to_json(&MemberUpdate { role })?),
        )
        .await
    }

    /// `DELETE /groups/{id}/members/{user}`: removes a member (yourself: leave). `true` when
    /// the member is the attending physician and the removal waits for their decision (202).
    pub async fn remove_member(&self, group: Uuid, user_id: Uuid) -> Result<bool, ApiError> {
        let resp = self
            .fetch(
                Method::DELETE,
                &format!("/groups/{group}/members/{user_id}"),
                None,
                None,
            )
            .await?;
        Ok(resp.status() == 202)
    }

    /// `GET /invitations`: waiting for my approval as attending physician.
    pub async fn invitations(&self) -> Result<InvitationList, ApiError> {
        self.get_json("/invitations").await
    }

    /// `POST /invitations/{id}/approve`.
    pub async fn approve_invitation(&self, id: Uuid) -> Result<Invitation, ApiError> {
        self.send_json(Method::POST, &format!("/invitations/{id}/approve"), None)
            .await
    }

    /// `POST /invitations/{id}/decline` with the reason.
    pub async fn decline_invitation(&self, id: Uuid, reason: &str) -> Result<Invitation, ApiError> {
        let body = to_json(&DeclineInvitation {
            reason: reason.to_owned(),
        })?;
        self.send_json(
            Method::POST,
            &format!("/invitations/{id}/decline"),
            Some(body),
        )
        .await
    }

    /// `POST /groups/{id}/invitation-links` (admins).
    pub async fn create_link(
        &self,
        group: Uuid,
        kind: InvitationKind,
    ) -> Result<InvitationLink, ApiError> {
        self.send_json(
            Method::POST,
            &format!("/groups/{group}/invitation-links"),
            Some(to_json(&NewInvitationLink { kind })?),
        )
        .await
    }

    /// `GET /groups/{id}/invitation-links` (admins).
    pub async fn links(&self, group: Uuid) -> Result<InvitationList, ApiError> {
        self.get_json(&format!("/groups/{group}/invitation-links"))
            .await
    }

    /// `DELETE /groups/{id}/invitation-links/{invitation}` (admins).
    pub async fn revoke_link(&self, group: Uuid, invitation: Uuid) -> Result<(), ApiError> {
        self.send_empty(
            Method::DELETE,
            &format!("/groups/{group}/invitation-links/{invitation}"),
            None,
        )
        .await
    }

    /// `GET /join/{token}` (no login).
    pub async fn join_info(&self, token: &str) -> Result<JoinInfo, ApiError> {
        self.get_json(&format!("/join/{}", encode_query_value(token)))
            .await
    }

    /// `POST /join/{token}` (no login): creates the family account and logs in.
    pub async fn join_as_family(
        &self,
        token: &str,
        req: &JoinAsFamily,
    ) -> Result<Session, ApiError> {
        self.send_json(
            Method::POST,
            &format!("/join/{}", encode_query_value(token)),
            Some(to_json(req)?),
        )
        .await
    }

    /// `GET /directory/people`.
    pub async fn directory_people(
        &self,
        q: &DirectoryQuery,
        limit: u32,
    ) -> Result<DirectoryPage, ApiError> {
        self.get_json(&format!("/directory/people{}", q.to_query(limit)))
            .await
    }

    /// `GET /directory/facilities`.
    pub async fn facilities(&self) -> Result<FacilityList, ApiError> {
        self.get_json("/directory/facilities").await
    }
}

#[cfg(test)]
mod tests {
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
