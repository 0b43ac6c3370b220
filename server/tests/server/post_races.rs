//! Posts under concurrent requests to one server: what one writer at a time (SQLite) gives
//! for free must hold with writers in parallel (PostgreSQL) too. Each test fires its requests
//! at once and checks the invariant on the answers, the timeline and the event log.

use crate::common;

use common::{PostFixture, TestApp, YAMADA};
use futures_util::future::join_all;
use serde_json::{json, Value};
use uuid::Uuid;

/// Requests fired at once in each race.
const RACERS: usize = 8;
/// Rounds of each race: a race that a missing lock loses only sometimes still fails the test.
const ROUNDS: usize = 4;

/// The newest posts of the care timeline (up to 100), as `token` sees them.
async fn newest_posts(app: &TestApp, token: &str, group: Uuid) -> Vec<Value> {
    let response = app
        .get(token, &format!("/api/v1/groups/{group}/posts?limit=100"))
        .await;
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

/// The events of `name` about `post_id` in the event log, in id order (the order every
/// stream delivers them).
async fn events_about(app: &TestApp, name: &str, post_id: &str) -> Vec<Value> {
    let sql = format!(
        "SELECT data FROM events WHERE name = $1 AND {} = $2 ORDER BY id",
        app.db.json_text("data", "post_id")
    );
    let data: Vec<String> = app.db.column(&sql, &[name.into(), post_id.into()]).await;
    data.iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect()
}

#[tokio::test]
async fn concurrent_creates_with_one_key_make_one_post_and_replay_its_answer() {
    let app = TestApp::start().await;
    let token = app.login("hh.ito").await;
    let group = app.group_id(YAMADA).await;
    let path = app.url(&format!("/api/v1/groups/{group}/posts"));

    for round in 0..ROUNDS {
        let key = Uuid::now_v7().to_string();
        // Most racers send the same request; two send another body under the same key. Which
        // request wins is up to the race; everything else follows from the winner.
        let bodies: Vec<String> = (0..RACERS)
            .map(|i| {
                if i % 4 == 3 {
                    format!("別の内容 {round}-{i}")
                } else {
                    format!("夕食は全量摂取されました。{round}")
                }
            })
            .collect();
        let answers = join_all(bodies.iter().map(|body| {
            let request = app
                .client
                .post(&path)
                .bearer_auth(&token)
                .header("Idempotency-Key", &key)
                .json(&json!({ "body": body }))
                .send();
            async move {
                let response = request.await.unwrap();
                let status = response.status().as_u16();
                let location = response
                    .headers()
                    .get("location")
                    .map(|l| l.to_str().unwrap().to_owned());
                let bytes = response.bytes().await.unwrap();
                (status, location, bytes)
            }
        }))
        .await;

        let created: Vec<_> = answers.iter().filter(|(s, ..)| *s == 201).collect();
        assert!(
            !created.is_empty(),
            "round {round}: nothing created: {answers:?}"
        );
        let (_, location, first) = created[0];
        for (status, other_location, bytes) in &created {
            assert_eq!(*status, 201);
            assert_eq!(
                bytes, first,
                "round {round}: every answer replays the first"
            );
            assert_eq!(other_location, location);
        }
        let post: Value = serde_json::from_slice(first).unwrap();
        let winner = post["body"].as_str().unwrap();
        for ((status, _, bytes), body) in answers.iter().zip(&bodies) {
            if body == winner {
                assert_eq!(*status, 201, "round {round}: the winner's request replays");
            } else {
                assert_eq!(
                    *status,
                    422,
                    "round {round}: {}",
                    String::from_utf8_lossy(bytes)
                );
                let problem: Value = serde_json::from_slice(bytes).unwrap();
                assert_eq!(problem["code"], "idempotency_key_reused");
            }
        }

        // Exactly one post was written, whichever request won.
        let timeline = newest_posts(&app, &token, group).await;
        let written: Vec<&Value> = timeline
            .iter()
            .filter(|p| bodies.iter().any(|b| p["body"] == *b))
            .collect();
        assert_eq!(written.len(), 1, "round {round}: {written:?}");
        assert_eq!(written[0]["id"], post["id"]);
    }
}

#[tokio::test]
async fn concurrent_edits_against_one_version_let_exactly_one_through() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;

    for round in 0..ROUNDS {
        let post = common::create_post(
            &app,
            &tanaka,
            group,
            format!("褥瘡処置を継続します。{round}"),
        )
        .await;
        let rel = format!(
            "/api/v1/groups/{group}/posts/{}",
            post["id"].as_str().unwrap()
        );
        let path = app.url(&rel);
        let answers = join_all((0..RACERS).map(|i| {
            let request = app
                .client
                .patch(&path)
                .bearer_auth(&tanaka)
                .header("If-Match", "\"1\"")
                .json(&json!({ "body": format!("修正 {round}-{i}") }))
                .send();
            async move {
                let response = request.await.unwrap();
                let status = response.status().as_u16();
                (status, response.text().await.unwrap())
            }
        }))
        .await;
        let statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
        let ok: Vec<&String> = answers
            .iter()
            .filter(|(s, _)| *s == 200)
            .map(|(_, body)| body)
            .collect();
        assert_eq!(ok.len(), 1, "round {round}: {answers:?}");
        assert_eq!(
            statuses.iter().filter(|s| **s == 412).count(),
            RACERS - 1,
            "round {round}: {answers:?}"
        );
        let edited: Value = serde_json::from_str(ok[0]).unwrap();
        assert_eq!(edited["version"], 2);

        // The post is the winner's edit, and its history has exactly the two versions.
        let now: Value = app.get(&tanaka, &rel).await.json().await.unwrap();
        assert_eq!(now["body"], edited["body"]);
        assert_eq!(now["version"], 2);
        let history: Value = app
            .get(&tanaka, &format!("{rel}/history"))
            .await
            .json()
            .await
            .unwrap();
        let versions: Vec<&Value> = history
            .as_array()
            .or_else(|| history["items"].as_array())
            .unwrap()
            .iter()
            .map(|r| &r["version"])
            .collect();
        assert_eq!(versions, [&json!(1), &json!(2)], "round {round}: {history}");
    }
}

#[tokio::test]
async fn concurrent_acks_count_once_and_announce_once() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let ito = app.login("hh.ito").await;
    let ito_id = app.user_id("hh.ito").await.to_string();
    let others = [
        app.login("dr.sato").await,
        app.login("cm.suzuki").await,
        app.login("ph.takahashi").await,
    ];
    let group = app.group_id(YAMADA).await;

    for round in 0..ROUNDS {
        let post = common::create_post(
            &app,
            &tanaka,
            group,
            PostFixture::new(format!("至急: 発熱 38.5℃ {round}")).urgent(),
        )
        .await;
        let id = post["id"].as_str().unwrap().to_owned();
        let ack_path = app.url(&format!("/api/v1/groups/{group}/posts/{id}/ack"));

        // One person acknowledging many times at once (a double tap, two tabs).
        let answers = join_all((0..RACERS).map(|_| {
            let request = app.client.put(&ack_path).bearer_auth(&ito).send();
            async move {
                let response = request.await.unwrap();
                let status = response.status().as_u16();
                (status, response.json::<Value>().await.unwrap())
            }
        }))
        .await;
        for (status, body) in &answers {
            assert_eq!(*status, 200, "round {round}: {body}");
            assert_eq!(body["ack_count"], 1, "round {round}: {body}");
            assert_eq!(body["acked_by_me"], true);
        }

        // Several people at once: every ack counted, each event counting those before it.
        let answers = join_all(others.iter().map(|token| {
            let request = app.client.put(&ack_path).bearer_auth(token).send();
            async move { request.await.unwrap().status().as_u16() }
        }))
        .await;
        assert!(
            answers.iter().all(|s| *s == 200),
            "round {round}: {answers:?}"
        );

        let now: Value = app
            .get(&tanaka, &format!("/api/v1/groups/{group}/posts/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(now["ack_count"], 1 + others.len(), "round {round}: {now}");

        // One event for ito's acks, the first; then one per other person, in the order the
        // streams deliver them, each counting the acks committed before it.
        let acks = events_about(&app, "ack.updated", &id).await;
        let by_ito = acks
            .iter()
            .filter(|a| a["user"]["id"] == ito_id.as_str())
            .count();
        assert_eq!(
            by_ito, 1,
            "round {round}: one event for ito's acks: {acks:?}"
        );
        let counts: Vec<u64> = acks
            .iter()
            .map(|a| a["ack_count"].as_u64().unwrap())
            .collect();
        let expected: Vec<u64> = (1..=1 + others.len() as u64).collect();
        assert_eq!(counts, expected, "round {round}: {acks:?}");
    }
}

#[tokio::test]
async fn nothing_is_written_to_a_group_after_its_archive_entry() {
    for round in 0..ROUNDS {
        let app = TestApp::start().await;
        let group = app.group_id(YAMADA).await;
        let sato = app.login("dr.sato").await;
        let tanaka = app.login("ns.tanaka").await;
        let writers = [
            tanaka.clone(),
            app.login("hh.ito").await,
            app.login("cm.suzuki").await,
            app.login("ph.takahashi").await,
        ];
        let posts = format!("/api/v1/groups/{group}/posts");
        let mut targets = Vec::new();
        for i in 0..writers.len() {
            let post = common::create_post(&app, &tanaka, group, format!("元 {i}")).await;
            targets.push(format!("{posts}/{}", post["id"].as_str().unwrap()));
        }

        // Posts, edits and acks race the archiving; each either lands before the archive entry
        // or is refused as archived.
        let mut requests = Vec::new();
        for (i, token) in writers.iter().enumerate() {
            requests.push(
                app.client
                    .post(app.url(&posts))
                    .bearer_auth(token)
                    .json(&json!({ "body": format!("記録 {round}-{i}") })),
            );
            requests.push(
                app.client
                    .put(app.url(&format!("{}/ack", targets[i])))
                    .bearer_auth(token),
            );
        }
        for target in &targets {
            requests.push(
                app.client
                    .patch(app.url(target))
                    .bearer_auth(&tanaka)
                    .header("If-Match", "\"1\"")
                    .json(&json!({ "body": "修正" })),
            );
        }
        let archive = app
            .client
            .post(app.url(&format!("/api/v1/groups/{group}/archive")))
            .bearer_auth(&sato)
            .json(&json!({}));
        requests.insert(requests.len() / 2, archive);
        let statuses: Vec<u16> = join_all(
            requests
                .into_iter()
                .map(|r| async move { r.send().await.unwrap().status().as_u16() }),
        )
        .await;
        assert!(
            statuses.iter().all(|s| [200, 201, 409].contains(s)),
            "round {round}: {statuses:?}"
        );

        // Event ids are in commit order: the archive entry's event comes after every write
        // that got in.
        let events: Vec<(i64, String, String)> = app
            .db
            .rows(
                "SELECT id, name, data FROM events WHERE group_id = $1 ORDER BY id",
                &[group.into()],
            )
            .await;
        let archived_at = events
            .iter()
            .position(|(_, name, data)| {
                name == "post.created" && data.contains("\"group_archived\"")
            })
            .unwrap_or_else(|| panic!("round {round}: no archive entry: {statuses:?}"));
        let late: Vec<&(i64, String, String)> = events[archived_at + 1..]
            .iter()
            .filter(|(_, name, _)| name.starts_with("post.") || name == "ack.updated")
            .collect();
        assert!(
            late.is_empty(),
            "round {round}: written after archiving: {late:?}"
        );
    }
}

#[tokio::test]
async fn read_markers_only_move_forward_under_concurrent_marks() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let ito = app.login("hh.ito").await;
    let ito_id = app.user_id("hh.ito").await.to_string();
    let group = app.group_id(YAMADA).await;
    let read = app.url(&format!("/api/v1/groups/{group}/read"));

    for round in 0..ROUNDS {
        let mut ids = Vec::new();
        for i in 0..RACERS {
            let post =
                common::create_post(&app, &tanaka, group, format!("バイタル {round}-{i}")).await;
            ids.push(post["id"].as_str().unwrap().to_owned());
        }
        // Every post marked at once, newest first so that late requests carry older posts.
        let statuses = join_all(ids.iter().rev().map(|id| {
            let request = app
                .client
                .put(&read)
                .bearer_auth(&ito)
                .json(&json!({ "timeline": "care", "up_to": id }))
                .send();
            async move { request.await.unwrap().status().as_u16() }
        }))
        .await;
        assert!(
            statuses.iter().all(|s| *s == 204),
            "round {round}: {statuses:?}"
        );

        // The marker is at the newest post, whatever order the marks committed in.
        let page: Value = app
            .get(&ito, &format!("/api/v1/groups/{group}/posts?timeline=care"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            page["read_up_to"],
            ids[RACERS - 1].as_str(),
            "round {round}"
        );
        for post in page["items"].as_array().unwrap() {
            if ids.iter().any(|id| post["id"] == id.as_str()) {
                assert_eq!(post["read_count"], 1, "round {round}: one receipt: {post}");
            }
        }

        // Each move (of every round so far) is announced once, forward, from where the previous
        // one left it.
        let sql = format!(
            "SELECT data FROM events WHERE name = 'read.updated' AND group_id = $1 AND {} = $2
             ORDER BY id",
            app.db.json_text("data", "timeline")
        );
        let data: Vec<String> = app.db.column(&sql, &[group.into(), "care".into()]).await;
        let moves: Vec<Value> = data
            .iter()
            .map(|d| serde_json::from_str::<Value>(d).unwrap())
            .filter(|m| m["reader"]["id"] == ito_id.as_str())
            .collect();
        let mut at: Option<String> = None;
        let mut last_index = None;
        for m in &moves {
            assert_eq!(
                m["previous"].as_str(),
                at.as_deref(),
                "round {round}: {moves:?}"
            );
            at = Some(m["up_to"].as_str().unwrap().to_owned());
            if let Some(index) = ids.iter().position(|id| Some(id) == at.as_ref()) {
                assert!(
                    last_index.is_none_or(|last| index > last),
                    "round {round}: moved back: {moves:?}"
                );
                last_index = Some(index);
            }
        }
        assert_eq!(
            at.as_deref(),
            Some(ids[RACERS - 1].as_str()),
            "round {round}"
        );
    }
}
