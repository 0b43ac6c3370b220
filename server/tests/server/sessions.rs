//! Logging in and out, throttling, and session expiry.

use crate::common;

use std::time::Duration;

use common::{expect_problem, TestApp, PASSWORD};
use serde_json::Value;

#[tokio::test]
async fn meta_needs_no_login_and_reports_limits() {
    let app = TestApp::start().await;
    let response = app
        .client
        .get(app.url("/api/v1/meta"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let meta: Value = response.json().await.unwrap();
    assert_eq!(meta["name"], "tsunagu-server");
    assert_eq!(meta["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(meta["api_version"], "v1");
    assert_eq!(
        meta["capabilities"],
        serde_json::json!(["events", "search", "resumable_upload"])
    );
    assert_eq!(meta["limits"]["max_post_chars"], 10_000);
    assert_eq!(meta["limits"]["media"]["max_video_bytes"], 200_000_000);
    assert_eq!(meta["limits"]["media"]["max_attachments"], 10);
    assert_eq!(meta["limits"]["max_page_limit"], 100);
    assert_eq!(meta["limits"]["session_idle_timeout_seconds"], 1800);
}

#[tokio::test]
async fn login_returns_a_token_that_authenticates() {
    let app = TestApp::start().await;
    let before = chrono::Utc::now();
    let response = app.login_response("dr.sato", PASSWORD).await;
    assert_eq!(response.status(), 201);
    let session: Value = response.json().await.unwrap();
    let token = session["token"].as_str().unwrap();
    // 32 bytes, base64url without padding.
    assert_eq!(token.len(), 43);
    assert!(token
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    assert_eq!(session["idle_timeout_seconds"], 1800);
    let expires_at =
        chrono::DateTime::parse_from_rfc3339(session["expires_at"].as_str().unwrap()).unwrap();
    let lifetime = expires_at.with_timezone(&chrono::Utc) - before;
    assert!(
        (43_190..=43_210).contains(&lifetime.num_seconds()),
        "{lifetime}"
    );
    assert_eq!(session["user"]["login_id"], "dr.sato");
    assert_eq!(session["user"]["display_name"], "佐藤 健一");
    assert_eq!(session["user"]["profession"], "physician");
    assert_eq!(session["user"]["facility"]["name"], "さくら内科クリニック");
    assert_eq!(session["user"]["facility"]["kind"], "clinic");

    let me = app.get(token, "/api/v1/me").await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me, session["user"]);

    // Only the hash of the token is stored.
    let stored: Vec<String> = app.db.column("SELECT token_hash FROM sessions", &[]).await;
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token);
    assert_eq!(stored[0].len(), 64);
}

#[tokio::test]
async fn login_ids_compare_case_insensitively() {
    let app = TestApp::start().await;
    let response = app.login_response("Dr.Sato", PASSWORD).await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn wrong_password_and_unknown_id_get_the_same_answer() {
    let app = TestApp::start().await;
    let wrong = app.login_response("dr.sato", "not-the-password").await;
    assert_eq!(
        wrong.headers()["www-authenticate"],
        "Bearer realm=\"tsunagu\""
    );
    let wrong = expect_problem(wrong, 401, "invalid_credentials").await;
    let unknown = app.login_response("nobody", PASSWORD).await;
    let unknown = expect_problem(unknown, 401, "invalid_credentials").await;
    assert_eq!(wrong, unknown);
    assert!(!wrong.to_string().contains("dr.sato"));
}

fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn repeated_failures_are_slowed_down_with_retry_after() {
    let app = TestApp::start().await;
    for _ in 0..5 {
        let response = app.login_response("ns.tanaka", "guess").await;
        assert_eq!(response.status(), 401);
    }
    // Now even the right password is refused until the wait is over, so guessing on is slow.
    let response = app.login_response("ns.tanaka", PASSWORD).await;
    assert_eq!(retry_after(&response), 1);
    expect_problem(response, 429, "rate_limited").await;
    // Other accounts from the same address are not affected.
    assert_eq!(app.login_response("dr.sato", PASSWORD).await.status(), 201);
    // Each further failure doubles the wait.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let response = app.login_response("ns.tanaka", "guess").await;
    assert_eq!(response.status(), 401);
    let response = app.login_response("ns.tanaka", PASSWORD).await;
    assert_eq!(retry_after(&response), 2);
    expect_problem(response, 429, "rate_limited").await;
    // The right password after the wait clears the count.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        app.login_response("ns.tanaka", PASSWORD).await.status(),
        201
    );
    for _ in 0..5 {
        let response = app.login_response("ns.tanaka", "guess").await;
        assert_eq!(response.status(), 401);
    }
}

#[tokio::test]
async fn logout_invalidates_the_token() {
    let app = TestApp::start().await;
    let token = app.login("cm.suzuki").await;
    let other = app.login("cm.suzuki").await;
    let response = app
        .client
        .delete(app.url("/api/v1/sessions/current"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let response = app.get(&token, "/api/v1/me").await;
    expect_problem(response, 401, "unauthenticated").await;
    // Only that session ended.
    assert_eq!(app.get(&other, "/api/v1/me").await.status(), 200);
}

#[tokio::test]
async fn missing_or_unknown_token_is_unauthenticated() {
    let app = TestApp::start().await;
    let response = app.client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer realm=\"tsunagu\""
    );
    expect_problem(response, 401, "unauthenticated").await;
    let response = app.get("made-up-token", "/api/v1/groups").await;
    expect_problem(response, 401, "unauthenticated").await;
    let response = app
        .client
        .get(app.url("/api/v1/me"))
        .header("authorization", "Basic ZHIuc2F0bzp4")
        .send()
        .await
        .unwrap();
    expect_problem(response, 401, "unauthenticated").await;
}

#[tokio::test]
async fn idle_session_expires() {
    let app = TestApp::start_with(|s| s.session_idle_timeout = Duration::from_secs(1)).await;
    let token = app.login("dr.sato").await;
    // Activity within the timeout keeps the session alive.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(app.get(&token, "/api/v1/me").await.status(), 200);
    }
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let response = app.get(&token, "/api/v1/me").await;
    assert!(response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
    expect_problem(response, 401, "session_expired").await;
    // The expired session was deleted: the token is now simply unknown.
    let response = app.get(&token, "/api/v1/me").await;
    expect_problem(response, 401, "unauthenticated").await;
}

#[tokio::test]
async fn session_ends_at_its_absolute_lifetime_despite_activity() {
    let app = TestApp::start_with(|s| s.session_max_lifetime = Duration::from_secs(1)).await;
    let token = app.login("dr.sato").await;
    assert_eq!(app.get(&token, "/api/v1/me").await.status(), 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let response = app.get(&token, "/api/v1/me").await;
    expect_problem(response, 401, "session_expired").await;
}
