//! Housekeeping: old idempotency keys and dead sessions are pruned, live ones kept.

mod common;

use std::time::Duration;

use common::{TestApp, YAMADA};
use serde_json::json;
use tsunagu_server::time::now_ms;

#[tokio::test]
async fn prune_drops_only_expired_keys_and_sessions() {
    let app = TestApp::start().await;
    let token = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    for _ in 0..2 {
        let response = app
            .client
            .post(app.url(&format!("/api/v1/groups/{group}/posts")))
            .bearer_auth(&token)
            .header("Idempotency-Key", uuid::Uuid::now_v7().to_string())
            .json(&json!({ "body": "定時の報告です。" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
    }
    let day_ms = 24 * 60 * 60 * 1000;
    // Age one key past retention. (Only the audit log is append-only.)
    sqlx::query(
        "UPDATE idempotency_keys SET created_at_ms = ?
         WHERE key = (SELECT MIN(key) FROM idempotency_keys)",
    )
    .bind(now_ms() - tsunagu_server::db::IDEMPOTENCY_KEY_RETENTION_MS - 1000)
    .execute(&app.db)
    .await
    .unwrap();
    // A second session that ended at its absolute lifetime, a third idle for two days.
    let expired = app.login("dr.sato").await;
    let idle = app.login("cm.suzuki").await;
    sqlx::query("UPDATE sessions SET expires_at_ms = ? WHERE token_hash = ?")
        .bind(now_ms() - 1)
        .bind(tsunagu_server::token::hash(&expired))
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE sessions SET last_seen_ms = ? WHERE token_hash = ?")
        .bind(now_ms() - 2 * day_ms)
        .bind(tsunagu_server::token::hash(&idle))
        .execute(&app.db)
        .await
        .unwrap();

    app.state
        .store
        .prune(Duration::from_secs(1800))
        .await
        .unwrap();

    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM idempotency_keys")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(keys, 1);
    let sessions: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(sessions, vec![tsunagu_server::token::hash(&token)]);
    assert_eq!(app.get(&token, "/api/v1/me").await.status(), 200);
}
