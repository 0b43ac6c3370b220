//! Editing and deleting posts (If-Match, ETag, history), replies and mentions, importance,
//! read receipts, acknowledgements and the urgent list.

use crate::common;

use common::{create_post, expect_problem, PostFixture, TestApp, YAMADA};
use reqwest::Method;
use serde_json::{json, Value};
use tsunagu_api::Importance;
use uuid::Uuid;

fn post_path(group: Uuid, post: &str) -> String {
    format!("/api/v1/groups/{group}/posts/{post}")
}

async fn patch(
    app: &TestApp,
    token: &str,
    path: &str,
    if_match: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut request = app
        .client
        .patch(app.url(path))
        .bearer_auth(token)
        .json(body);
    if let Some(tag) = if_match {
        request = request.header("If-Match", tag);
    }
    request.send().await.unwrap()
}

async fn delete(
    app: &TestApp,
    token: &str,
    path: &str,
    if_match: Option<&str>,
) -> reqwest::Response {
    let mut request = app.client.delete(app.url(path)).bearer_auth(token);
    if let Some(tag) = if_match {
        request = request.header("If-Match", tag);
    }
    request.send().await.unwrap()
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// A count by the id `$1` (a post's, given as the API writes it).
async fn count(app: &TestApp, sql: &str, id: &str) -> i64 {
    app.db
        .scalar(sql, &[Uuid::parse_str(id).unwrap().into()])
        .await
}

#[tokio::test]
async fn edits_need_the_current_version_and_every_version_is_kept() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let ito = app.login("hh.ito").await;
    let suzuki = app.login("cm.suzuki").await; // admin
    let kobayashi = app.login("ns.kobayashi").await; // not a member
    let family = app.login("fam.yamada").await;
    let group = app.group_id(YAMADA).await;
    let original = "仙骨部の褥瘡は 2.0×1.5cm。処置を継続します。";
    let post = create_post(&app, &tanaka, group, original).await;
    assert_eq!(post["version"], 1);
    assert_eq!(post["importance"], "normal");
    assert_eq!(post["edited_at"], Value::Null);
    let id = post["id"].as_str().unwrap().to_owned();
    let path = post_path(group, &id);

    let got = app.get(&tanaka, &path).await;
    assert_eq!(got.headers()["etag"], "\"1\"");

    let edit = json!({ "body": "仙骨部の褥瘡は 1.8×1.2cm に縮小。処置を継続します。", "importance": "important" });
    expect_problem(
        patch(&app, &tanaka, &path, None, &edit).await,
        428,
        "precondition_required",
    )
    .await;
    expect_problem(
        patch(&app, &ito, &path, Some("\"1\""), &edit).await,
        403,
        "forbidden",
    )
    .await;
    expect_problem(
        patch(&app, &kobayashi, &path, Some("\"1\""), &edit).await,
        404,
        "not_found",
    )
    .await;
    expect_problem(
        patch(&app, &family, &path, Some("\"1\""), &edit).await,
        404,
        "not_found",
    )
    .await;

    let response = patch(&app, &tanaka, &path, Some("\"1\""), &edit).await;
    assert_eq!(response.headers()["etag"], "\"2\"");
    let edited = json_of(response, 200).await;
    assert_eq!(edited["version"], 2);
    assert_eq!(edited["body"], edit["body"]);
    assert_eq!(edited["importance"], "important");
    assert!(edited["edited_at"].is_string());
    assert_eq!(edited["created_at"], post["created_at"]);

    // Someone still holding version 1 is refused, and nothing changes.
    let stale = json!({ "body": "古い版からの上書き" });
    expect_problem(
        patch(&app, &tanaka, &path, Some("\"1\""), &stale).await,
        412,
        "precondition_failed",
    )
    .await;
    let body = expect_problem(
        patch(
            &app,
            &tanaka,
            &path,
            Some("\"2\""),
            &json!({ "body": "褥".repeat(10_001) }),
        )
        .await,
        422,
        "post_too_long",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "body");
    let current = json_of(app.get(&tanaka, &path).await, 200).await;
    assert_eq!(current["body"], edit["body"]);
    assert_eq!(current["version"], 2);

    // History: the author and admins; other members 403; outsiders 404.
    let history = format!("{path}/history");
    for token in [&tanaka, &suzuki] {
        let h = json_of(app.get(token, &history).await, 200).await;
        let items = h["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["kind"], "created");
        assert_eq!(items[0]["body"], original);
        assert_eq!(items[0]["importance"], "normal");
        assert_eq!(items[1]["kind"], "edited");
        assert_eq!(items[1]["version"], 2);
        assert_eq!(items[1]["by"]["display_name"], "田中 美咲");
    }
    expect_problem(app.get(&ito, &history).await, 403, "forbidden").await;
    expect_problem(app.get(&kobayashi, &history).await, 404, "not_found").await;
    expect_problem(app.get(&family, &history).await, 404, "not_found").await;

    // Delete: author only; a stale If-Match is refused; the tombstone keeps its place.
    expect_problem(delete(&app, &ito, &path, None).await, 403, "forbidden").await;
    expect_problem(delete(&app, &suzuki, &path, None).await, 403, "forbidden").await;
    expect_problem(
        delete(&app, &tanaka, &path, Some("\"1\"")).await,
        412,
        "precondition_failed",
    )
    .await;
    let response = delete(&app, &tanaka, &path, Some("\"2\"")).await;
    assert_eq!(response.headers()["etag"], "\"3\"");
    let tombstone = json_of(response, 200).await;
    assert_eq!(tombstone["body"], "");
    assert_eq!(tombstone["version"], 3);
    assert!(tombstone["deleted_at"].is_string());
    // A retried delete answers the same tombstone.
    let again = json_of(delete(&app, &tanaka, &path, None).await, 200).await;
    assert_eq!(again, tombstone);
    expect_problem(
        patch(&app, &tanaka, &path, Some("\"3\""), &edit).await,
        409,
        "post_deleted",
    )
    .await;
    let page = json_of(
        app.get(&ito, &format!("/api/v1/groups/{group}/posts?limit=5"))
            .await,
        200,
    )
    .await;
    let listed = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(listed["body"], "");
    assert!(listed["deleted_at"].is_string());

    let h = json_of(app.get(&suzuki, &history).await, 200).await;
    let kinds: Vec<&str> = h["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["created", "edited", "deleted"]);
    assert_eq!(h["items"][2]["body"], "");

    // Nothing is physically gone, and the history cannot be rewritten.
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM posts WHERE id = $1", &id).await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM post_revisions WHERE post_id = $1",
            &id
        )
        .await,
        3
    );
    for sql in [
        "UPDATE post_revisions SET body = 'x' WHERE post_id = $1",
        "DELETE FROM post_revisions WHERE post_id = $1",
    ] {
        assert!(
            app.db
                .execute(sql, &[Uuid::parse_str(&id).unwrap().into()])
                .await
                .is_err(),
            "{sql}"
        );
    }
    // Edits and deletes are audit-logged.
    for action in ["post.update", "post.delete", "post_history.read"] {
        let n: i64 = app
            .audit_flushed()
            .await
            .scalar(
                "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND target_id = $2",
                &[action.into(), Uuid::parse_str(&id).unwrap().into()],
            )
            .await;
        assert!(n >= 1, "{action}");
    }
}

#[tokio::test]
async fn system_entries_cannot_be_edited_deleted_or_acknowledged() {
    let app = TestApp::start().await;
    let sato = app.login("dr.sato").await;
    let group = app.group_id(YAMADA).await;
    let watanabe = app.user_id("pt.watanabe").await;
    let response = app
        .post_json(
            &sato,
            &format!("/api/v1/groups/{group}/members"),
            &json!({ "user_id": watanabe }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let page = json_of(
        app.get(&sato, &format!("/api/v1/groups/{group}/posts?limit=1"))
            .await,
        200,
    )
    .await;
    let entry = page["items"][0].clone();
    assert_eq!(entry["system"]["kind"], "member_added");
    let path = post_path(group, entry["id"].as_str().unwrap());
    expect_problem(
        patch(&app, &sato, &path, Some("\"1\""), &json!({ "body": "x" })).await,
        403,
        "forbidden",
    )
    .await;
    expect_problem(delete(&app, &sato, &path, None).await, 403, "forbidden").await;
    let ack = app
        .send(Method::PUT, Some(&sato), &format!("{path}/ack"), None)
        .await;
    expect_problem(ack, 403, "forbidden").await;
}

#[tokio::test]
async fn replies_quote_a_live_post_of_the_same_timeline() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let ito = app.login("hh.ito").await;
    let group = app.group_id(YAMADA).await;
    let long = "朝の血圧は 128/76 でした。".repeat(10);
    let quoted = create_post(&app, &ito, group, long.as_str()).await;
    let quoted_id = quoted["id"].as_str().unwrap().to_owned();
    let reply = create_post(
        &app,
        &tanaka,
        group,
        PostFixture::new("確認しました。").field("reply_to", json!(quoted_id)),
    )
    .await;
    assert_eq!(reply["reply_to"]["id"], quoted_id.as_str());
    assert_eq!(reply["reply_to"]["author_name"], "伊藤 さおり");
    assert_eq!(reply["reply_to"]["deleted"], false);
    let excerpt = reply["reply_to"]["excerpt"].as_str().unwrap();
    assert_eq!(excerpt.chars().count(), 80);
    assert!(long.starts_with(excerpt));

    let family_post: String = app
        .db
        .scalar(
            "SELECT CAST(id AS TEXT) FROM posts WHERE group_id = $1 AND timeline = 'family'
               AND system IS NULL LIMIT 1",
            &[group.into()],
        )
        .await;
    for bad in [family_post.clone(), Uuid::now_v7().to_string()] {
        let response = app
            .post_json(
                &tanaka,
                &format!("/api/v1/groups/{group}/posts"),
                &json!({ "body": "返信", "reply_to": bad }),
            )
            .await;
        let problem = expect_problem(response, 422, "field_invalid").await;
        assert_eq!(problem["errors"][0]["field"], "reply_to");
    }

    // The quoted post is deleted: the reply shows that, without its text; no new replies.
    let response = delete(&app, &ito, &post_path(group, &quoted_id), None).await;
    assert_eq!(response.status(), 200);
    let reply_now = json_of(
        app.get(&tanaka, &post_path(group, reply["id"].as_str().unwrap()))
            .await,
        200,
    )
    .await;
    assert_eq!(reply_now["reply_to"]["deleted"], true);
    assert_eq!(reply_now["reply_to"]["excerpt"], "");
    let response = app
        .post_json(
            &tanaka,
            &format!("/api/v1/groups/{group}/posts"),
            &json!({ "body": "返信", "reply_to": quoted_id }),
        )
        .await;
    expect_problem(response, 422, "field_invalid").await;

    // A reply that is itself deleted carries no quote.
    let tomb = json_of(
        delete(
            &app,
            &tanaka,
            &post_path(group, reply["id"].as_str().unwrap()),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(tomb["reply_to"], Value::Null);
}

#[tokio::test]
async fn mentions_name_members_who_can_read_the_timeline() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let ito = app.login("hh.ito").await;
    let family = app.login("fam.yamada").await;
    let group = app.group_id(YAMADA).await;
    let ito_id = app.user_id("hh.ito").await;
    let family_id = app.user_id("fam.yamada").await;
    let outsider = app.user_id("ns.kobayashi").await;
    let posts = format!("/api/v1/groups/{group}/posts");

    let before = json_of(app.get(&ito, &format!("/api/v1/groups/{group}")).await, 200).await;
    assert_eq!(before["mention_count"], 0);
    let post = create_post(
        &app,
        &tanaka,
        group,
        PostFixture::new("@伊藤 さおり 夕方の見守りをお願いします。")
            .field("mentions", json!([ito_id, ito_id])),
    )
    .await;
    assert_eq!(
        post["mentions"],
        json!([{ "user_id": ito_id, "display_name": "伊藤 さおり" }])
    );
    let listed = json_of(app.get(&ito, &format!("{posts}?limit=1")).await, 200).await;
    assert_eq!(listed["items"][0]["mentions"], post["mentions"]);
    let after = json_of(app.get(&ito, &format!("/api/v1/groups/{group}")).await, 200).await;
    assert_eq!(after["mention_count"], 1);
    // Read: no longer counted.
    let response = app
        .put_json(
            &ito,
            &format!("/api/v1/groups/{group}/read"),
            &json!({ "timeline": "care", "up_to": post["id"] }),
        )
        .await;
    assert_eq!(response.status(), 204);
    let read = json_of(app.get(&ito, &format!("/api/v1/groups/{group}")).await, 200).await;
    assert_eq!(read["mention_count"], 0);

    // The family cannot be mentioned in `care`; outsiders nowhere; at most 50.
    let too_many: Vec<Uuid> = (0..51).map(|_| Uuid::now_v7()).collect();
    for (timeline, mentions) in [
        ("care", json!([family_id])),
        ("care", json!([outsider])),
        ("family", json!([outsider])),
        ("care", json!(too_many)),
    ] {
        let response = app
            .post_json(
                &tanaka,
                &posts,
                &json!({ "body": "確認", "timeline": timeline, "mentions": mentions }),
            )
            .await;
        let problem = expect_problem(response, 422, "field_invalid").await;
        assert_eq!(problem["errors"][0]["field"], "mentions");
    }
    let fam_post = create_post(
        &app,
        &tanaka,
        group,
        PostFixture::new("@山田 太郎 様 明日伺います。")
            .family()
            .field("mentions", json!([family_id])),
    )
    .await;
    assert_eq!(fam_post["mentions"][0]["display_name"], "山田 太郎");
    let fam_group = json_of(
        app.get(&family, &format!("/api/v1/groups/{group}")).await,
        200,
    )
    .await;
    assert_eq!(fam_group["mention_count"], 1);

    // An edit replaces the list; a tombstone shows none.
    let path = post_path(group, post["id"].as_str().unwrap());
    let edited = json_of(
        patch(
            &app,
            &tanaka,
            &path,
            Some("\"1\""),
            &json!({ "body": "夕方の見守りをお願いします。", "mentions": [] }),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(edited["mentions"], json!([]));
    let edited = json_of(
        patch(
            &app,
            &tanaka,
            &path,
            Some("\"2\""),
            &json!({ "body": "@伊藤 さおり 見守りを", "mentions": [ito_id] }),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(edited["mentions"][0]["user_id"], ito_id.to_string());
    let tomb = json_of(delete(&app, &tanaka, &path, None).await, 200).await;
    assert_eq!(tomb["mentions"], json!([]));
}

#[tokio::test]
async fn importance_filters_the_timeline_and_pages_carry_the_read_marker() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let ito = app.login("hh.ito").await;
    let group = app.group_id(YAMADA).await;
    let posts = format!("/api/v1/groups/{group}/posts");
    let important = create_post(
        &app,
        &tanaka,
        group,
        PostFixture::new("重要：薬の変更").importance(Importance::Important),
    )
    .await;
    let urgent = create_post(
        &app,
        &tanaka,
        group,
        PostFixture::new("至急：発熱 38.5℃").urgent(),
    )
    .await;
    create_post(&app, &tanaka, group, "通常の報告").await;

    let page = json_of(
        app.get(&ito, &format!("{posts}?min_importance=important"))
            .await,
        200,
    )
    .await;
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            urgent["id"].as_str().unwrap(),
            important["id"].as_str().unwrap()
        ]
    );
    let page = json_of(
        app.get(&ito, &format!("{posts}?min_importance=urgent"))
            .await,
        200,
    )
    .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["importance"], "urgent");
    let all = json_of(
        app.get(&ito, &format!("{posts}?min_importance=normal&limit=3"))
            .await,
        200,
    )
    .await;
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
    let bad = app
        .get(&ito, &format!("{posts}?min_importance=extreme"))
        .await;
    expect_problem(bad, 400, "malformed_request").await;

    assert_eq!(all["read_up_to"], Value::Null);
    let response = app
        .put_json(
            &ito,
            &format!("/api/v1/groups/{group}/read"),
            &json!({ "timeline": "care", "up_to": important["id"] }),
        )
        .await;
    assert_eq!(response.status(), 204);
    let page = json_of(app.get(&ito, &posts).await, 200).await;
    assert_eq!(page["read_up_to"], important["id"]);
    let family = json_of(
        app.get(&ito, &format!("{posts}?timeline=family")).await,
        200,
    )
    .await;
    assert_eq!(family["read_up_to"], Value::Null);
}

#[tokio::test]
async fn read_markers_record_receipts_and_acks_are_idempotent() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let ito = app.login("hh.ito").await;
    let sato = app.login("dr.sato").await;
    let group = app.group_id(YAMADA).await;
    let ito_id = app.user_id("hh.ito").await.to_string();
    let tanaka_id = app.user_id("ns.tanaka").await.to_string();
    let read = format!("/api/v1/groups/{group}/read");
    let first = create_post(&app, &tanaka, group, PostFixture::new("一件目").urgent()).await;
    let own = create_post(&app, &ito, group, "伊藤の投稿").await;
    let second = create_post(&app, &tanaka, group, "二件目").await;
    let first_path = post_path(group, first["id"].as_str().unwrap());
    let events_named = |name: &'static str| {
        let db = app.db.clone();
        async move {
            db.scalar::<i64>(
                "SELECT COUNT(*) FROM events WHERE name = $1",
                &[name.into()],
            )
            .await
        }
    };
    let reads_before = events_named("read.updated").await;

    let response = app
        .put_json(
            &ito,
            &read,
            &json!({ "timeline": "care", "up_to": second["id"] }),
        )
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(events_named("read.updated").await, reads_before + 1);
    // Every post up to the marker is read by ito — except ito's own.
    let id_of = |post: &Value| -> common::Bind {
        Uuid::parse_str(post["id"].as_str().unwrap())
            .unwrap()
            .into()
    };
    let rows: Vec<String> = app
        .db
        .column(
            "SELECT CAST(post_id AS TEXT) FROM post_reads
             WHERE user_id = $1 AND post_id IN ($2, $3, $4)",
            &[
                Uuid::parse_str(&ito_id).unwrap().into(),
                id_of(&first),
                id_of(&own),
                id_of(&second),
            ],
        )
        .await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(!rows.contains(&own["id"].as_str().unwrap().to_owned()));
    let ito_uuid = Uuid::parse_str(&ito_id).unwrap();
    let older_demo_post_read: i64 = app
        .db
        .scalar(
            "SELECT COUNT(*) FROM post_reads r JOIN posts p ON p.id = r.post_id
             WHERE r.user_id = $1 AND p.group_id = $2 AND p.timeline = 'care'",
            &[ito_uuid.into(), group.into()],
        )
        .await;
    let care_by_others: i64 = app
        .db
        .scalar(
            "SELECT COUNT(*) FROM posts WHERE group_id = $1 AND timeline = 'care'
               AND system IS NULL AND author_id <> $2",
            &[group.into(), ito_uuid.into()],
        )
        .await;
    assert_eq!(
        older_demo_post_read, care_by_others,
        "the whole timeline up to the marker"
    );

    // Moving back (or staying) changes nothing and tells nobody.
    let response = app
        .put_json(
            &ito,
            &read,
            &json!({ "timeline": "care", "up_to": first["id"] }),
        )
        .await;
    assert_eq!(response.status(), 204);
    let response = app
        .put_json(
            &ito,
            &read,
            &json!({ "timeline": "care", "up_to": second["id"] }),
        )
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(events_named("read.updated").await, reads_before + 1);

    let post = json_of(app.get(&tanaka, &first_path).await, 200).await;
    assert_eq!(post["read_count"], 1);
    assert_eq!(post["ack_count"], 0);

    // Acknowledge, twice: one ack, one event.
    let acks_before = events_named("ack.updated").await;
    for _ in 0..2 {
        let acked = json_of(
            app.send(Method::PUT, Some(&ito), &format!("{first_path}/ack"), None)
                .await,
            200,
        )
        .await;
        assert_eq!(acked["acked_by_me"], true);
        assert_eq!(acked["ack_count"], 1);
    }
    assert_eq!(events_named("ack.updated").await, acks_before + 1);
    let seen_by_author = json_of(app.get(&tanaka, &first_path).await, 200).await;
    assert_eq!(seen_by_author["acked_by_me"], false);
    assert_eq!(seen_by_author["ack_count"], 1);

    let receipts = json_of(app.get(&sato, &format!("{first_path}/receipts")).await, 200).await;
    assert_eq!(receipts["post_id"], first["id"]);
    let names = |key: &str, inner: bool| -> Vec<String> {
        receipts[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let person = if inner { &r["user"] } else { r };
                person["id"].as_str().unwrap().to_owned()
            })
            .collect()
    };
    assert_eq!(names("read", true), std::slice::from_ref(&ito_id));
    assert_eq!(names("acknowledged", true), std::slice::from_ref(&ito_id));
    assert!(receipts["read"][0]["at"].is_string());
    let not_read = names("not_read", false);
    // Members who can read `care`: the author and the family member are not waited for.
    assert_eq!(not_read.len(), 3, "{not_read:?}");
    assert!(!not_read.contains(&tanaka_id) && !not_read.contains(&ito_id));
    let family_id = app.user_id("fam.yamada").await.to_string();
    assert!(!not_read.contains(&family_id));
    assert_eq!(names("not_acknowledged", false), not_read);

    // A deleted post cannot be acknowledged.
    json_of(
        delete(
            &app,
            &tanaka,
            &post_path(group, second["id"].as_str().unwrap()),
            None,
        )
        .await,
        200,
    )
    .await;
    let response = app
        .send(
            Method::PUT,
            Some(&ito),
            &format!("{}/ack", post_path(group, second["id"].as_str().unwrap())),
            None,
        )
        .await;
    expect_problem(response, 409, "post_deleted").await;
}

#[tokio::test]
async fn the_urgent_list_holds_what_waits_for_my_acknowledgement() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let ito = app.login("hh.ito").await;
    let family = app.login("fam.yamada").await;
    let kobayashi = app.login("ns.kobayashi").await;
    let group = app.group_id(YAMADA).await;
    let care = create_post(
        &app,
        &tanaka,
        group,
        PostFixture::new("至急：SpO2 88%").urgent(),
    )
    .await;
    let fam = create_post(
        &app,
        &tanaka,
        group,
        PostFixture::new("至急：ご家族へ連絡です").urgent().family(),
    )
    .await;
    create_post(
        &app,
        &tanaka,
        group,
        PostFixture::new("重要な連絡").importance(Importance::Important),
    )
    .await;
    let urgent_ids = |list: &Value| -> Vec<String> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["post"]["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let ito_list = json_of(app.get(&ito, "/api/v1/urgent").await, 200).await;
    assert_eq!(
        urgent_ids(&ito_list),
        [care["id"].as_str().unwrap(), fam["id"].as_str().unwrap()],
        "oldest first"
    );
    assert_eq!(ito_list["items"][0]["group_name"], YAMADA);
    assert!(urgent_ids(&json_of(app.get(&tanaka, "/api/v1/urgent").await, 200).await).is_empty());
    assert_eq!(
        urgent_ids(&json_of(app.get(&family, "/api/v1/urgent").await, 200).await),
        [fam["id"].as_str().unwrap()]
    );
    assert!(
        urgent_ids(&json_of(app.get(&kobayashi, "/api/v1/urgent").await, 200).await).is_empty()
    );

    let response = app
        .send(
            Method::PUT,
            Some(&ito),
            &format!("{}/ack", post_path(group, care["id"].as_str().unwrap())),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        urgent_ids(&json_of(app.get(&ito, "/api/v1/urgent").await, 200).await),
        [fam["id"].as_str().unwrap()]
    );
    json_of(
        delete(
            &app,
            &tanaka,
            &post_path(group, fam["id"].as_str().unwrap()),
            None,
        )
        .await,
        200,
    )
    .await;
    assert!(urgent_ids(&json_of(app.get(&ito, "/api/v1/urgent").await, 200).await).is_empty());
    assert!(urgent_ids(&json_of(app.get(&family, "/api/v1/urgent").await, 200).await).is_empty());
    expect_problem(app.get("", "/api/v1/urgent").await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn an_idempotent_create_with_mentions_and_reply_happens_once() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let ito_id = app.user_id("hh.ito").await;
    let quoted = create_post(&app, &tanaka, group, "元の投稿").await;
    let key = Uuid::now_v7().to_string();
    let body = json!({ "body": "@伊藤 さおり 返信です", "reply_to": quoted["id"], "mentions": [ito_id], "importance": "important" });
    let mut responses = Vec::new();
    for _ in 0..2 {
        let response = app
            .client
            .post(app.url(&format!("/api/v1/groups/{group}/posts")))
            .bearer_auth(&tanaka)
            .header("Idempotency-Key", &key)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        responses.push(response.text().await.unwrap());
    }
    assert_eq!(responses[0], responses[1]);
    let n: i64 = app
        .db
        .scalar(
            "SELECT COUNT(*) FROM posts WHERE body = '@伊藤 さおり 返信です'",
            &[],
        )
        .await;
    assert_eq!(n, 1);
    let created: i64 = app
        .db
        .scalar(
            "SELECT COUNT(*) FROM events WHERE name = 'post.created' AND data LIKE '%返信です%'",
            &[],
        )
        .await;
    assert_eq!(created, 1, "one post.created for one post");
}
