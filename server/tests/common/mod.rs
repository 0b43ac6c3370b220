//! A real server on an ephemeral port over a fresh database (a temporary SQLite file, or a new
//! PostgreSQL database when `TSUNAGU_TEST_DATABASE_URL` names a cluster), seeded with the demo
//! data.

#![allow(dead_code)] // The server tests and media_s3 each use a different part of this module.

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
use tsunagu_testkit::Api;
use uuid::Uuid;

#[allow(unused_imports)]
pub use tsunagu_testkit::fixtures::{DEMO_PASSWORD as PASSWORD, NAKAMURA, WORKPLACE, YAMADA};

pub struct TestApp {
    pub base: String,
    pub addr: SocketAddr,
    /// The server's register of open event streams.
    pub live: Live,
    pub client: Client,
    /// The typed client of the shared test kit, on the same server.
    pub api: Api,
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
            media: tsunagu_server::media::MediaSettings::in_dir(dir.path().join("media")),
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
        let api = Api::new(&format!("http://{addr}")).unwrap();
        Self {
            base: api.base.clone(),
            addr,
            live,
            client: api.http.clone(),
            api,
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
        self.api
            .login(login_id, PASSWORD)
            .await
            .unwrap_or_else(|e| panic!("login of {login_id}: {e}"))
            .token
    }

    /// Opens `GET /api/v1/events`; panics unless it is a 200 `text/event-stream`.
    pub async fn events(&self, token: &str, last_event_id: Option<&str>) -> EventStream {
        self.api.events(token, last_event_id).await.unwrap()
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

    /// The database once every audit row queued so far is committed (reads queue theirs and
    /// answer before the batch commits).
    pub async fn audit_flushed(&self) -> &TestDb {
        self.state.store.flush().await;
        &self.db
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

#[allow(unused_imports)]
pub use tsunagu_testkit::{EventStream, FrameExt, PostFixture, SseFrame};

/// Creates a post through the API and returns it as the server wrote it.
pub async fn create_post(
    app: &TestApp,
    token: &str,
    group: Uuid,
    post: impl Into<PostFixture>,
) -> Value {
    let post = post.into();
    let reply = app
        .api
        .create_post_reply(token, group, &post)
        .await
        .unwrap();
    reply
        .expect_status(201)
        .unwrap_or_else(|e| panic!("create {}: {e}", post.body()));
    reply.json().unwrap()
}
