//! A replay (`Last-Event-ID`) hands out only what the caller may see now: never the text of a
//! post since edited or deleted, and nothing from before the caller joined.

use crate::common;

use std::time::Duration;

use common::{create_post, TestApp};
use serde_json::json;

/// The newest stored event id: a `Last-Event-ID` that replays everything after it.
async fn latest_event_id(app: &TestApp) -> i64 {
    app.db
        .scalar("SELECT COALESCE(MAX(id), 0) FROM events", &[])
        .await
}

#[tokio::test]
async fn a_replay_carries_no_deleted_or_earlier_text() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(common::YAMADA).await;
    let start = latest_event_id(&app).await;

    let edited = create_post(&app, &tanaka, group, "SECRET-ORIGINAL").await;
    let deleted = create_post(&app, &tanaka, group, "SECRET-DELETED").await;
    let edited_path = format!(
        "/api/v1/groups/{group}/posts/{}",
        edited["id"].as_str().unwrap()
    );
    let response = app
        .client
        .patch(app.url(&edited_path))
        .bearer_auth(&tanaka)
        .header("If-Match", "\"1\"")
        .json(&json!({ "body": "now corrected" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let deleted_path = format!(
        "/api/v1/groups/{group}/posts/{}",
        deleted["id"].as_str().unwrap()
    );
    let response = app
        .client
        .delete(app.url(&deleted_path))
        .bearer_auth(&tanaka)
        .header("If-Match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());

    let mut stream = app.events(&tanaka, Some(&start.to_string())).await;
    let frames = stream.drain(Duration::from_secs(1)).await;
    let posts: Vec<_> = frames
        .iter()
        .filter(|f| f.event.starts_with("post."))
        .collect();
    assert!(posts.len() >= 4, "{frames:?}");
    for frame in &posts {
        assert!(
            !frame.data.contains("SECRET-ORIGINAL") && !frame.data.contains("SECRET-DELETED"),
            "replayed retracted text: {frame:?}"
        );
    }
}

#[tokio::test]
async fn a_replay_holds_nothing_from_before_joining() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(common::YAMADA).await;
    let start = latest_event_id(&app).await;
    create_post(&app, &tanaka, group, "BEFORE-JOINING").await;
    // Someone joins later (made a member directly: the membership rules are tested elsewhere).
    let newcomer = app.user_id("pt.watanabe").await;
    app.db
        .exec(
            "DELETE FROM group_members WHERE group_id = $1 AND user_id = $2",
            &[group.into(), newcomer.into()],
        )
        .await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    app.db
        .exec(
            "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
             VALUES ($1, $2, 'member', $3)",
            &[
                group.into(),
                newcomer.into(),
                (tsunagu_server::time::now_ms() + 1000).into(),
            ],
        )
        .await;
    let token = app.login("pt.watanabe").await;
    let mut stream = app.events(&token, Some(&start.to_string())).await;
    let frames = stream.drain(Duration::from_secs(1)).await;
    assert!(
        frames.iter().all(|f| !f.data.contains("BEFORE-JOINING")),
        "replayed a post from before joining: {frames:?}"
    );
}
