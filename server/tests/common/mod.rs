//! A real server on an ephemeral port over a temporary SQLite file, seeded with the demo data.

#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::net::SocketAddr;
use std::path::PathBuf;

use reqwest::{Client, Response};
use serde_json::Value;
use sqlx::SqlitePool;
use tempfile::TempDir;
use tsunagu_server::config::Settings;
use tsunagu_server::{app, db, demo, AppState};
use uuid::Uuid;

pub const PASSWORD: &str = demo::DEMO_PASSWORD;
pub const YAMADA: &str = "山田 花子 様";
pub const NAKAMURA: &str = "中村 一郎 様";
pub const WORKPLACE: &str = "あおば訪問看護ステーション 連絡";

pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub db: SqlitePool,
    pub dist: PathBuf,
    _dir: TempDir,
}

impl TestApp {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// `configure` adjusts the settings; `dist` starts as an empty directory in the temp dir.
    pub async fn start_with(configure: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        // A nested path: the server must create the missing directory itself.
        let url = format!("sqlite://{}", dir.path().join("data/tsunagu.db").display());
        let pool = db::connect(&url).await.expect("database");
        demo::seed(&pool).await.expect("demo data");
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        let mut settings = Settings {
            dist: Some(dist.clone()),
            ..Settings::default()
        };
        configure(&mut settings);
        let state = AppState::new(pool.clone(), settings).await.expect("state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(
                listener,
                app(state).into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        Self {
            base: format!("http://{addr}"),
            // No proxy: a proxy from the environment must not sit between test and server.
            client: Client::builder().no_proxy().build().unwrap(),
            db: pool,
            dist,
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
        let id: String = sqlx::query_scalar("SELECT id FROM users WHERE login_id = ?")
            .bind(login_id)
            .fetch_one(&self.db)
            .await
            .unwrap();
        id.parse().unwrap()
    }

    /// Id of a group by name, read from the database (not through the API under test).
    pub async fn group_id(&self, name: &str) -> Uuid {
        let id: String = sqlx::query_scalar("SELECT id FROM groups WHERE name = ?")
            .bind(name)
            .fetch_one(&self.db)
            .await
            .unwrap();
        id.parse().unwrap()
    }

    /// Posts of both timelines (the demo's 山田 group: 25 care + 6 family).
    pub async fn post_count(&self, group_id: Uuid) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM posts WHERE group_id = ?")
            .bind(group_id.to_string())
            .fetch_one(&self.db)
            .await
            .unwrap()
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
