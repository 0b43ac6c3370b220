//! Read markers and unread counts, and the home screen's preview of the newest post.

use crate::common;

use common::{expect_problem, TestApp, NAKAMURA, YAMADA};
use serde_json::{json, Value};
use uuid::Uuid;

async fn group_of(app: &TestApp, token: &str, group: Uuid) -> Value {
    app.get(token, &format!("/api/v1/groups/{group}"))
        .await
        .json()
        .await
        .unwrap()
}

async fn newest(app: &TestApp, token: &str, group: Uuid, timeline: &str) -> String {
    let page: Value = app
        .get(
            token,
            &format!("/api/v1/groups/{group}/posts?timeline={timeline}&limit=1"),
        )
        .await
        .json()
        .await
        .unwrap();
    page["items"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn unread_counts_follow_read_markers() {
    let app = TestApp::start().await;
    let dr = app.login("dr.sato").await;
    let group = app.group_id(YAMADA).await;
    let expected: i64 = app
        .db
        .scalar(
            "SELECT COUNT(*) FROM posts p JOIN users u ON u.id = p.author_id
             WHERE p.group_id = $1 AND u.login_id <> 'dr.sato'",
            &[group.into()],
        )
        .await;
    assert_eq!(group_of(&app, &dr, group).await["unread_count"], expected);

    let read = format!("/api/v1/groups/{group}/read");
    let care = newest(&app, &dr, group, "care").await;
    let response = app
        .put_json(&dr, &read, &json!({ "timeline": "care", "up_to": care }))
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(
        group_of(&app, &dr, group).await["unread_count"],
        6,
        "the family timeline"
    );
    let family = newest(&app, &dr, group, "family").await;
    app.put_json(
        &dr,
        &read,
        &json!({ "timeline": "family", "up_to": family }),
    )
    .await;
    assert_eq!(group_of(&app, &dr, group).await["unread_count"], 0);

    // Others' posts count, mine do not; system entries do not.
    let tanaka = app.login("ns.tanaka").await;
    for (token, body) in [(&tanaka, "体温 36.5℃。"), (&dr, "了解です。")] {
        let response = app
            .post_json(
                token,
                &format!("/api/v1/groups/{group}/posts"),
                &json!({ "body": body }),
            )
            .await;
        assert_eq!(response.status(), 201);
    }
    let g = group_of(&app, &dr, group).await;
    assert_eq!(g["unread_count"], 1);
    assert_eq!(g["last_post"]["author_name"], "佐藤 健一");
    assert_eq!(g["last_post"]["excerpt"], "了解です。");
    assert_eq!(g["last_post"]["timeline"], "care");

    // Markers never move back.
    let latest = newest(&app, &dr, group, "care").await;
    app.put_json(&dr, &read, &json!({ "timeline": "care", "up_to": latest }))
        .await;
    app.put_json(&dr, &read, &json!({ "timeline": "care", "up_to": care }))
        .await;
    assert_eq!(group_of(&app, &dr, group).await["unread_count"], 0);

    // The post must be in that group and timeline.
    let other = app.group_id(NAKAMURA).await;
    let elsewhere = newest(&app, &dr, other, "care").await;
    for body in [
        json!({ "timeline": "care", "up_to": elsewhere }),
        json!({ "timeline": "family", "up_to": latest }),
        json!({ "timeline": "care", "up_to": Uuid::now_v7() }),
    ] {
        let response = app.put_json(&dr, &read, &body).await;
        expect_problem(response, 404, "not_found").await;
    }
    // A family member cannot mark the care timeline.
    let fam = app.login("fam.yamada").await;
    let response = app
        .put_json(&fam, &read, &json!({ "timeline": "care", "up_to": latest }))
        .await;
    expect_problem(response, 404, "not_found").await;
}

#[tokio::test]
async fn the_preview_is_the_newest_readable_post_cut_to_80_characters() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let long = "褥".repeat(200);
    app.post_json(
        &tanaka,
        &format!("/api/v1/groups/{group}/posts"),
        &json!({ "body": long }),
    )
    .await;
    let g = group_of(&app, &tanaka, group).await;
    assert_eq!(
        g["last_post"]["excerpt"].as_str().unwrap().chars().count(),
        80
    );
    // The family's preview is of their timeline, not of the care post.
    let fam = app.login("fam.yamada").await;
    let g = group_of(&app, &fam, group).await;
    assert_eq!(g["last_post"]["timeline"], "family");
    assert_eq!(g["unread_count"], 3, "the nurse's three family posts");
    assert_ne!(g["last_post"]["excerpt"].as_str().unwrap(), "褥".repeat(80));
}
