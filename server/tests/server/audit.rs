//! The access log: written for every read and write of group data, and append-only.

use crate::common;

use common::{Id, TestApp, YAMADA};

/// Ids as text on both backends, to compare with the API's.
const SELECT_ROWS: &str = "SELECT CAST(user_id AS TEXT) AS user_id, action,
        CAST(group_id AS TEXT) AS group_id, CAST(target_id AS TEXT) AS target_id, client_ip
    FROM audit_log";
use serde_json::json;

#[derive(Debug, PartialEq, sqlx::FromRow)]
struct Row {
    user_id: Option<String>,
    action: String,
    group_id: Option<String>,
    target_id: Option<String>,
    client_ip: Option<String>,
}

#[tokio::test]
async fn reads_and_writes_are_logged() {
    let app = TestApp::start().await;
    let failed = app.login_response("ns.tanaka", "wrong").await;
    assert_eq!(failed.status(), 401);
    let token = app.login("ns.tanaka").await;
    let user = app.user_id("ns.tanaka").await.to_string();
    let group = app.group_id(YAMADA).await;
    assert_eq!(app.get(&token, "/api/v1/groups").await.status(), 200);
    assert_eq!(
        app.get(&token, &format!("/api/v1/groups/{group}"))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get(&token, &format!("/api/v1/groups/{group}/posts"))
            .await
            .status(),
        200
    );
    let created = app
        .post_json(
            &token,
            &format!("/api/v1/groups/{group}/posts"),
            &json!({ "body": "褥瘡処置を実施しました。" }),
        )
        .await;
    assert_eq!(created.status(), 201);
    let post_id = created.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // By action: a read's row is queued and may be committed after a later write's.
    let mut rows: Vec<Row> = app
        .audit_flushed()
        .await
        .rows(&format!("{SELECT_ROWS} ORDER BY id"), &[])
        .await;
    rows.sort_by(|a, b| a.action.cmp(&b.action));
    let row = |action: &str, group_id: Option<String>, target_id: Option<String>| Row {
        user_id: Some(user.clone()),
        action: action.to_owned(),
        group_id,
        target_id,
        client_ip: Some("127.0.0.1".to_owned()),
    };
    let g = Some(group.to_string());
    let mut expected = vec![
        row("session.login_failed", None, None),
        row("session.create", None, None),
        row("groups.list", None, None),
        row("group.read", g.clone(), None),
        row("posts.read", g.clone(), None),
        row("post.create", g, Some(post_id)),
    ];
    expected.sort_by(|a, b| a.action.cmp(&b.action));
    assert_eq!(rows, expected);
}

#[tokio::test]
async fn the_log_cannot_be_changed_or_deleted() {
    let app = TestApp::start().await;
    app.login("dr.sato").await;
    let count = || async {
        app.audit_flushed()
            .await
            .scalar::<i64>("SELECT COUNT(*) FROM audit_log", &[])
            .await
    };
    assert_eq!(count().await, 1);

    let update = app
        .audit_flushed()
        .await
        .execute("UPDATE audit_log SET user_id = NULL", &[])
        .await
        .unwrap_err();
    assert!(update.to_string().contains("append-only"), "{update}");
    let delete = app
        .audit_flushed()
        .await
        .execute("DELETE FROM audit_log", &[])
        .await
        .unwrap_err();
    assert!(delete.to_string().contains("append-only"), "{delete}");
    assert_eq!(count().await, 1);
    let user: Option<Id> = app
        .audit_flushed()
        .await
        .scalar("SELECT user_id FROM audit_log", &[])
        .await;
    assert!(user.is_some());
}

#[tokio::test]
async fn membership_invitation_join_and_directory_actions_are_logged() {
    let app = TestApp::start().await;
    let cm = app.login("cm.suzuki").await;
    let dr = app.login("dr.sato").await;
    let group = app.group_id(YAMADA).await;
    let g = format!("/api/v1/groups/{group}");
    let kobayashi = app.user_id("ns.kobayashi").await;
    assert_eq!(app.get(&cm, &format!("{g}/members")).await.status(), 200);
    let invitation: serde_json::Value = app
        .post_json(
            &cm,
            &format!("{g}/members"),
            &json!({ "user_id": kobayashi }),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = invitation["id"].as_str().unwrap();
    assert_eq!(app.get(&dr, "/api/v1/invitations").await.status(), 200);
    let approve = format!("/api/v1/invitations/{id}/approve");
    assert_eq!(app.post_json(&dr, &approve, &json!({})).await.status(), 200);
    let link: serde_json::Value = app
        .post_json(
            &dr,
            &format!("{g}/invitation-links"),
            &json!({ "kind": "family" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let token = link["token"].as_str().unwrap();
    let join = format!("/api/v1/join/{token}");
    let info = app.send(reqwest::Method::GET, None, &join, None).await;
    assert_eq!(info.status(), 200);
    let body = json!({
        "display_name": "山田 次郎", "relationship": "grandchild",
        "login_id": "yamada.audit", "password": "yamada-family-01",
    });
    let joined = app
        .send(reqwest::Method::POST, None, &join, Some(&body))
        .await;
    assert_eq!(joined.status(), 201);
    assert_eq!(
        app.get(&cm, "/api/v1/directory/people?q=x").await.status(),
        200
    );

    let actions: Vec<(String, Option<String>)> = app
        .audit_flushed()
        .await
        .rows(
            "SELECT action, CAST(group_id AS TEXT) FROM audit_log ORDER BY id",
            &[],
        )
        .await;
    let g = Some(group.to_string());
    for expected in [
        ("members.read", g.clone()),
        ("member.add", g.clone()),
        ("invitations.read", None),
        ("invitation.approve", g.clone()),
        ("invitation_link.create", g.clone()),
        ("join.read", g.clone()),
        ("join.accept", g.clone()),
        ("directory.search", None),
    ] {
        let expected = (expected.0.to_owned(), expected.1);
        assert!(actions.contains(&expected), "{expected:?} in {actions:?}");
    }
}

#[tokio::test]
async fn refused_requests_of_a_signed_in_caller_are_logged() {
    let app = TestApp::start().await;
    // Kobayashi is in neither patient group: probing one is refused, and recorded.
    let token = app.login("ns.kobayashi").await;
    let user = app.user_id("ns.kobayashi").await.to_string();
    let group = app.group_id(YAMADA).await;
    let post: Id = app
        .db
        .scalar(
            "SELECT id FROM posts WHERE group_id = $1 LIMIT 1",
            &[group.into()],
        )
        .await;
    let post = post.into_uuid().to_string();
    assert_eq!(
        app.get(&token, &format!("/api/v1/groups/{group}/posts/{post}"))
            .await
            .status(),
        404
    );
    // A member who is not an admin, refused an admin action.
    let hh = app.login("hh.ito").await;
    let ito = app.user_id("hh.ito").await.to_string();
    assert_eq!(
        app.post_json(&hh, &format!("/api/v1/groups/{group}/archive"), &json!({}))
            .await
            .status(),
        403
    );
    // Without a session nothing is attributed (and failed logins are logged on their own).
    assert_eq!(
        app.get("", &format!("/api/v1/groups/{group}"))
            .await
            .status(),
        401
    );
    let rows: Vec<Row> = app
        .audit_flushed()
        .await
        .rows(
            &format!("{SELECT_ROWS} WHERE action = 'access.refused' ORDER BY id"),
            &[],
        )
        .await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].user_id.as_deref(), Some(user.as_str()));
    assert_eq!(rows[0].group_id, Some(group.to_string()));
    assert_eq!(rows[0].target_id.as_deref(), Some(post.as_str()));
    assert!(rows[0].client_ip.is_some());
    assert_eq!(rows[1].user_id.as_deref(), Some(ito.as_str()));
    assert_eq!(rows[1].target_id, None);
}

/// A read queues its audit row and answers; it never waits for the row's commit (the writer
/// may be busy with a long write). The row is committed once the writer is free.
#[tokio::test]
async fn a_read_answers_while_its_audit_row_waits_for_the_writer() {
    let app = TestApp::start().await;
    let token = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let path = format!("/api/v1/groups/{group}/posts?limit=5");
    let hold = app.db.hold_audit_writes().await;
    let response = tokio::time::timeout(std::time::Duration::from_secs(5), app.get(&token, &path))
        .await
        .expect("the read waited for its audit row to be written");
    assert_eq!(response.status(), 200);
    drop(hold);
    let logged: i64 = app
        .audit_flushed()
        .await
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'posts.read' AND group_id = $1",
            &[group.into()],
        )
        .await;
    assert_eq!(logged, 1);
}
