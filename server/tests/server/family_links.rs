//! One-time family links: create, look at, join (account + membership + session in one), and
//! every way a link stops working.

use crate::common;

use common::{expect_problem, TestApp, WORKPLACE, YAMADA};
use serde_json::{json, Value};

const FAMILY_PASSWORD: &str = "yamada-family-01";

fn join_body(login_id: &str) -> Value {
    json!({
        "display_name": "山田 次郎",
        "relationship": "child_in_law",
        "login_id": login_id,
        "password": FAMILY_PASSWORD,
    })
}

async fn create_link(app: &TestApp, token: &str, group: uuid::Uuid, kind: &str) -> Value {
    let response = app
        .post_json(
            token,
            &format!("/api/v1/groups/{group}/invitation-links"),
            &json!({ "kind": kind }),
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn join(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.send(
        reqwest::Method::POST,
        None,
        &format!("/api/v1/join/{token}"),
        Some(body),
    )
    .await
}

async fn join_info(app: &TestApp, token: &str) -> reqwest::Response {
    app.send(
        reqwest::Method::GET,
        None,
        &format!("/api/v1/join/{token}"),
        None,
    )
    .await
}

#[tokio::test]
async fn a_family_member_joins_through_a_link_and_sees_only_the_family_timeline() {
    let app = TestApp::start().await;
    let dr = app.login("dr.sato").await;
    let group = app.group_id(YAMADA).await;
    let link = create_link(&app, &dr, group, "family").await;
    let token = link["token"].as_str().unwrap().to_owned();
    assert!(token.len() >= 43, "32 random bytes, base64url");
    assert_eq!(link["invitation"]["status"], "open");
    assert_eq!(link["invitation"]["kind"], "family");
    assert_eq!(link["invitation"]["role"], "family");
    let stored: String = app
        .db
        .scalar(
            "SELECT token_hash FROM invitations WHERE id = $1",
            &[invitation_id(&link).into()],
        )
        .await;
    assert_ne!(stored, token, "only the hash is stored");
    let created =
        chrono::DateTime::parse_from_rfc3339(link["invitation"]["created_at"].as_str().unwrap())
            .unwrap();
    let expires =
        chrono::DateTime::parse_from_rfc3339(link["invitation"]["expires_at"].as_str().unwrap())
            .unwrap();
    assert_eq!((expires - created).num_hours(), 72);

    let response = join_info(&app, &token).await;
    assert_eq!(response.status(), 200);
    let info: Value = response.json().await.unwrap();
    assert_eq!(info["kind"], "family");
    assert_eq!(info["group_name"], YAMADA);
    assert_eq!(info["invited_by"]["display_name"], "佐藤 健一");

    // Refusals that leave the link usable.
    let mut weak = join_body("yamada.jiro");
    weak["password"] = json!("short-1A");
    expect_problem(join(&app, &token, &weak).await, 422, "password_too_weak").await;
    let mut nameless = join_body("yamada.jiro");
    nameless["display_name"] = json!("  ");
    expect_problem(join(&app, &token, &nameless).await, 422, "field_required").await;
    expect_problem(
        join(&app, &token, &join_body("Dr.Sato")).await,
        409,
        "login_id_taken",
    )
    .await;

    let response = join(&app, &token, &join_body("yamada.jiro")).await;
    assert_eq!(response.status(), 201);
    let session: Value = response.json().await.unwrap();
    assert_eq!(session["user"]["profession"], "family");
    assert_eq!(session["user"]["facility"], Value::Null);
    assert_eq!(session["user"]["display_name"], "山田 次郎");
    let family = session["token"].as_str().unwrap().to_owned();
    // The password works for later logins too.
    assert_eq!(
        app.login_response("yamada.jiro", FAMILY_PASSWORD)
            .await
            .status(),
        201
    );

    let page: Value = app
        .get(&family, "/api/v1/groups")
        .await
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["name"], YAMADA);
    assert_eq!(items[0]["my_role"], "family");
    assert_eq!(items[0]["timelines"], json!(["family"]));
    let response = app
        .get(
            &family,
            &format!("/api/v1/groups/{group}/posts?timeline=care"),
        )
        .await;
    expect_problem(response, 404, "not_found").await;
    let posts: Value = app
        .get(&family, &format!("/api/v1/groups/{group}/posts"))
        .await
        .json()
        .await
        .unwrap();
    let newest = &posts["items"][0];
    assert_eq!(newest["timeline"], "family");
    assert_eq!(newest["system"]["kind"], "member_joined");
    assert_eq!(newest["system"]["subject"]["display_name"], "山田 次郎");
    // Professionals see the join in both timelines.
    for timeline in ["care", "family"] {
        let posts: Value = app
            .get(
                &dr,
                &format!("/api/v1/groups/{group}/posts?timeline={timeline}"),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            posts["items"][0]["system"]["kind"], "member_joined",
            "{timeline}"
        );
    }
    let members: Value = app
        .get(&dr, &format!("/api/v1/groups/{group}/members"))
        .await
        .json()
        .await
        .unwrap();
    let jiro = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["person"]["display_name"] == "山田 次郎")
        .unwrap();
    assert_eq!(jiro["role"], "family");
    assert_eq!(jiro["relationship"], "child_in_law");

    // Single use.
    let reused = join(&app, &token, &join_body("yamada.jiro2")).await;
    let reused = expect_problem(reused, 404, "invitation_invalid").await;
    let info = expect_problem(join_info(&app, &token).await, 404, "invitation_invalid").await;
    let unknown = expect_problem(
        join_info(&app, "no-such-token").await,
        404,
        "invitation_invalid",
    )
    .await;
    assert_eq!(info, unknown);
    assert_eq!(reused["code"], unknown["code"]);
    let links: Value = app
        .get(&dr, &format!("/api/v1/groups/{group}/invitation-links"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(links["items"][0]["status"], "accepted");

    // The family member leaves; families see that.
    let me: Value = app.get(&family, "/api/v1/me").await.json().await.unwrap();
    let response = app
        .delete(
            &family,
            &format!(
                "/api/v1/groups/{group}/members/{}",
                me["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(response.status(), 204);
    let yamada = app.login("fam.yamada").await;
    let posts: Value = app
        .get(&yamada, &format!("/api/v1/groups/{group}/posts"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(posts["items"][0]["system"]["kind"], "member_left");
}

#[tokio::test]
async fn revoked_and_expired_links_are_invalid_like_unknown_ones() {
    let app = TestApp::start().await;
    let dr = app.login("dr.sato").await;
    let group = app.group_id(YAMADA).await;
    let unknown = expect_problem(
        join_info(&app, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").await,
        404,
        "invitation_invalid",
    )
    .await;

    let revoked = create_link(&app, &dr, group, "family").await;
    let id = revoked["invitation"]["id"].as_str().unwrap();
    let response = app
        .delete(
            &dr,
            &format!("/api/v1/groups/{group}/invitation-links/{id}"),
        )
        .await;
    assert_eq!(response.status(), 204);
    let token = revoked["token"].as_str().unwrap();
    let body = expect_problem(join_info(&app, token).await, 404, "invitation_invalid").await;
    assert_eq!(body, unknown);
    let body = expect_problem(
        join(&app, token, &join_body("yamada.revoked")).await,
        404,
        "invitation_invalid",
    )
    .await;
    assert_eq!(body, unknown);

    let expired = create_link(&app, &dr, group, "family").await;
    app.db
        .exec(
            "UPDATE invitations SET expires_at_ms = 1 WHERE id = $1",
            &[invitation_id(&expired).into()],
        )
        .await;
    let token = expired["token"].as_str().unwrap();
    let body = expect_problem(join_info(&app, token).await, 404, "invitation_invalid").await;
    assert_eq!(body, unknown);
    let body = expect_problem(
        join(&app, token, &join_body("yamada.expired")).await,
        404,
        "invitation_invalid",
    )
    .await;
    assert_eq!(body, unknown);

    let links: Value = app
        .get(&dr, &format!("/api/v1/groups/{group}/invitation-links"))
        .await
        .json()
        .await
        .unwrap();
    let statuses: Vec<&str> = links["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["expired", "revoked"], "newest first");
    let no_account: Option<i32> = app
        .db
        .optional("SELECT 1 FROM users WHERE login_id LIKE 'yamada.%'", &[])
        .await;
    assert_eq!(no_account, None);
}

#[tokio::test]
async fn link_kinds_are_checked() {
    let app = TestApp::start().await;
    let dr = app.login("dr.sato").await;
    let group = app.group_id(YAMADA).await;
    let registration = create_link(&app, &dr, group, "registration").await;
    let token = registration["token"].as_str().unwrap();
    let info: Value = join_info(&app, token).await.json().await.unwrap();
    assert_eq!(info["kind"], "registration");
    expect_problem(
        join(&app, token, &join_body("yamada.reg")).await,
        422,
        "invitation_invalid",
    )
    .await;
    let response = app
        .post_json(
            &dr,
            &format!("/api/v1/groups/{group}/invitation-links"),
            &json!({ "kind": "member" }),
        )
        .await;
    expect_problem(response, 422, "field_invalid").await;

    let tanaka = app.login("ns.tanaka").await;
    let workplace = app.group_id(WORKPLACE).await;
    let response = app
        .post_json(
            &tanaka,
            &format!("/api/v1/groups/{workplace}/invitation-links"),
            &json!({ "kind": "family" }),
        )
        .await;
    expect_problem(response, 422, "field_invalid").await;
}

#[tokio::test]
async fn refused_joins_are_rate_limited_per_address() {
    let app = TestApp::start().await;
    for _ in 0..10 {
        let response = join(&app, "guess", &join_body("x.guess")).await;
        expect_problem(response, 404, "invitation_invalid").await;
    }
    let response = join(&app, "another-guess", &join_body("x.guess")).await;
    expect_problem(response, 429, "rate_limited").await;
}

/// The id of the invitation a link-creation answer describes.
fn invitation_id(link: &Value) -> uuid::Uuid {
    link["invitation"]["id"].as_str().unwrap().parse().unwrap()
}
