//! Timelines: keyset pagination, creating posts, idempotency and request validation.

use crate::common;

use common::{expect_problem, TestApp, NAKAMURA, WORKPLACE, YAMADA};
use serde_json::{json, Value};
use uuid::Uuid;

async fn page(app: &TestApp, token: &str, group: Uuid, query: &str) -> Value {
    let response = app
        .get(token, &format!("/api/v1/groups/{group}/posts{query}"))
        .await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

/// (created_at, id) of every item, the timeline's sort key.
fn keys(page: &Value) -> Vec<(String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["created_at"].as_str().unwrap().to_owned(),
                p["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn before_cursor_walks_every_post_once_newest_first() {
    let app = TestApp::start().await;
    let token = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;

    let mut walked = Vec::new();
    let mut query = "?limit=7".to_owned();
    let mut pages = 0;
    loop {
        let p = page(&app, &token, group, &query).await;
        pages += 1;
        walked.extend(keys(&p));
        match p["next_cursor"].as_str() {
            Some(c) => query = format!("?limit=7&before={c}"),
            None => break,
        }
    }
    assert_eq!(pages, 4);
    assert_eq!(walked.len(), 25);
    // Strictly descending: newest first, no post twice.
    assert!(walked.windows(2).all(|w| w[0] > w[1]), "{walked:#?}");

    let expected: Vec<String> = app
        .db
        .column(
            "SELECT CAST(id AS TEXT) FROM posts WHERE group_id = $1 AND timeline = 'care'
             ORDER BY created_at_ms DESC, id DESC",
            &[group.into()],
        )
        .await;
    let walked_ids: Vec<String> = walked.into_iter().map(|(_, id)| id).collect();
    assert_eq!(walked_ids, expected);
}

#[tokio::test]
async fn posts_carry_their_author() {
    let app = TestApp::start().await;
    let token = app.login("dr.sato").await;
    let group = app.group_id(NAKAMURA).await;
    let p = page(&app, &token, group, "").await;
    assert_eq!(p["items"].as_array().unwrap().len(), 15);
    assert_eq!(p["next_cursor"], Value::Null);
    let newest = &p["items"][0];
    assert_eq!(newest["group_id"], group.to_string());
    assert_eq!(newest["author"]["display_name"], "佐藤 健一");
    assert_eq!(newest["author"]["profession"], "physician");
    assert_eq!(newest["author"]["facility_name"], "さくら内科クリニック");
    // RFC 3339 UTC with milliseconds.
    let created = newest["created_at"].as_str().unwrap();
    assert_eq!(created.len(), "2026-01-01T00:00:00.000Z".len(), "{created}");
    assert!(created.ends_with('Z'));
}

#[tokio::test]
async fn after_cursor_catches_up_oldest_first() {
    let app = TestApp::start().await;
    let token = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let newest = page(&app, &token, group, "?limit=5").await;
    let newest_ids = ids(&newest);
    let cursor = newest["next_cursor"].as_str().unwrap();

    // Newer than the 5th newest: the 4 newest, oldest first, in pages of 2.
    let first = page(&app, &token, group, &format!("?limit=2&after={cursor}")).await;
    assert_eq!(
        ids(&first),
        vec![newest_ids[3].clone(), newest_ids[2].clone()]
    );
    let next = first["next_cursor"].as_str().expect("more to come");
    let second = page(&app, &token, group, &format!("?limit=2&after={next}")).await;
    assert_eq!(
        ids(&second),
        vec![newest_ids[1].clone(), newest_ids[0].clone()]
    );
    assert_eq!(second["next_cursor"], Value::Null);

    // Nothing newer than the newest.
    let latest_cursor = page(&app, &token, group, "?limit=1").await["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let nothing = page(&app, &token, group, &format!("?after={latest_cursor}")).await;
    assert_eq!(ids(&nothing), Vec::<String>::new());
    assert_eq!(nothing["next_cursor"], Value::Null);
}

#[tokio::test]
async fn limit_is_clamped_and_defaults_to_fifty() {
    let app = TestApp::start().await;
    let token = app.login("ns.kobayashi").await;
    let group = app.group_id(WORKPLACE).await;
    let author = app.user_id("ns.kobayashi").await;
    for i in 0..120i64 {
        let body = format!("記録 {i}");
        app.db
            .exec(
                "INSERT INTO posts (id, group_id, author_id, body, search_text, created_at_ms)
                 VALUES ($1, $2, $3, $4, $4, $5)",
                &[
                    Uuid::now_v7().into(),
                    group.into(),
                    author.into(),
                    body.into(),
                    (1_700_000_000_000 + i).into(),
                ],
            )
            .await;
    }
    let count = |p: &Value| p["items"].as_array().unwrap().len();
    assert_eq!(count(&page(&app, &token, group, "").await), 50);
    assert_eq!(count(&page(&app, &token, group, "?limit=1000").await), 100);
    assert_eq!(count(&page(&app, &token, group, "?limit=0").await), 1);
    assert_eq!(count(&page(&app, &token, group, "?limit=-3").await), 1);
    let all = page(&app, &token, group, "?limit=100").await;
    let rest = page(
        &app,
        &token,
        group,
        &format!("?limit=100&before={}", all["next_cursor"].as_str().unwrap()),
    )
    .await;
    assert_eq!(count(&rest), 26);
    assert_eq!(rest["next_cursor"], Value::Null);
}

#[tokio::test]
async fn bad_cursors_are_malformed_requests() {
    let app = TestApp::start().await;
    let token = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let cursor = page(&app, &token, group, "?limit=1").await["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    for query in [
        format!("?before={cursor}&after={cursor}"),
        "?before=garbage".to_owned(),
        "?after=MTIzOm5vdC1hLXV1aWQ".to_owned(),
        "?limit=many".to_owned(),
    ] {
        let response = app
            .get(&token, &format!("/api/v1/groups/{group}/posts{query}"))
            .await;
        expect_problem(response, 400, "malformed_request").await;
    }
}

#[tokio::test]
async fn a_created_post_is_returned_located_and_on_top() {
    let app = TestApp::start().await;
    let token = app.login("ns.tanaka").await;
    let group = app.group_id(NAKAMURA).await;
    let body = "本日 15:00 訪問。SpO2 95%（1L/分）、呼吸苦の訴えなし。";
    let response = app
        .post_json(
            &token,
            &format!("/api/v1/groups/{group}/posts"),
            &json!({ "body": body }),
        )
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["content-type"], "application/json");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let post: Value = response.json().await.unwrap();
    let id: Uuid = post["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(id.get_version_num(), 7);
    assert_eq!(location, format!("/api/v1/groups/{group}/posts/{id}"));
    assert_eq!(post["body"], body);
    assert_eq!(post["group_id"], group.to_string());
    assert_eq!(post["author"]["display_name"], "田中 美咲");
    assert_eq!(
        post["author"]["facility_name"],
        "あおば訪問看護ステーション"
    );

    let newest = page(&app, &token, group, "?limit=1").await;
    assert_eq!(newest["items"][0], post);
    let located: Value = app.get(&token, &location).await.json().await.unwrap();
    assert_eq!(located, post);

    let group_json: Value = app
        .get(&token, &format!("/api/v1/groups/{group}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(group_json["last_post_at"], post["created_at"]);
}

#[tokio::test]
async fn a_retried_create_with_the_same_key_returns_the_same_post_once() {
    let app = TestApp::start().await;
    let token = app.login("hh.ito").await;
    let group = app.group_id(YAMADA).await;
    let path = app.url(&format!("/api/v1/groups/{group}/posts"));
    let key = Uuid::now_v7().to_string();
    let send = |body: Value, key: String| {
        app.client
            .post(&path)
            .bearer_auth(&token)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let before = app.post_count(group).await;

    let first = send(json!({ "body": "夕食は全量摂取されました。" }), key.clone())
        .await
        .unwrap();
    assert_eq!(first.status(), 201);
    let first_location = first.headers()["location"].clone();
    let first_body = first.bytes().await.unwrap();

    let replay = send(json!({ "body": "夕食は全量摂取されました。" }), key.clone())
        .await
        .unwrap();
    assert_eq!(replay.status(), 201);
    assert_eq!(replay.headers()["location"], first_location);
    assert_eq!(replay.bytes().await.unwrap(), first_body);
    assert_eq!(app.post_count(group).await, before + 1);

    // The same key for another request is refused, and creates nothing.
    let reused = send(json!({ "body": "別の内容" }), key.clone())
        .await
        .unwrap();
    expect_problem(reused, 422, "idempotency_key_reused").await;
    assert_eq!(app.post_count(group).await, before + 1);

    // Keys belong to a user: another user's identical key is a different request.
    let doctor = app.login("dr.sato").await;
    let response = app
        .client
        .post(&path)
        .bearer_auth(&doctor)
        .header("Idempotency-Key", &key)
        .json(&json!({ "body": "夕食は全量摂取されました。" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_ne!(response.bytes().await.unwrap(), first_body);
    assert_eq!(app.post_count(group).await, before + 2);
}

#[tokio::test]
async fn idempotency_key_must_be_a_uuid() {
    let app = TestApp::start().await;
    let token = app.login("hh.ito").await;
    let group = app.group_id(YAMADA).await;
    let response = app
        .client
        .post(app.url(&format!("/api/v1/groups/{group}/posts")))
        .bearer_auth(&token)
        .header("Idempotency-Key", "retry-1")
        .json(&json!({ "body": "テスト" }))
        .send()
        .await
        .unwrap();
    expect_problem(response, 400, "idempotency_key_invalid").await;
    assert_eq!(app.post_count(group).await, 31);
}

#[tokio::test]
async fn post_bodies_are_validated_in_characters() {
    let app = TestApp::start().await;
    let token = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let path = format!("/api/v1/groups/{group}/posts");

    let response = app
        .post_json(&token, &path, &json!({ "body": "褥".repeat(10_001) }))
        .await;
    let problem = expect_problem(response, 422, "post_too_long").await;
    assert_eq!(
        problem["errors"],
        json!([{ "field": "body", "code": "post_too_long" }])
    );

    let response = app
        .post_json(&token, &path, &json!({ "body": " \n\t　" }))
        .await;
    let problem = expect_problem(response, 422, "post_empty").await;
    assert_eq!(
        problem["errors"],
        json!([{ "field": "body", "code": "post_empty" }])
    );
    assert_eq!(app.post_count(group).await, 31);

    // Exactly at the limit: 10,000 kanji are 30,000 bytes and still accepted.
    let response = app
        .post_json(&token, &path, &json!({ "body": "褥".repeat(10_000) }))
        .await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn malformed_bodies_are_problems() {
    let app = TestApp::start().await;
    let token = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let url = app.url(&format!("/api/v1/groups/{group}/posts"));
    let send = |content_type: &'static str, body: Vec<u8>| {
        app.client
            .post(&url)
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };

    let response = send("application/json", b"{\"body\": ".to_vec())
        .await
        .unwrap();
    expect_problem(response, 400, "malformed_request").await;
    // Valid JSON without the field: a validation error naming it.
    let response = send("application/json", b"{\"text\": \"x\"}".to_vec())
        .await
        .unwrap();
    expect_problem(response, 422, "field_required").await;
    let response = send("text/plain", b"{\"body\": \"x\"}".to_vec())
        .await
        .unwrap();
    expect_problem(response, 415, "unsupported_media_type").await;
    let huge = serde_json::to_vec(&json!({ "body": "a".repeat(300 * 1024) })).unwrap();
    let response = send("application/json", huge).await.unwrap();
    expect_problem(response, 413, "malformed_request").await;

    let response = app
        .client
        .post(app.url("/api/v1/sessions"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("login_id=dr.sato&password=x")
        .send()
        .await
        .unwrap();
    expect_problem(response, 415, "unsupported_media_type").await;
    assert_eq!(app.post_count(group).await, 31);
}
