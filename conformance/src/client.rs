//! A thin HTTP client for the scenarios: raw responses (status, headers, JSON) so every scenario
//! can check the exact wire format, not just what a lenient decoder accepts.

use crate::Options;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tsunagu_api::{ErrorCode, LoginRequest, Problem, Session};

/// What a scenario returns: `Err` carries a human-readable reason.
pub type Check<T = ()> = Result<T, String>;

/// Fails the scenario with a message unless the condition holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

/// Shared state of a suite run.
pub struct Ctx {
    pub base: String,
    pub http: reqwest::Client,
    pub options: Options,
}

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
        Ok(EventStream {
            resp,
            parser: SseParser::new(),
            ready: std::collections::VecDeque::new(),
        })
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

impl Ctx {
    pub fn new(options: &Options) -> Result<Self, String> {
        let base = options.base_url.trim_end_matches('/').to_owned();
        reqwest::Url::parse(&base).map_err(|e| format!("invalid --base-url: {e}"))?;
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            base,
            http,
            options: options.clone(),
        })
    }

    /// A request to `path` under `/api/v1`.
    pub fn req(&self, method: reqwest::Method, path: &str) -> Req {
        let url = format!("{}{}{}", self.base, tsunagu_api::API_PREFIX, path);
        Req {
            inner: self.http.request(method, url),
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

    /// Whether `GET /meta` lists this optional capability.
    pub async fn has_capability(&self, name: &str) -> Check<bool> {
        let meta: tsunagu_api::Meta = self
            .get("/meta")
            .send()
            .await?
            .expect_status(200)?
            .decode()?;
        Ok(meta.capabilities.iter().any(|c| c == name))
    }

    /// Logs in and returns the session, failing the scenario on anything but 201.
    pub async fn login(&self, login_id: &str, password: &str) -> Check<Session> {
        let reply = self
            .post("/sessions")
            .json(&LoginRequest {
                login_id: login_id.to_owned(),
                password: password.to_owned(),
            })
            .send()
            .await?;
        reply.expect_status(201)?;
        reply.decode()
    }

    pub async fn login_member(&self) -> Check<Session> {
        self.login(&self.options.member_login, &self.options.member_password)
            .await
    }

    pub async fn login_physician(&self) -> Check<Session> {
        self.login(
            &self.options.physician_login,
            &self.options.physician_password,
        )
        .await
    }

    pub async fn login_outsider(&self) -> Check<Session> {
        self.login(
            &self.options.outsider_login,
            &self.options.outsider_password,
        )
        .await
    }
}

/// One Server-Sent Event, as the SPA parses it.
pub use tsunagu_api::sse::SseFrame as SseEvent;
use tsunagu_api::sse::SseParser;

/// An open `text/event-stream` response, read incrementally like a browser's streaming fetch.
pub struct EventStream {
    resp: reqwest::Response,
    parser: SseParser,
    /// Events parsed but not yet returned.
    ready: std::collections::VecDeque<SseEvent>,
}

impl EventStream {
    /// The next event within `wait`; `Ok(None)` when none came or the stream ended.
    pub async fn next(&mut self, wait: std::time::Duration) -> Check<Option<SseEvent>> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Ok(Some(event));
            }
            match tokio::time::timeout_at(deadline, self.resp.chunk()).await {
                Err(_) => return Ok(None),
                Ok(Ok(Some(bytes))) => self.ready.extend(self.parser.feed(&bytes)),
                Ok(Ok(None)) => return Ok(None),
                Ok(Err(e)) => return Err(format!("reading the event stream failed: {e}")),
            }
        }
    }

    /// Every event arriving within `wait`.
    pub async fn drain(&mut self, wait: std::time::Duration) -> Check<Vec<SseEvent>> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut events = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next(left).await? {
                Some(event) => events.push(event),
                None => return Ok(events),
            }
        }
    }
}
