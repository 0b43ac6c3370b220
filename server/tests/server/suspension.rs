//! Suspending an account: its token and its open event stream end at once, it cannot log in,
//! what it wrote stays; who may do it (the operator, the admin of the account's facility).

use crate::common;

use std::time::Duration;

use common::{expect_problem, TestApp};
use reqwest::Method;

async fn suspension(app: &TestApp, token: &str, method: Method, user: uuid::Uuid) -> u16 {
    app.send(
        method,
        Some(token),
        &format!("/api/v1/users/{user}/suspension"),
        None,
    )
    .await
    .status()
    .as_u16()
}

#[tokio::test]
async fn a_suspended_account_is_out_at_once_and_back_when_reactivated() {
    // The default heartbeat (15 s): the stream must end because of the suspension itself.
    let app = TestApp::start().await;
    let operator = app.login("op.ishikai").await;
    let kobayashi = app.user_id("ns.kobayashi").await;
    let token = app.login("ns.kobayashi").await;
    let mut stream = app.events(&token, None).await;
    assert_eq!(app.get(&token, "/api/v1/me").await.status(), 200);

    assert_eq!(
        suspension(&app, &operator, Method::POST, kobayashi).await,
        204
    );
    expect_problem(app.get(&token, "/api/v1/me").await, 401, "unauthenticated").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while !stream.ended && tokio::time::Instant::now() < deadline {
        stream.next_frame(Duration::from_millis(300)).await;
    }
    assert!(stream.ended, "the stream outlived the suspension");
    expect_problem(
        app.login_response("ns.kobayashi", common::PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    // Again: nothing changes, still 204.
    assert_eq!(
        suspension(&app, &operator, Method::POST, kobayashi).await,
        204
    );

    assert_eq!(
        suspension(&app, &operator, Method::DELETE, kobayashi).await,
        204
    );
    let back = app.login("ns.kobayashi").await;
    assert_eq!(app.get(&back, "/api/v1/me").await.status(), 200);
    // The old session stays ended.
    assert_eq!(app.get(&token, "/api/v1/me").await.status(), 401);

    let actions: Vec<String> = app
        .audit_flushed()
        .await
        .column(
            "SELECT action FROM audit_log WHERE action LIKE 'account.%' ORDER BY id",
            &[],
        )
        .await;
    assert_eq!(
        actions,
        ["account.suspend", "account.suspend", "account.reactivate"]
    );
}

#[tokio::test]
async fn only_the_operator_and_the_facility_admin_may_suspend() {
    let app = TestApp::start().await;
    let kobayashi = app.user_id("ns.kobayashi").await;
    // ns.tanaka administers あおば訪問看護ステーション, where ns.kobayashi works.
    let admin = app.login("ns.tanaka").await;
    for (login, status) in [
        ("dr.yamamoto", 404), // the admin of another facility
        ("hh.ito", 404),      // staff
        ("fam.yamada", 404),  // family
    ] {
        let token = app.login(login).await;
        assert_eq!(
            suspension(&app, &token, Method::POST, kobayashi).await,
            status,
            "{login}"
        );
    }
    assert_eq!(
        app.send(
            Method::POST,
            None,
            &format!("/api/v1/users/{kobayashi}/suspension"),
            None
        )
        .await
        .status(),
        401
    );
    assert_eq!(suspension(&app, &admin, Method::POST, kobayashi).await, 204);
    assert_eq!(
        suspension(&app, &admin, Method::DELETE, kobayashi).await,
        204
    );
    // Nobody suspends themselves, and operators are not suspended through the API.
    let tanaka = app.user_id("ns.tanaka").await;
    expect_problem(
        app.send(
            Method::POST,
            Some(&admin),
            &format!("/api/v1/users/{tanaka}/suspension"),
            None,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let operator = app.login("op.ishikai").await;
    let op_id = app.user_id("op.ishikai").await;
    let yamamoto = app.login("dr.yamamoto").await;
    assert_eq!(suspension(&app, &yamamoto, Method::POST, op_id).await, 404);
    assert_eq!(
        suspension(&app, &operator, Method::POST, uuid::Uuid::now_v7()).await,
        404
    );
}
