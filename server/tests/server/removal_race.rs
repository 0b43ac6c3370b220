//! A member removed while their post waits to be written cannot post: the store re-reads the
//! membership inside the write (SQLite: on the write connection, after the removal that was
//! queued first; PostgreSQL: under the group's row lock the removal holds).

use crate::common;

use std::time::Duration;

use common::{expect_problem, TestApp, YAMADA};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_queued_behind_the_authors_removal_is_refused() {
    let app = TestApp::start().await;
    let dr = app.login("dr.sato").await;
    let hh = app.login("hh.ito").await;
    let group = app.group_id(YAMADA).await;
    let ito = app.user_id("hh.ito").await;
    let before = app.post_count(group).await;

    // Writes wait while this is held; the removal queues first, then the post, whose handler
    // still finds hh.ito a member (the removal has not committed).
    let held = app.db.hold_post_writes().await;
    let removal = {
        let (client, url, dr) = (
            app.client.clone(),
            app.url(&format!("/api/v1/groups/{group}/members/{ito}")),
            dr.clone(),
        );
        tokio::spawn(async move { client.delete(url).bearer_auth(dr).send().await.unwrap() })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let post = {
        let (client, url) = (
            app.client.clone(),
            app.url(&format!("/api/v1/groups/{group}/posts")),
        );
        tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(hh)
                .json(&json!({ "body": "外された後に届いた記録" }))
                .send()
                .await
                .unwrap()
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(held);

    assert_eq!(removal.await.unwrap().status(), 204);
    expect_problem(post.await.unwrap(), 404, "not_found").await;
    // Only the removal's own timeline entry was added.
    let bodies: Vec<String> = app
        .db
        .column(
            "SELECT body FROM posts WHERE group_id = $1 AND system IS NULL
             ORDER BY created_at_ms DESC LIMIT 3",
            &[group.into()],
        )
        .await;
    assert!(
        !bodies.iter().any(|b| b.contains("外された後")),
        "{bodies:?}"
    );
    assert!(app.post_count(group).await <= before + 2);
}
