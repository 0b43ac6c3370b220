//! A typed client of `/api/v1` that returns whole responses (status, headers, body), so a check
//! can look at the exact wire format, and typed shortcuts for the calls every suite makes
//! (log in, create a post, find a group). Failures are `Err(String)` naming what came instead:
//! the conformance suite reports them per scenario, tests `unwrap` them.

use serde::de::DeserializeOwned;
use serde_json::Value;
use tsunagu_api::{
    ErrorCode, Group, GroupPage, LoginRequest, Me, Meta, Post, PostPage, Problem, Session,
};
use uuid::Uuid;

use crate::check::Check;
use crate::ensure;
use crate::events::EventStream;
use crate::fixtures::PostFixture;

/// One HTTP response, fully read.
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    /// The body as JSON, or a failure naming what came instead.
    pub fn json(&self) -> Check<Value> {
        serde_json::from_str(&self.text)
            .map_err(|e| format!("body is not JSON ({e}): {:.200}", self.text))
    }

    /// The body decoded as a contract type.
    pub fn decode<T: DeserializeOwned>(&self) -> Check<T> {
        serde_json::from_str(&self.text).map_err(|e| {
            format!(
                "body does not match the contract type {} ({e}): {:.300}",
                std::any::type_name::<T>(),
                self.text
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the status code.
    pub fn expect_status(&self, status: u16) -> Check<&Self> {
        ensure!(
            self.status == status,
            "expected HTTP {status}, got {}: {:.300}",
            self.status,
            self.text
        );
        Ok(self)
    }

    /// Asserts an RFC 9457 problem with the given status and stable code.
    pub fn expect_problem(&self, status: u16, code: ErrorCode) -> Check<Problem> {
        self.expect_status(status)?;
        let ct = self.header("content-type").unwrap_or_default();
        ensure!(
            ct.starts_with(tsunagu_api::PROBLEM_JSON),
            "error content type must be {}, got {ct:?}",
            tsunagu_api::PROBLEM_JSON
        );
        let raw = self.json()?;
        for field in ["type", "title", "status", "code"] {
            ensure!(raw.get(field).is_some(), "problem lacks `{field}`: {raw}");
        }
        let problem: Problem = self.decode()?;
        ensure!(
            problem.status == status,
            "problem.status {} differs from HTTP status {status}",
            problem.status
        );
        ensure!(
            problem.code == code,
            "expected code {code:?}, got {:?} ({:?})",
            problem.code,
            raw.get("code")
        );
        Ok(problem)
    }
}

/// A request under construction.
pub struct Req {
    inner: reqwest::RequestBuilder,
}

impl Req {
    pub fn bearer(mut self, token: &str) -> Self {
        self.inner = self.inner.bearer_auth(token);
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.inner = self.inner.header(name, value);
        self
    }

    pub fn json(mut self, body: &impl serde::Serialize) -> Self {
        self.inner = self.inner.json(body);
        self
    }

    /// Query parameters, URL-encoded.
    pub fn query(mut self, params: &[(&str, &str)]) -> Self {
        self.inner = self.inner.query(params);
        self
    }

    pub fn raw_body(mut self, content_type: &str, body: &str) -> Self {
        self.inner = self
            .inner
            .header("content-type", content_type)
            .body(body.to_owned());
        self
    }

    /// Sends the request and keeps the response open as a Server-Sent Events stream.
    pub async fn open_stream(self) -> Check<EventStream> {
        let resp = self
            .inner
            // Longer than the client's 30 s: a stream is read for a while.
            .timeout(std::time::Duration::from_secs(120))
            .send()
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        let status = resp.status().as_u16();
        if status != 200 {
            let text = resp.text().await.unwrap_or_default();
            return Err(format!(
                "expected HTTP 200 for the event stream, got {status}: {text:.300}"
            ));
        }
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        ensure!(
            ct.starts_with("text/event-stream"),
            "event stream content type {ct:?}"
        );
        Ok(EventStream::new(resp))
    }

    pub async fn send(self) -> Check<Reply> {
        let resp = self
            .inner
            .send()
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp
            .text()
            .await
            .map_err(|e| format!("reading body failed: {e}"))?;
        Ok(Reply {
            status,
            headers,
            text,
        })
    }
}

/// A backend at a base URL (the API under `<base>/api/v1`).
#[derive(Clone)]
pub struct Api {
    /// Without a trailing slash.
    pub base: String,
    pub http: reqwest::Client,
}

impl Api {
    /// A client of the backend at `base`. No proxy from the environment sits between a test
    /// and its server; a request gives up after 30 s (event streams after 120 s).
    pub fn new(base: &str) -> Check<Self> {
        let base = base.trim_end_matches('/').to_owned();
        reqwest::Url::parse(&base).map_err(|e| format!("invalid base URL {base:?}: {e}"))?;
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self { base, http })
    }

    /// A request to `path` under `/api/v1`.
    pub fn req(&self, method: reqwest::Method, path: &str) -> Req {
        self.raw(method, &format!("{}{path}", tsunagu_api::API_PREFIX))
    }

    /// A request to `path` as it is (e.g. `/index.html`, or a full `/api/v1/…` path).
    pub fn raw(&self, method: reqwest::Method, path: &str) -> Req {
        Req {
            inner: self.http.request(method, format!("{}{path}", self.base)),
        }
    }

    pub fn get(&self, path: &str) -> Req {
        self.req(reqwest::Method::GET, path)
    }

    pub fn post(&self, path: &str) -> Req {
        self.req(reqwest::Method::POST, path)
    }

    pub fn put(&self, path: &str) -> Req {
        self.req(reqwest::Method::PUT, path)
    }

    pub fn patch(&self, path: &str) -> Req {
        self.req(reqwest::Method::PATCH, path)
    }

    pub fn delete(&self, path: &str) -> Req {
        self.req(reqwest::Method::DELETE, path)
    }

    /// `GET /meta`.
    pub async fn meta(&self) -> Check<Meta> {
        self.get("/meta").send().await?.expect_status(200)?.decode()
    }

    /// Whether `GET /meta` lists this optional capability.
    pub async fn has_capability(&self, name: &str) -> Check<bool> {
        Ok(self.meta().await?.capabilities.iter().any(|c| c == name))
    }

    /// `POST /sessions` as it answered.
    pub async fn login_reply(&self, login_id: &str, password: &str) -> Check<Reply> {
        self.post("/sessions")
            .json(&LoginRequest {
                login_id: login_id.to_owned(),
                password: password.to_owned(),
                code: None,
                remember_device: false,
                device_token: None,
            })
            .send()
            .await
    }

    /// Logs in; anything but 201 fails.
    pub async fn login(&self, login_id: &str, password: &str) -> Check<Session> {
        let reply = self.login_reply(login_id, password).await?;
        reply.expect_status(201)?;
        reply.decode()
    }

    /// `GET /me`.
    pub async fn me(&self, token: &str) -> Check<Me> {
        self.get("/me")
            .bearer(token)
            .send()
            .await?
            .expect_status(200)?
            .decode()
    }

    /// The caller's groups (the first 100).
    pub async fn groups(&self, token: &str) -> Check<Vec<Group>> {
        let page: GroupPage = self
            .get("/groups?limit=100")
            .bearer(token)
            .send()
            .await?
            .expect_status(200)?
            .decode()?;
        Ok(page.items)
    }

    /// `GET /groups/{id}`.
    pub async fn group(&self, token: &str, group: Uuid) -> Check<Group> {
        self.get(&format!("/groups/{group}"))
            .bearer(token)
            .send()
            .await?
            .expect_status(200)?
            .decode()
    }

    /// The caller's group with this name.
    pub async fn group_named(&self, token: &str, name: &str) -> Check<Group> {
        self.groups(token)
            .await?
            .into_iter()
            .find(|g| g.name == name)
            .ok_or_else(|| format!("the caller is in no group named {name:?}"))
    }

    /// `POST /groups/{group}/posts` as it answered (with the fixture's idempotency key).
    pub async fn create_post_reply(
        &self,
        token: &str,
        group: Uuid,
        post: &PostFixture,
    ) -> Check<Reply> {
        let mut req = self
            .post(&format!("/groups/{group}/posts"))
            .bearer(token)
            .json(&post.body());
        if let Some(key) = post.key() {
            req = req.header(tsunagu_api::IDEMPOTENCY_KEY, key);
        }
        req.send().await
    }

    /// Creates a post; anything but 201 fails.
    pub async fn create_post(&self, token: &str, group: Uuid, post: &PostFixture) -> Check<Post> {
        let reply = self.create_post_reply(token, group, post).await?;
        reply.expect_status(201)?;
        reply.decode()
    }

    /// A page of a timeline, newest first; `query` is the query string (`?limit=5`, or empty).
    pub async fn posts(&self, token: &str, group: Uuid, query: &str) -> Check<PostPage> {
        self.get(&format!("/groups/{group}/posts{query}"))
            .bearer(token)
            .send()
            .await?
            .expect_status(200)?
            .decode()
    }

    /// Opens the caller's live event stream, resuming after `last_event_id` if given.
    pub async fn events(&self, token: &str, last_event_id: Option<&str>) -> Check<EventStream> {
        let mut req = self.get("/events").bearer(token);
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id);
        }
        req.open_stream().await
    }
}
