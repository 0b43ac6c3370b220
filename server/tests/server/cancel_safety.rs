//! A client that hangs up mid-post must never stop posting for everyone: hundreds of posts
//! abandoned at random moments (sockets closed right after the request is sent), then every
//! write still succeeds, each aborted request's idempotent retry answers exactly one post, and
//! nothing is half-written.

use crate::common;

use std::time::Duration;

use common::TestApp;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_abandoned_mid_request_leave_no_transaction_open() {
    let app = TestApp::start().await;
    let token = app.login("ns.tanaka").await;
    let group = app.group_id(common::YAMADA).await;
    let before = app.post_count(group).await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let path = format!("/api/v1/groups/{group}/posts");

    let mut keys = Vec::new();
    for round in 0..4u64 {
        let mut tasks = Vec::new();
        for i in 0..75u64 {
            let key = uuid::Uuid::now_v7();
            keys.push(key);
            let body = format!(r#"{{"body":"abandoned {round}-{i}"}}"#);
            let request = format!(
                "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
                 Content-Type: application/json\r\nIdempotency-Key: {key}\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            );
            let addr = addr.clone();
            tasks.push(tokio::spawn(async move {
                let mut socket = TcpStream::connect(&addr).await.unwrap();
                socket.write_all(request.as_bytes()).await.unwrap();
                // Hang up at a spread of moments: before, during and after the write.
                tokio::time::sleep(Duration::from_micros((i * 137 + round * 53) % 3000)).await;
                drop(socket);
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    }

    // Every abandoned request, retried with its key, answers one post: the first if it was
    // written, a new one if not — and a second retry replays the same.
    for (i, key) in keys.iter().enumerate() {
        let body = serde_json::json!({ "body": format!("abandoned {}-{}", i / 75, i % 75) });
        let mut ids = Vec::new();
        for _ in 0..2 {
            let response = app
                .client
                .post(app.url(&path))
                .bearer_auth(&token)
                .header("Idempotency-Key", key.to_string())
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201, "retry of {key}");
            let post: serde_json::Value = response.json().await.unwrap();
            ids.push(post["id"].as_str().unwrap().to_owned());
        }
        assert_eq!(ids[0], ids[1], "a retry of {key} posted twice");
    }
    assert_eq!(
        app.post_count(group).await,
        before + keys.len() as i64,
        "exactly one post per key"
    );
    // Nothing half-written: every post has its event and its idempotency key.
    let orphans: i64 = app
        .db
        .scalar(&orphans_sql(&app.db, "abandoned %"), &[group.into()])
        .await;
    assert_eq!(orphans, 0);
    // And posting works for everyone afterwards.
    let response = app
        .post_json(&token, &path, &serde_json::json!({ "body": "after" }))
        .await;
    assert_eq!(response.status(), 201);
}

/// The same in-process: request futures dropped at spread-out moments (as a runtime drops a
/// handler whose client went away) never leave a transaction open or a post half-written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_futures_dropped_in_process_leave_nothing_half_written() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    let dir = tempfile::tempdir().unwrap();
    let (database, pool, _) = common::db::fresh(dir.path()).await;
    tsunagu_server::demo::seed(&database).await.unwrap();
    let state = tsunagu_server::AppState::new(database, Default::default())
        .await
        .unwrap();
    let router = tsunagu_server::app(state);

    let login = Request::post("/api/v1/sessions")
        .header("content-type", "application/json")
        .body(Body::from(format!(
            r#"{{"login_id":"ns.tanaka","password":"{}"}}"#,
            common::PASSWORD
        )))
        .unwrap();
    let response = router.clone().oneshot(login).await.unwrap();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let token = serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let group: common::Id = pool
        .scalar(
            "SELECT id FROM groups WHERE name = $1",
            &[common::YAMADA.into()],
        )
        .await;
    let group = group.into_uuid();
    let path = format!("/api/v1/groups/{group}/posts");
    let count = || async {
        pool.scalar::<i64>(
            "SELECT COUNT(*) FROM posts WHERE group_id = $1",
            &[group.into()],
        )
        .await
    };
    let before = count().await;
    let post = |key: uuid::Uuid, n: usize| {
        Request::post(path.as_str())
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .header("idempotency-key", key.to_string())
            .body(Body::from(format!(r#"{{"body":"dropped {n}"}}"#)))
            .unwrap()
    };

    let keys: Vec<uuid::Uuid> = (0..300).map(|_| uuid::Uuid::now_v7()).collect();
    let mut tasks = Vec::new();
    for (n, key) in keys.iter().enumerate() {
        let future = router.clone().oneshot(post(*key, n));
        // Dropped when the timeout fires: anywhere from before the first poll to after the end.
        let wait = Duration::from_micros((n as u64 * 211) % 4000);
        tasks.push(tokio::spawn(async move {
            let _ = tokio::time::timeout(wait, future).await;
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }

    for (n, key) in keys.iter().enumerate() {
        let mut ids = Vec::new();
        for _ in 0..2 {
            let response = router.clone().oneshot(post(*key, n)).await.unwrap();
            assert_eq!(response.status(), 201, "retry of {key}");
            let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
                .await
                .unwrap();
            let post: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            ids.push(post["id"].as_str().unwrap().to_owned());
        }
        assert_eq!(ids[0], ids[1], "a retry of {key} posted twice");
    }
    assert_eq!(count().await, before + keys.len() as i64);
    let orphans: i64 = pool
        .scalar(&orphans_sql(&pool, "dropped %"), &[group.into()])
        .await;
    assert_eq!(orphans, 0);
}

/// Counts the posts of group `$1` whose body is LIKE `pattern` that have no `post.created`
/// event.
fn orphans_sql(db: &common::TestDb, pattern: &str) -> String {
    let event_post = db.json_text("e.data", "id");
    format!(
        "SELECT COUNT(*) FROM posts p WHERE p.group_id = $1 AND p.body LIKE '{pattern}'
           AND NOT EXISTS (SELECT 1 FROM events e WHERE e.name = 'post.created'
                             AND {event_post} = CAST(p.id AS TEXT))"
    )
}
