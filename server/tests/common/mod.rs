//! A real server on an ephemeral port over a fresh database (a temporary SQLite file, or a new
//! PostgreSQL database when `TSUNAGU_TEST_DATABASE_URL` names a cluster), seeded with the demo
//! data.

#![allow(dead_code)] // Each test binary uses a different part of this module.

pub mod db;

#[allow(unused_imports)]
pub use db::{Bind, Id, TestDb};

use std::net::SocketAddr;
use std::path::PathBuf;

use reqwest::{Client, Response};
use serde_json::Value;
use tempfile::TempDir;
use tsunagu_server::config::Settings;
use tsunagu_server::events::Live;
use tsunagu_server::{app, demo, listener, AppState};
use uuid::Uuid;

pub const PASSWORD: &str = demo::DEMO_PASSWORD;
pub const YAMADA: &str = "山田 花子 様";
pub const NAKAMURA: &str = "中村 一郎 様";
pub const WORKPLACE: &str = "あおば訪問看護ステーション 連絡";

pub struct TestApp {
    pub base: String,
    pub addr: SocketAddr,
    /// The server's register of open event streams.
    pub live: Live,
    pub client: Client,
    /// The server's database, for checks the API cannot make.
    pub db: TestDb,
    /// Its URL (each test has its own database).
    pub database_url: String,
    pub dist: PathBuf,
    /// The server's state, for what only it can tell (e.g. how many password checks ran at once).
    pub state: AppState,
    _dir: TempDir,
}

impl TestApp {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// `configure` adjusts the settings; `dist` starts as an empty directory in the temp dir.
    pub async fn start_with(configure: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let (database, db, database_url) = db::fresh(dir.path()).await;
        demo::seed(&database).await.expect("demo data");
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        let mut settings = Settings {
            dist: Some(dist.clone()),
            ..Settings::default()
        };
        configure(&mut settings);
        let state = AppState::new(database, settings).await.expect("state");
        let server_state = state.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let live = state.live.clone();
        let limits = state.settings.connections;
        // The production accept loop, so its limits are what every test goes through.
        tokio::spawn(listener::serve(
            listener,
            app(state),
            limits,
            std::future::pending(),
        ));
        Self {
            base: format!("http://{addr}"),
            addr,
            live,
            // No proxy: a proxy from the environment must not sit between test and server.
            client: Client::builder().no_proxy().build().unwrap(),
            db,
            database_url,
            dist,
            state: server_state,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn login_response(&self, login_id: &str, password: &str) -> Response {
        self.client
            .post(self.url("/api/v1/sessions"))
            .json(&serde_json::json!({ "login_id": login_id, "password": password }))
            .send()
            .await
            .unwrap()
    }

    /// Logs in a demo user and returns the bearer token.
    pub async fn login(&self, login_id: &str) -> String {
        let response = self.login_response(login_id, PASSWORD).await;
        assert_eq!(response.status(), 201, "login of {login_id}");
        let session: Value = response.json().await.unwrap();
        session["token"].as_str().unwrap().to_owned()
    }

    pub async fn get(&self, token: &str, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, token: &str, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Any request: `token` `None` sends no `Authorization`, `body` `None` no body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        token: Option<&str>,
        path: &str,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.unwrap()
    }

    pub async fn patch_json(&self, token: &str, path: &str, body: &Value) -> Response {
        self.send(reqwest::Method::PATCH, Some(token), path, Some(body))
            .await
    }

    pub async fn put_json(&self, token: &str, path: &str, body: &Value) -> Response {
        self.send(reqwest::Method::PUT, Some(token), path, Some(body))
            .await
    }

    pub async fn delete(&self, token: &str, path: &str) -> Response {
        self.send(reqwest::Method::DELETE, Some(token), path, None)
            .await
    }

    /// Id of a user by login ID, read from the database.
    pub async fn user_id(&self, login_id: &str) -> Uuid {
        let id: Id = self
            .db
            .scalar(
                "SELECT id FROM users WHERE login_id = $1",
                &[login_id.into()],
            )
            .await;
        id.into_uuid()
    }

    /// Id of a group by name, read from the database (not through the API under test).
    pub async fn group_id(&self, name: &str) -> Uuid {
        let id: Id = self
            .db
            .scalar("SELECT id FROM groups WHERE name = $1", &[name.into()])
            .await;
        id.into_uuid()
    }

    /// Runs the maintenance task's pruning now.
    pub async fn prune(&self) {
        self.state
            .store
            .prune(std::time::Duration::from_secs(1800))
            .await
            .unwrap();
    }

    /// Posts of both timelines (the demo's 山田 group: 25 care + 6 family).
    pub async fn post_count(&self, group_id: Uuid) -> i64 {
        self.db
            .scalar(
                "SELECT COUNT(*) FROM posts WHERE group_id = $1",
                &[group_id.into()],
            )
            .await
    }
}

/// Asserts a problem response and returns its body.
pub async fn expect_problem(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status(), status, "status");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "content type"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "code in {body}");
    assert_eq!(body["status"], status);
    assert!(body["type"].is_string() && body["title"].is_string());
    body
}

/// One Server-Sent Event as it came over the wire (comments are `event` = `:comment`).
#[derive(Debug, Clone, PartialEq)]
pub struct SseFrame {
    pub id: Option<String>,
    pub event: String,
    pub data: String,
}

impl SseFrame {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap_or_else(|e| panic!("{e}: {}", self.data))
    }

    pub fn id_num(&self) -> i64 {
        self.id
            .as_deref()
            .expect("event has an id")
            .parse()
            .unwrap()
    }
}

/// Reads `GET /api/v1/events` incrementally, as a browser's streaming fetch does.
pub struct EventStream {
    response: Response,
    buffer: String,
    pub ended: bool,
}

impl EventStream {
    /// Opens the stream; panics unless it is a 200 `text/event-stream`.
    pub async fn open(app: &TestApp, token: &str, last_event_id: Option<&str>) -> Self {
        let mut request = app.client.get(app.url("/api/v1/events")).bearer_auth(token);
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream"));
        Self {
            response,
            buffer: String::new(),
            ended: false,
        }
    }

    /// The next frame (including `:comment`s), or `None` if none came within `wait` or the
    /// stream ended (then `ended` is set).
    pub async fn next_frame(&mut self, wait: std::time::Duration) -> Option<SseFrame> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut frame = SseFrame {
                    id: None,
                    event: "message".to_owned(),
                    data: String::new(),
                };
                let mut comment = None;
                for line in block.lines() {
                    if let Some(c) = line.strip_prefix(':') {
                        comment = Some(c.trim().to_owned());
                    } else if let Some(v) = line.strip_prefix("id:") {
                        frame.id = Some(v.trim().to_owned());
                    } else if let Some(v) = line.strip_prefix("event:") {
                        frame.event = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        if !frame.data.is_empty() {
                            frame.data.push('\n');
                        }
                        frame.data.push_str(v.strip_prefix(' ').unwrap_or(v));
                    }
                }
                if frame.data.is_empty() && frame.id.is_none() {
                    if let Some(c) = comment {
                        frame.event = ":comment".to_owned();
                        frame.data = c;
                    }
                }
                return Some(frame);
            }
            if self.ended {
                return None;
            }
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Err(_) => return None,
                Ok(Ok(Some(bytes))) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                Ok(Ok(None)) | Ok(Err(_)) => self.ended = true,
            }
        }
    }

    /// The next event that is not a comment, within `wait`.
    pub async fn next_event(&mut self, wait: std::time::Duration) -> Option<SseFrame> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let frame = self.next_frame(left).await?;
            if frame.event != ":comment" {
                return Some(frame);
            }
        }
    }

    /// Every event arriving within `wait` (comments skipped).
    pub async fn drain(&mut self, wait: std::time::Duration) -> Vec<SseFrame> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut frames = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_event(left).await {
                Some(frame) => frames.push(frame),
                None => return frames,
            }
        }
    }
}

/// Creates a post through the API and returns it.
pub async fn create_post(app: &TestApp, token: &str, group: Uuid, body: &Value) -> Value {
    let response = app
        .post_json(token, &format!("/api/v1/groups/{group}/posts"), body)
        .await;
    assert_eq!(response.status(), 201, "create {body}");
    response.json().await.unwrap()
}
