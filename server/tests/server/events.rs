//! `GET /api/v1/events` over a real TCP connection, read as a stream: live delivery, resuming
//! with `Last-Event-ID` without gaps or repeats, visibility by membership and timeline,
//! `reset` for an id older than the log, heartbeats, and the end of the session.

use crate::common;

use std::time::Duration;

use common::{
    create_post, EventStream, FrameExt, PostFixture, SseFrame, TestApp, WORKPLACE, YAMADA,
};
use reqwest::Method;
use serde_json::{json, Value};
use tsunagu_api::LiveEvent;
use tsunagu_server::time::now_ms;

const WAIT: Duration = Duration::from_secs(5);
/// How long to wait to be sure nothing more comes.
const QUIET: Duration = Duration::from_millis(600);

fn post_id(frame: &SseFrame) -> String {
    frame.json()["id"].as_str().unwrap().to_owned()
}

/// The next `post.created` (other events skipped).
async fn next_created(stream: &mut EventStream) -> SseFrame {
    loop {
        let frame = stream.next_event(WAIT).await.expect("an event");
        if frame.event == "post.created" {
            return frame;
        }
    }
}

#[tokio::test]
async fn events_arrive_live_and_parse_as_the_contract_says() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let ito = app.login("hh.ito").await;
    let group = app.group_id(YAMADA).await;
    let mut stream = app.events(&tanaka, None).await;
    // Starts "now": nothing from the demo data or earlier.
    assert!(stream.drain(QUIET).await.is_empty());

    let post = create_post(
        &app,
        &ito,
        group,
        PostFixture::new("夕方の訪問を終えました").urgent(),
    )
    .await;
    let frame = stream.next_event(WAIT).await.expect("post.created");
    assert_eq!(frame.event, "post.created");
    let event = LiveEvent::from_sse(&frame.event, &frame.data).unwrap();
    let LiveEvent::PostCreated(created) = event else {
        panic!("{frame:?}")
    };
    assert_eq!(created.id.to_string(), post["id"].as_str().unwrap());
    assert_eq!(created.body, "夕方の訪問を終えました");
    let first_id = frame.id_num();

    // Read marker, ack, edit, delete: each one event, in order, ids increasing.
    let path = format!(
        "/api/v1/groups/{group}/posts/{}",
        post["id"].as_str().unwrap()
    );
    let response = app
        .put_json(
            &tanaka,
            &format!("/api/v1/groups/{group}/read"),
            &json!({ "timeline": "care", "up_to": post["id"] }),
        )
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(
        app.send(Method::PUT, Some(&tanaka), &format!("{path}/ack"), None)
            .await
            .status(),
        200
    );
    let response = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&ito)
        .header("If-Match", "\"1\"")
        .json(&json!({ "body": "夕方の訪問を終えました（追記）" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // Events show a post as it is when they are delivered: take the edit's before deleting,
    // or it would (rightly) arrive as the tombstone.
    let mut frames = Vec::new();
    for _ in 0..3 {
        frames.push(stream.next_event(WAIT).await.expect("read, ack and edit"));
    }
    assert_eq!(app.delete(&ito, &path).await.status(), 200);
    frames.extend(stream.drain(Duration::from_secs(2)).await);
    let names: Vec<&str> = frames.iter().map(|f| f.event.as_str()).collect();
    assert_eq!(
        names,
        [
            "read.updated",
            "ack.updated",
            "post.updated",
            "post.deleted"
        ]
    );
    let ids: Vec<i64> = frames.iter().map(SseFrame::id_num).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]) && ids[0] > first_id,
        "{ids:?}"
    );
    let read = frames[0].json();
    assert_eq!(read["reader"]["display_name"], "田中 美咲");
    assert_eq!(read["up_to"], post["id"]);
    assert_eq!(read["timeline"], "care");
    let ack = frames[1].json();
    assert_eq!(ack["ack_count"], 1);
    assert_eq!(ack["post_id"], post["id"]);
    // The edit as tanaka sees it: tanaka acknowledged the post.
    let updated = frames[2].json();
    assert_eq!(updated["body"], "夕方の訪問を終えました（追記）");
    assert_eq!(updated["acked_by_me"], true);
    assert_eq!(updated["version"], 2);
    let deleted = frames[3].json();
    assert_eq!(deleted["body"], "");
    assert!(deleted["deleted_at"].is_string());
    for frame in &frames {
        LiveEvent::from_sse(&frame.event, &frame.data).unwrap_or_else(|e| panic!("{e}: {frame:?}"));
    }

    // The author's own stream carries the same edit without tanaka's acknowledgement.
    let mut own = app.events(&ito, Some(&first_id.to_string())).await;
    let frames = own.drain(Duration::from_secs(1)).await;
    let updated = frames
        .iter()
        .find(|f| f.event == "post.updated")
        .unwrap()
        .json();
    assert_eq!(updated["acked_by_me"], false);

    // Opening a stream is audited once; deliveries are not (one row per post per open stream
    // let one account flood the log).
    let subscribed: Vec<String> = app
        .audit_flushed()
        .await
        .column(
            "SELECT u.login_id FROM audit_log a JOIN users u ON u.id = a.user_id
             WHERE a.action = 'events.subscribe' ORDER BY a.id",
            &[],
        )
        .await;
    for login in ["ns.tanaka", "hh.ito"] {
        assert!(
            subscribed.iter().any(|l| l == login),
            "no stream opening of {login} logged: {subscribed:?}"
        );
    }
    let delivered: i64 = app
        .audit_flushed()
        .await
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'events.delivered'",
            &[],
        )
        .await;
    assert_eq!(delivered, 0);
}

#[tokio::test]
async fn reconnecting_with_last_event_id_delivers_exactly_the_missed_events() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let ito = app.login("hh.ito").await;
    let group = app.group_id(YAMADA).await;
    let mut stream = app.events(&tanaka, None).await;
    let before = create_post(&app, &ito, group, "切断前").await;
    let seen = next_created(&mut stream).await;
    assert_eq!(post_id(&seen), before["id"].as_str().unwrap());
    drop(stream);

    let mut missed = Vec::new();
    for i in 0..3 {
        let post = create_post(&app, &ito, group, format!("切断中 {i}")).await;
        missed.push(post["id"].as_str().unwrap().to_owned());
    }
    let last = seen.id.clone().unwrap();
    let mut stream = app.events(&tanaka, Some(&last)).await;
    let frames = stream.drain(QUIET).await;
    let got: Vec<String> = frames.iter().map(post_id).collect();
    assert_eq!(got, missed, "exactly the missed posts, in order");
    assert!(frames.iter().all(|f| f.id_num() > seen.id_num()));

    // Then live again, once.
    let after = create_post(&app, &ito, group, "再接続後").await;
    let frames = stream.drain(QUIET).await;
    assert_eq!(
        frames.iter().map(post_id).collect::<Vec<_>>(),
        [after["id"].as_str().unwrap()]
    );

    // Resuming from the newest id delivers nothing.
    let newest = frames[0].id.clone().unwrap();
    let mut stream = app.events(&tanaka, Some(&newest)).await;
    assert!(stream.drain(QUIET).await.is_empty());
}

#[tokio::test]
async fn only_members_who_may_read_the_timeline_get_its_events() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let kobayashi = app.login("ns.kobayashi").await; // workplace only
    let family = app.login("fam.yamada").await;
    let yamada = app.group_id(YAMADA).await;
    let workplace = app.group_id(WORKPLACE).await;
    let mut outsider = app.events(&kobayashi, None).await;
    let mut relative = app.events(&family, None).await;

    let care = create_post(&app, &tanaka, yamada, "ケアの記録").await;
    let fam = create_post(&app, &tanaka, yamada, PostFixture::new("ご家族へ").family()).await;
    let shared = create_post(&app, &tanaka, workplace, "事業所の連絡").await;
    // An acknowledgement and read marker in care: not for the family either.
    let response = app
        .send(
            Method::PUT,
            Some(&tanaka),
            &format!(
                "/api/v1/groups/{yamada}/posts/{}/ack",
                care["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);

    let got: Vec<String> = outsider.drain(QUIET).await.iter().map(post_id).collect();
    assert_eq!(got, [shared["id"].as_str().unwrap()]);
    let got = relative.drain(QUIET).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(post_id(&got[0]), fam["id"].as_str().unwrap());

    // Resuming from before all of it does not widen what they see.
    let start = (got[0].id_num() - 10).max(0).to_string();
    let mut again = app.events(&kobayashi, Some(&start)).await;
    for frame in again.drain(QUIET).await {
        let text = frame.data;
        assert!(
            !text.contains("ケアの記録") && !text.contains("ご家族へ"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn membership_changes_reach_the_members_and_removed_members_stop_receiving() {
    let app = TestApp::start().await;
    let sato = app.login("dr.sato").await; // admin and attending physician
    let takahashi = app.login("ph.takahashi").await;
    let group = app.group_id(YAMADA).await;
    let mut member = app.events(&takahashi, None).await;
    let watanabe = app.user_id("pt.watanabe").await;
    let response = app
        .post_json(
            &sato,
            &format!("/api/v1/groups/{group}/members"),
            &json!({ "user_id": watanabe }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let frames = member.drain(QUIET).await;
    let names: Vec<&str> = frames.iter().map(|f| f.event.as_str()).collect();
    assert_eq!(names, ["post.created", "member.changed"]);
    assert_eq!(frames[0].json()["system"]["kind"], "member_added");
    assert_eq!(frames[1].json(), json!({ "group_id": group }));

    // Removed: one `member.changed` addressed to them (their tabs let the group go), then
    // nothing of the group: not the removal entry, not what is written after it.
    let me = app.user_id("ph.takahashi").await;
    let mut other = app.events(&app.login("ns.tanaka").await, None).await;
    let response = app
        .delete(&sato, &format!("/api/v1/groups/{group}/members/{me}"))
        .await;
    assert_eq!(response.status(), 204);
    create_post(&app, &sato, group, "退出後の投稿").await;
    let frames = member.drain(QUIET).await;
    let names: Vec<&str> = frames.iter().map(|f| f.event.as_str()).collect();
    assert_eq!(names, ["member.changed"]);
    assert_eq!(frames[0].json(), json!({ "group_id": group }));
    // The members who stay get the group's own events once, not the addressed one.
    let names: Vec<String> = other
        .drain(QUIET)
        .await
        .into_iter()
        .map(|f| f.event)
        .collect();
    assert_eq!(names, ["post.created", "member.changed", "post.created"]);
    // Resuming after the removal from an earlier id replays the addressed event too.
    let mut again = app
        .events(
            &takahashi,
            Some(&frames[0].id_num().saturating_sub(1).to_string()),
        )
        .await;
    let replay = again.drain(QUIET).await;
    assert_eq!(
        replay.iter().map(|f| f.event.as_str()).collect::<Vec<_>>(),
        ["member.changed"]
    );
}

#[tokio::test]
async fn an_id_older_than_the_log_gets_a_reset_first() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let mut ids = Vec::new();
    for i in 0..4 {
        create_post(&app, &tanaka, group, format!("古い {i}")).await;
    }
    let all: Vec<i64> = app
        .db
        .column("SELECT id FROM events ORDER BY id", &[])
        .await;
    ids.extend(all);
    // The first two are eight days old and pruned by the maintenance task.
    app.db
        .exec(
            "UPDATE events SET at_ms = $1 WHERE id <= $2",
            &[(now_ms() - 8 * 24 * 3600 * 1000).into(), ids[1].into()],
        )
        .await;
    app.prune().await;
    let oldest: i64 = app.db.scalar("SELECT MIN(id) FROM events", &[]).await;
    assert_eq!(oldest, ids[2]);

    let mut stream = app.events(&tanaka, Some(&(ids[0] - 1).to_string())).await;
    let reset = stream.next_event(WAIT).await.unwrap();
    assert_eq!(reset.event, "reset");
    assert_eq!(reset.json(), json!({ "oldest_id": oldest }));
    assert_eq!(reset.id_num(), *ids.last().unwrap());
    // After the reset the stream continues from now, not with the stored events.
    assert!(stream.drain(QUIET).await.is_empty());
    let post = create_post(&app, &tanaka, group, "リセット後").await;
    assert_eq!(
        post_id(&next_created(&mut stream).await),
        post["id"].as_str().unwrap()
    );

    // An id still covered resumes normally; ids we never gave out reset.
    let mut stream = app.events(&tanaka, Some(&ids[1].to_string())).await;
    let first = stream.next_event(WAIT).await.unwrap();
    assert_eq!(first.event, "post.created");
    assert_eq!(first.id_num(), ids[2]);
    for bad in ["999999", "abc", "-5"] {
        let mut stream = app.events(&tanaka, Some(bad)).await;
        assert_eq!(
            stream.next_event(WAIT).await.unwrap().event,
            "reset",
            "{bad}"
        );
    }
}

#[tokio::test]
async fn heartbeats_flow_and_the_stream_ends_with_the_session() {
    let app = TestApp::start_with(|s| {
        s.sse_heartbeat = Duration::from_millis(200);
    })
    .await;
    let tanaka = app.login("ns.tanaka").await;
    let mut stream = app.events(&tanaka, None).await;
    let frame = stream.next_frame(Duration::from_secs(2)).await.unwrap();
    assert_eq!(frame.event, ":comment");
    assert_eq!(frame.data, "heartbeat");
    let response = app
        .send(
            Method::DELETE,
            Some(&tanaka),
            "/api/v1/sessions/current",
            None,
        )
        .await;
    assert_eq!(response.status(), 204);
    // Within a heartbeat or two the stream closes.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while !stream.ended && tokio::time::Instant::now() < deadline {
        stream.next_frame(Duration::from_millis(300)).await;
    }
    assert!(stream.ended, "the stream outlived its session");

    // Without a token there is no stream at all.
    let response = app
        .client
        .get(app.url("/api/v1/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn an_open_stream_does_not_keep_an_idle_session_alive() {
    let app = TestApp::start_with(|s| {
        s.sse_heartbeat = Duration::from_millis(200);
        s.session_idle_timeout = Duration::from_secs(2);
    })
    .await;
    let tanaka = app.login("ns.tanaka").await;
    let mut stream = app.events(&tanaka, None).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(6);
    let mut heartbeats = 0;
    while !stream.ended && tokio::time::Instant::now() < deadline {
        if stream
            .next_frame(Duration::from_millis(300))
            .await
            .is_some()
        {
            heartbeats += 1;
        }
    }
    assert!(heartbeats >= 3, "{heartbeats}");
    assert!(stream.ended, "the stream kept going past the idle timeout");
    let response = app.get(&tanaka, "/api/v1/me").await;
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "session_expired");
}

/// Writers committing at once (on PostgreSQL in parallel, each on its own connection): every
/// open stream receives each of their events exactly once, ids increasing. A stream reads
/// `id > last` up to the newest announced id, so it would lose an event whose id was assigned
/// before another's but committed after it; ids must become visible in id order.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn events_of_concurrent_writers_reach_every_stream_once_in_order() {
    const WRITERS: usize = 40;
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let mut streams = Vec::new();
    for _ in 0..3 {
        streams.push(app.events(&tanaka, None).await);
    }
    // Each new group's first entry (`group_created`) is a `post.created` for its creator.
    let creates = (0..WRITERS).map(|i| {
        let (app, tanaka) = (&app, &tanaka);
        async move {
            let response = app
                .post_json(
                    tanaka,
                    "/api/v1/groups",
                    &json!({ "kind": "workplace", "name": format!("同時作成 {i}") }),
                )
                .await;
            assert_eq!(response.status(), 201);
            let group: Value = response.json().await.unwrap();
            group["id"].as_str().unwrap().to_owned()
        }
    });
    let mut created = futures_util::future::join_all(creates).await;
    created.sort();
    for stream in &mut streams {
        let mut ids = Vec::new();
        let mut groups = Vec::new();
        while groups.len() < WRITERS {
            let frame = next_created(stream).await;
            ids.push(frame.id_num());
            groups.push(frame.json()["group_id"].as_str().unwrap().to_owned());
        }
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        groups.sort();
        assert_eq!(groups, created);
        let more = stream.drain(QUIET).await;
        assert!(more.iter().all(|f| f.event != "post.created"));
    }
}
