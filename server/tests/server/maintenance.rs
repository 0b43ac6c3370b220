//! Housekeeping: old idempotency keys and dead sessions are pruned, live ones kept.

use crate::common;

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
    app.db
        .exec(
            "UPDATE idempotency_keys SET created_at_ms = $1
             WHERE key = (SELECT MIN(key) FROM idempotency_keys)",
            &[(now_ms() - tsunagu_server::db::IDEMPOTENCY_KEY_RETENTION_MS - 1000).into()],
        )
        .await;
    // A second session that ended at its absolute lifetime, a third idle for two days.
    let expired = app.login("dr.sato").await;
    let idle = app.login("cm.suzuki").await;
    app.db
        .exec(
            "UPDATE sessions SET expires_at_ms = $1 WHERE token_hash = $2",
            &[
                (now_ms() - 1).into(),
                tsunagu_server::token::hash(&expired).into(),
            ],
        )
        .await;
    app.db
        .exec(
            "UPDATE sessions SET last_seen_ms = $1 WHERE token_hash = $2",
            &[
                (now_ms() - 2 * day_ms).into(),
                tsunagu_server::token::hash(&idle).into(),
            ],
        )
        .await;

    app.prune().await;

    let keys: i64 = app
        .db
        .scalar("SELECT COUNT(*) FROM idempotency_keys", &[])
        .await;
    assert_eq!(keys, 1);
    let sessions: Vec<String> = app.db.column("SELECT token_hash FROM sessions", &[]).await;
    assert_eq!(sessions, vec![tsunagu_server::token::hash(&token)]);
    assert_eq!(app.get(&token, "/api/v1/me").await.status(), 200);
}
