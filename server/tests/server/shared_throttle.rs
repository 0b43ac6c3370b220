//! Two server instances on one PostgreSQL database enforce one login throttle and one
//! family-link throttle: an attacker gains nothing by spreading guesses over the instances.
//! On SQLite there is one process and its throttles live in its memory, so these tests end
//! early there.

use crate::common;

use common::{expect_problem, TestApp, PASSWORD};
use futures_util::future::join_all;
use reqwest::{Client, Response};
use serde_json::json;
use tsunagu_server::config::Settings;
use tsunagu_server::{app, db, listener, AppState};

/// Trusts 127.0.0.1 as a proxy, so each request names its client address.
fn behind_proxy(settings: &mut Settings) {
    settings.trusted_proxies = "127.0.0.1".parse().unwrap();
}

/// Another server instance on the first one's database: its own state (and so its own
/// memory), router and listener, as a second process would have.
struct Instance {
    base: String,
    client: Client,
}

impl Instance {
    async fn beside(first: &TestApp, configure: fn(&mut Settings)) -> Self {
        let database = db::connect(&first.database_url, 5)
            .await
            .expect("second connection");
        let mut settings = Settings::default();
        configure(&mut settings);
        let state = AppState::new(database, settings).await.expect("state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let limits = state.settings.connections;
        tokio::spawn(listener::serve(
            listener,
            app(state),
            limits,
            std::future::pending(),
        ));
        Self {
            base: format!("http://{addr}"),
            client: Client::builder().no_proxy().build().unwrap(),
        }
    }
}

/// Both instances, or `None` on SQLite.
async fn two_instances() -> Option<(TestApp, Instance)> {
    two_instances_with(behind_proxy).await
}

/// Both instances with the same settings, or `None` on SQLite.
async fn two_instances_with(configure: fn(&mut Settings)) -> Option<(TestApp, Instance)> {
    // The servers' errors, shown with a failing test's output.
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    let first = TestApp::start_with(configure).await;
    if !first.db.is_postgres() {
        // One process, one memory: nothing to share.
        return None;
    }
    let second = Instance::beside(&first, configure).await;
    Some((first, second))
}

/// Sends a request to one of the instances, from client address `from`.
async fn post(
    base: &str,
    client: &Client,
    path: &str,
    from: &str,
    body: &serde_json::Value,
) -> Response {
    client
        .post(format!("{base}{path}"))
        .header("x-forwarded-for", from)
        .json(body)
        .send()
        .await
        .unwrap()
}

fn retry_after(response: &Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn failures_spread_over_instances_count_as_one() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let instances = [(&a.base, &a.client), (&b.base, &b.client)];
    let wrong = json!({ "login_id": "ns.tanaka", "password": "guess" });
    // Five wrong passwords, alternating: three on one instance, two on the other …
    for i in 0..5 {
        let (base, client) = instances[i % 2];
        let response = post(base, client, "/api/v1/sessions", "192.0.2.7", &wrong).await;
        assert_eq!(response.status(), 401, "attempt {}", i + 1);
    }
    // … and the sixth is refused whichever instance it reaches, even with the right password.
    for (base, client) in instances {
        let right = json!({ "login_id": "NS.Tanaka", "password": PASSWORD });
        let response = post(base, client, "/api/v1/sessions", "192.0.2.7", &right).await;
        assert!(retry_after(&response) >= 1);
        expect_problem(response, 429, "rate_limited").await;
    }
    // The first refusal of the wait was audited, the one on the other instance not.
    let audited: i64 = a
        .audit_flushed()
        .await
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'session.login_throttled'",
            &[],
        )
        .await;
    assert_eq!(audited, 1);
    // Another address is not slowed down.
    let right = json!({ "login_id": "ns.tanaka", "password": PASSWORD });
    let response = post(&b.base, &b.client, "/api/v1/sessions", "192.0.2.8", &right).await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn concurrent_guesses_over_instances_share_one_allowance() {
    // The wait after the free failures is long, so however slowly the 40 guesses are verified
    // (a loaded machine takes more than the default second), none after the fifth failure is
    // let through.
    let Some((a, b)) = two_instances_with(|settings| {
        behind_proxy(settings);
        settings.login_limit.first_delay = std::time::Duration::from_secs(600);
    })
    .await
    else {
        return;
    };
    let wrong = json!({ "login_id": "dr.sato", "password": "guess" });
    let responses = join_all((0..40).map(|i| {
        let (base, client) = if i % 2 == 0 {
            (&a.base, &a.client)
        } else {
            (&b.base, &b.client)
        };
        post(base, client, "/api/v1/sessions", "198.51.100.7", &wrong)
    }))
    .await;
    let mut verified = 0;
    for response in responses {
        match response.status().as_u16() {
            401 => verified += 1,
            429 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    // Five free failures in all, not five per instance: attempts in flight on one instance
    // count on the other.
    assert!((1..=5).contains(&verified), "{verified} verified");
}

#[tokio::test]
async fn refused_joins_spread_over_instances_count_as_one() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let instances = [(&a.base, &a.client), (&b.base, &b.client)];
    let body = json!({
        "display_name": "山田 次郎",
        "relationship": "child_in_law",
        "login_id": "x.guess",
        "password": "Kazoku-no-Aikotoba-2026",
    });
    // Ten unknown links from one address, alternating instances …
    for i in 0..10 {
        let (base, client) = instances[i % 2];
        let path = format!("/api/v1/join/guess-{i}");
        let response = post(base, client, &path, "192.0.2.9", &body).await;
        expect_problem(response, 404, "invitation_invalid").await;
    }
    // … and the eleventh is refused on either: the limit is per address across instances.
    for (base, client) in instances {
        let response = post(base, client, "/api/v1/join/guess-x", "192.0.2.9", &body).await;
        assert!(retry_after(&response) > 800);
        expect_problem(response, 429, "rate_limited").await;
    }
    // Per link too: ten refusals of one link, from ten addresses over both instances.
    for i in 0..10 {
        let (base, client) = instances[i % 2];
        let from = format!("203.0.113.{i}");
        let response = post(base, client, "/api/v1/join/one-link", &from, &body).await;
        expect_problem(response, 404, "invitation_invalid").await;
    }
    for (base, client) in instances {
        let response = post(base, client, "/api/v1/join/one-link", "203.0.113.99", &body).await;
        expect_problem(response, 429, "rate_limited").await;
    }
}

#[tokio::test]
async fn pruning_keeps_what_still_restricts() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let wrong = json!({ "login_id": "cm.suzuki", "password": "guess" });
    for _ in 0..5 {
        let response = post(&a.base, &a.client, "/api/v1/sessions", "192.0.2.5", &wrong).await;
        assert_eq!(response.status(), 401);
    }
    // A correct login elsewhere leaves nothing counted for its pair.
    let right = json!({ "login_id": "dr.sato", "password": PASSWORD });
    let response = post(&b.base, &b.client, "/api/v1/sessions", "192.0.2.6", &right).await;
    assert_eq!(response.status(), 201);
    let keys: Vec<String> =
        a.db.column("SELECT key FROM throttles ORDER BY key", &[])
            .await;
    // The login ID by hash: a password typed into its field must not be stored.
    let suzuki = tsunagu_server::token::hash("cm.suzuki");
    assert_eq!(
        keys,
        [
            format!("account:{suzuki}"),
            "address:192.0.2.5".to_owned(),
            format!("pair:192.0.2.5 {suzuki}")
        ]
    );
    a.state.throttles.prune().await.unwrap();
    let response = post(&b.base, &b.client, "/api/v1/sessions", "192.0.2.5", &wrong).await;
    expect_problem(response, 429, "rate_limited").await;
    // Entries whose time has passed go.
    a.db.exec("UPDATE throttles SET expires_at_ms = 0", &[])
        .await;
    a.state.throttles.prune().await.unwrap();
    let left: i64 = a.db.scalar("SELECT COUNT(*) FROM throttles", &[]).await;
    assert_eq!(left, 0);
}

#[tokio::test]
async fn attempts_left_unresolved_stop_counting() {
    let Some((a, _b)) = two_instances().await else {
        return;
    };
    let from = Some("192.0.2.3".parse().unwrap());
    let reserve = || async {
        a.state
            .throttles
            .check_login("ns.tanaka", from)
            .await
            .expect("database")
    };
    // Dropped unresolved (say, the handler failed): released in the background.
    drop(reserve().await.expect("allowed"));
    let mut left: i64 = 1;
    for _ in 0..50 {
        left = a.db.scalar("SELECT COUNT(*) FROM throttles", &[]).await;
        if left == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(left, 0, "released");

    // Five attempts of an instance that dies before resolving them …
    for _ in 0..5 {
        std::mem::forget(reserve().await.expect("allowed"));
    }
    let refused = reserve().await.err().expect("refused while in flight");
    assert!(refused.retry_after.as_secs() >= 1);
    // … count until they are a minute old.
    let rows: Vec<(String, String)> = a.db.rows("SELECT key, state FROM throttles", &[]).await;
    for (key, state) in rows {
        let mut state: serde_json::Value = serde_json::from_str(&state).unwrap();
        for at in state["in_flight"].as_array_mut().unwrap() {
            *at = json!(at.as_i64().unwrap() - 61_000);
        }
        a.db.exec(
            "UPDATE throttles SET state = $1 WHERE key = $2",
            &[state.to_string().into(), key.into()],
        )
        .await;
    }
    reserve()
        .await
        .expect("abandoned attempts no longer count")
        .succeeded()
        .await
        .unwrap();
}
