//! Connections and streams over real sockets: a client sending half a request (or nothing) is
//! cut off by the header-read timeout, the connection limit makes further clients wait rather
//! than fail, slow bodies and slow handlers are answered by the request timeout (event streams
//! are not), and event streams are capped per session and per user and end at once on logout
//! or when the account is disabled.

use crate::common;

use std::time::Duration;

use common::{create_post, EventStream, FrameExt, TestApp, YAMADA};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{timeout, Instant};

const WAIT: Duration = Duration::from_secs(5);

/// Reads until the server closes the connection; `None` if it is still open after `wait`.
async fn read_until_closed(socket: &mut TcpStream, wait: Duration) -> Option<String> {
    let mut received = Vec::new();
    match timeout(wait, socket.read_to_end(&mut received)).await {
        Ok(_) => Some(String::from_utf8_lossy(&received).into_owned()),
        Err(_) => None,
    }
}

/// Reads the first response on `socket` up to the end of its headers; `None` if none came
/// within `wait`.
async fn read_response(socket: &mut TcpStream, wait: Duration) -> Option<String> {
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + wait;
    loop {
        let text = String::from_utf8_lossy(&received).into_owned();
        if text.contains("\r\n\r\n") {
            return Some(text);
        }
        match tokio::time::timeout_at(deadline, socket.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (!received.is_empty()).then_some(text),
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
            Err(_) => return None,
        }
    }
}

fn meta_request(app: &TestApp) -> String {
    format!(
        "GET /api/v1/meta HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        app.addr
    )
}

/// Waits until `stream` ends; panics if it is still open after `wait`.
async fn assert_ends(stream: &mut EventStream, wait: Duration, what: &str) {
    let deadline = Instant::now() + wait;
    while !stream.ended && Instant::now() < deadline {
        stream.next_frame(Duration::from_millis(100)).await;
    }
    assert!(stream.ended, "{what}: the stream is still open");
}

/// The next `post.created`, skipping other events.
async fn next_post_created(stream: &mut EventStream) -> Value {
    loop {
        let frame = stream.next_event(WAIT).await.expect("an event");
        if frame.event == "post.created" {
            return frame.json();
        }
    }
}

#[tokio::test]
async fn half_sent_and_silent_connections_are_closed_at_the_header_timeout() {
    let app =
        TestApp::start_with(|s| s.connections.header_read_timeout = Duration::from_secs(1)).await;
    let mut half = TcpStream::connect(app.addr).await.unwrap();
    half.write_all(format!("GET /api/v1/meta HTTP/1.1\r\nHost: {}\r\n", app.addr).as_bytes())
        .await
        .unwrap();
    let mut silent = TcpStream::connect(app.addr).await.unwrap();
    let started = Instant::now();
    assert!(
        read_until_closed(&mut half, WAIT).await.is_some(),
        "a half-sent request kept its connection"
    );
    assert!(
        read_until_closed(&mut silent, WAIT).await.is_some(),
        "a silent connection was kept"
    );
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(800), "{elapsed:?}");

    // A complete request is answered as before.
    let mut client = TcpStream::connect(app.addr).await.unwrap();
    client
        .write_all(meta_request(&app).as_bytes())
        .await
        .unwrap();
    let response = read_until_closed(&mut client, WAIT).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}

#[tokio::test]
async fn idle_sockets_filling_the_connection_limit_do_not_lock_clients_out() {
    let app = TestApp::start_with(|s| {
        s.connections.max_connections = 2;
        s.connections.header_read_timeout = Duration::from_secs(1);
    })
    .await;
    let mut idle = [
        TcpStream::connect(app.addr).await.unwrap(),
        TcpStream::connect(app.addr).await.unwrap(),
    ];
    // Served once the idle ones have timed out, not never.
    let response = timeout(WAIT, app.client.get(app.url("/api/v1/meta")).send())
        .await
        .expect("a client was locked out by idle sockets")
        .unwrap();
    assert_eq!(response.status(), 200);
    // The server closed the idle ones to make room.
    for socket in &mut idle {
        assert!(
            read_until_closed(socket, Duration::from_millis(200))
                .await
                .is_some(),
            "an idle socket is still open"
        );
    }
}

#[tokio::test]
async fn beyond_the_connection_limit_a_client_waits_for_a_free_slot() {
    let app = TestApp::start_with(|s| {
        s.connections.max_connections = 2;
        s.connections.header_read_timeout = Duration::from_secs(60);
    })
    .await;
    let first = TcpStream::connect(app.addr).await.unwrap();
    let _second = TcpStream::connect(app.addr).await.unwrap();
    let mut third = TcpStream::connect(app.addr).await.unwrap();
    third
        .write_all(meta_request(&app).as_bytes())
        .await
        .unwrap();
    assert_eq!(
        read_response(&mut third, Duration::from_millis(700)).await,
        None,
        "a third connection was served with a limit of two"
    );
    drop(first);
    let response = read_response(&mut third, WAIT)
        .await
        .expect("served once a slot was free");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_is_answered_408() {
    let app = TestApp::start_with(|s| s.request_timeout = Duration::from_secs(1)).await;
    let mut socket = TcpStream::connect(app.addr).await.unwrap();
    socket
        .write_all(
            format!(
                "POST /api/v1/sessions HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
                 Content-Length: 100\r\n\r\n{{\"login_id\":",
                app.addr
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let started = Instant::now();
    let response = read_until_closed(&mut socket, WAIT)
        .await
        .expect("the connection stayed open");
    assert!(started.elapsed() >= Duration::from_millis(800));
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    let lower = response.to_ascii_lowercase();
    assert!(
        lower.contains("content-type: application/problem+json"),
        "{response}"
    );
    assert!(lower.contains("connection: close"), "{response}");
    let body: Value = serde_json::from_str(response.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["status"], 408);
    assert_eq!(body["code"], "malformed_request");
}

#[tokio::test]
async fn a_handler_that_does_not_answer_in_time_is_503_and_still_completes() {
    let app = TestApp::start_with(|s| s.request_timeout = Duration::from_secs(3)).await;
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let before = app.post_count(group).await;
    // Holding writes back keeps the post waiting past the timeout.
    let held = app.db.hold_post_writes().await;
    let response = app
        .post_json(
            &tanaka,
            &format!("/api/v1/groups/{group}/posts"),
            &json!({ "body": "遅い書き込み" }),
        )
        .await;
    let body = common::expect_problem(response, 503, "internal_error").await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("may still take effect"),
        "{body}"
    );
    drop(held);
    // The handler was not cancelled: the post is written once the connection is free.
    let deadline = Instant::now() + WAIT;
    while app.post_count(group).await == before {
        assert!(Instant::now() < deadline, "the timed-out post was lost");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.post_count(group).await, before + 1);
}

#[tokio::test]
async fn event_streams_outlive_the_request_timeout() {
    let app = TestApp::start_with(|s| s.request_timeout = Duration::from_secs(1)).await;
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let mut stream = app.events(&tanaka, None).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let post = create_post(&app, &tanaka, group, "まだ届く").await;
    assert_eq!(next_post_created(&mut stream).await["id"], post["id"]);
}

#[tokio::test]
async fn streams_over_the_session_and_user_caps_close_the_oldest() {
    let app = TestApp::start_with(|s| {
        s.stream_caps.per_session = 2;
        s.stream_caps.per_user = 3;
    })
    .await;
    let group = app.group_id(YAMADA).await;
    let first_session = app.login("ns.tanaka").await;
    let mut oldest = app.events(&first_session, None).await;
    let mut second = app.events(&first_session, None).await;
    let mut third = app.events(&first_session, None).await;
    assert_ends(&mut oldest, Duration::from_secs(1), "the session's oldest").await;
    assert_eq!(app.live.open_streams(), 2);

    // Another session of the same user: the user's cap of three is reached, not passed.
    let other_session = app.login("ns.tanaka").await;
    let mut fourth = app.events(&other_session, None).await;
    assert_eq!(app.live.open_streams(), 3);
    // One more: the user's oldest (of the first session) ends.
    let mut fifth = app.events(&other_session, None).await;
    assert_ends(&mut second, Duration::from_secs(1), "the user's oldest").await;
    assert_eq!(app.live.open_streams(), 3);

    // The streams that remain deliver; another user's are not affected by the caps.
    let sato = app.login("dr.sato").await;
    let mut others = app.events(&sato, None).await;
    let post = create_post(&app, &sato, group, "上限のテスト").await;
    for stream in [&mut third, &mut fourth, &mut fifth, &mut others] {
        assert_eq!(next_post_created(stream).await["id"], post["id"]);
    }
}

#[tokio::test]
async fn logout_ends_that_sessions_streams_at_once() {
    // The default 15 s heartbeat: the stream must not wait for it.
    let app = TestApp::start().await;
    let group = app.group_id(YAMADA).await;
    let leaving = app.login("ns.tanaka").await;
    let staying = app.login("ns.tanaka").await;
    let mut ended = app.events(&leaving, None).await;
    let mut kept = app.events(&staying, None).await;
    let response = app
        .send(
            Method::DELETE,
            Some(&leaving),
            "/api/v1/sessions/current",
            None,
        )
        .await;
    assert_eq!(response.status(), 204);
    assert_ends(&mut ended, Duration::from_secs(1), "after logout").await;
    // The user's other session keeps its stream.
    let post = create_post(&app, &staying, group, "ログアウト後").await;
    assert_eq!(next_post_created(&mut kept).await["id"], post["id"]);
}

#[tokio::test]
async fn a_disabled_account_receives_nothing_more() {
    let app = TestApp::start().await;
    let group = app.group_id(YAMADA).await;
    let tanaka = app.login("ns.tanaka").await;
    let sato = app.login("dr.sato").await;
    let mut stream = app.events(&tanaka, None).await;
    // Disabled outside the API (there is no endpoint for it yet).
    app.db
        .exec(
            "UPDATE users SET disabled = TRUE WHERE login_id = 'ns.tanaka'",
            &[],
        )
        .await;
    create_post(&app, &sato, group, "停止後の投稿").await;
    // Not delivered, and the stream ends at this event rather than at the next heartbeat.
    let mut delivered = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(2);
    while !stream.ended && Instant::now() < deadline {
        if let Some(frame) = stream.next_event(Duration::from_millis(100)).await {
            delivered.push(frame.event);
        }
    }
    assert_eq!(delivered, Vec::<String>::new());
    assert!(stream.ended, "the disabled account's stream stayed open");
}
