//! Group list and group access, and that non-members learn nothing.

use crate::common;

use common::{expect_problem, TestApp, NAKAMURA, WORKPLACE, YAMADA};
use serde_json::{json, Value};
use uuid::Uuid;

#[tokio::test]
async fn lists_only_my_groups_most_recent_first() {
    let app = TestApp::start().await;
    let token = app.login("dr.sato").await;
    let response = app.get(&token, "/api/v1/groups").await;
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    let names: Vec<&str> = items.iter().map(|g| g["name"].as_str().unwrap()).collect();
    // Both patient groups and the direct message (named after the other person), not the
    // nursing station's workplace group.
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, vec![NAKAMURA, YAMADA, "田中 美咲"]);
    assert_eq!(page["next_cursor"], Value::Null);
    let times: Vec<&str> = items
        .iter()
        .map(|g| g["last_post_at"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");

    let yamada = items.iter().find(|g| g["name"] == YAMADA).unwrap();
    assert_eq!(yamada["kind"], "patient");
    assert_eq!(yamada["name_kana"], "やまだ はなこ");
    assert_eq!(yamada["my_role"], "admin");
    assert_eq!(yamada["member_count"], 6);

    let outsider = app.login("ns.kobayashi").await;
    let page: Value = app
        .get(&outsider, "/api/v1/groups")
        .await
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["name"], WORKPLACE);
    assert_eq!(items[0]["kind"], "workplace");
    assert_eq!(items[0]["my_role"], "member");
    assert_eq!(items[0]["name_kana"], Value::Null);
}

#[tokio::test]
async fn a_new_post_moves_its_group_to_the_top_and_pages_walk_the_list() {
    let app = TestApp::start().await;
    let token = app.login("ns.tanaka").await;
    let list = |path: &'static str| {
        let app = &app;
        let token = &token;
        async move {
            let page: Value = app.get(token, path).await.json().await.unwrap();
            page
        }
    };
    let all = list("/api/v1/groups").await;
    assert_eq!(all["items"].as_array().unwrap().len(), 4);
    let last = all["items"][2]["id"].as_str().unwrap().to_owned();

    let response = app
        .post_json(
            &token,
            &format!("/api/v1/groups/{last}/posts"),
            &json!({ "body": "本日の訪問は予定どおりです。" }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let all = list("/api/v1/groups").await;
    assert_eq!(all["items"][0]["id"], last.as_str());

    // One group per page, following next_cursor, visits each group once in the same order.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            None => "/api/v1/groups?limit=1".to_owned(),
            Some(c) => format!("/api/v1/groups?limit=1&before={c}"),
        };
        let page: Value = app.get(&token, &path).await.json().await.unwrap();
        for g in page["items"].as_array().unwrap() {
            seen.push(g["id"].clone());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let expected: Vec<Value> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].clone())
        .collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn a_member_reads_the_group() {
    let app = TestApp::start().await;
    let token = app.login("hh.ito").await;
    let id = app.group_id(YAMADA).await;
    let response = app.get(&token, &format!("/api/v1/groups/{id}")).await;
    assert_eq!(response.status(), 200);
    let group: Value = response.json().await.unwrap();
    assert_eq!(group["id"], id.to_string());
    assert_eq!(group["name"], YAMADA);
    assert_eq!(group["my_role"], "member");
    assert_eq!(group["member_count"], 6);
}

#[tokio::test]
async fn non_members_get_the_same_404_as_for_a_group_that_does_not_exist() {
    let app = TestApp::start().await;
    let outsider = app.login("ns.kobayashi").await;
    let real = app.group_id(YAMADA).await;
    let random = Uuid::now_v7();

    for suffix in ["", "/posts"] {
        let hidden = app
            .get(&outsider, &format!("/api/v1/groups/{real}{suffix}"))
            .await;
        let hidden = expect_problem(hidden, 404, "not_found").await;
        let missing = app
            .get(&outsider, &format!("/api/v1/groups/{random}{suffix}"))
            .await;
        let missing = expect_problem(missing, 404, "not_found").await;
        assert_eq!(hidden, missing, "GET {suffix}");
        let malformed = app
            .get(&outsider, &format!("/api/v1/groups/not-a-uuid{suffix}"))
            .await;
        let malformed = expect_problem(malformed, 404, "not_found").await;
        assert_eq!(hidden, malformed);
    }

    // Creating: the same 404, even for a body that would fail validation.
    for body in [json!({ "body": "見えてはいけない" }), json!({ "body": "" })] {
        let hidden = app
            .post_json(&outsider, &format!("/api/v1/groups/{real}/posts"), &body)
            .await;
        let hidden = expect_problem(hidden, 404, "not_found").await;
        let missing = app
            .post_json(&outsider, &format!("/api/v1/groups/{random}/posts"), &body)
            .await;
        let missing = expect_problem(missing, 404, "not_found").await;
        assert_eq!(hidden, missing);
    }
    let count = app.post_count(real).await;
    assert_eq!(count, 31, "no post was created by the outsider");
}

#[tokio::test]
async fn invalid_group_cursor_is_a_malformed_request() {
    let app = TestApp::start().await;
    let token = app.login("dr.sato").await;
    let response = app.get(&token, "/api/v1/groups?before=garbage").await;
    expect_problem(response, 400, "malformed_request").await;
    let response = app.get(&token, "/api/v1/groups?limit=ten").await;
    expect_problem(response, 400, "malformed_request").await;
}

/// A NUL in a group's texts is an invalid field on every backend (PostgreSQL cannot store
/// one); nothing is changed.
#[tokio::test]
async fn a_nul_in_a_group_text_is_an_invalid_field() {
    let app = TestApp::start().await;
    let token = app.login("cm.suzuki").await;
    let response = app
        .post_json(
            &token,
            "/api/v1/groups",
            &json!({ "kind": "workplace", "name": "連絡\u{0}帳" }),
        )
        .await;
    let body = expect_problem(response, 422, "field_invalid").await;
    assert_eq!(body["errors"][0]["field"], "name", "{body}");
    let group = app.group_id(YAMADA).await;
    let response = app
        .patch_json(
            &token,
            &format!("/api/v1/groups/{group}"),
            &json!({ "patient": { "name": "山田 花子", "name_kana": "やまだ はなこ",
                                  "notes": "メモ\u{0}" } }),
        )
        .await;
    let body = expect_problem(response, 422, "field_invalid").await;
    assert_eq!(body["errors"][0]["field"], "patient.notes", "{body}");
    let after = app.get(&token, &format!("/api/v1/groups/{group}")).await;
    let after: serde_json::Value = after.json().await.unwrap();
    assert!(!after["patient"]["notes"].as_str().unwrap().contains('\0'));
}
