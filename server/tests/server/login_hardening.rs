//! Login under attack: concurrent guesses, lock-outs by strangers, a bound on password hashing,
//! and family links used as an oracle of login IDs.

use crate::common;

use std::time::Duration;

use common::{expect_problem, TestApp, PASSWORD, YAMADA};
use futures_util::future::join_all;
use serde_json::{json, Value};

/// Behind a trusted proxy on 127.0.0.1, so each request can name its client address.
async fn behind_proxy() -> TestApp {
    TestApp::start_with(|s| s.trusted_proxies = "127.0.0.1".parse().unwrap()).await
}

async fn login_from(
    app: &TestApp,
    address: &str,
    login_id: &str,
    password: &str,
) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/sessions"))
        .header("x-forwarded-for", address)
        .json(&json!({ "login_id": login_id, "password": password }))
        .send()
        .await
        .unwrap()
}

/// Audit rows of an action: (user_id, client_ip, group_id, target_id).
async fn audit_rows(
    app: &TestApp,
    action: &str,
) -> Vec<(
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
)> {
    app.audit_flushed()
        .await
        .rows(
            "SELECT CAST(user_id AS TEXT), client_ip, CAST(group_id AS TEXT),
                    CAST(target_id AS TEXT)
             FROM audit_log WHERE action = $1 ORDER BY id",
            &[action.into()],
        )
        .await
}

fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn concurrent_wrong_passwords_are_not_all_verified() {
    let app = TestApp::start().await;
    let responses = join_all((0..40).map(|_| app.login_response("ns.tanaka", "guess"))).await;
    let mut rejected = 0;
    let mut throttled = 0;
    for response in responses {
        match response.status().as_u16() {
            401 => rejected += 1,
            429 => {
                assert!(retry_after(&response) >= 1);
                expect_problem(response, 429, "rate_limited").await;
                throttled += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    // The allowance is five failures: the others were refused before Argon2 ran.
    assert!((1..=5).contains(&rejected), "{rejected} verified");
    assert_eq!(rejected + throttled, 40);

    let tanaka = app.user_id("ns.tanaka").await.to_string();
    let failed = audit_rows(&app, "session.login_failed").await;
    assert_eq!(failed.len(), rejected);
    let refused = audit_rows(&app, "session.login_throttled").await;
    assert!(!refused.is_empty(), "throttled attempts are audited");
    // The first refusal of a wait is logged, not each one (the log must not be floodable).
    assert!(refused.len() < throttled, "{} rows", refused.len());
    for (user, ip, _, _) in refused {
        assert_eq!(user.as_deref(), Some(tanaka.as_str()));
        assert_eq!(ip.as_deref(), Some("127.0.0.1"));
    }
}

#[tokio::test]
async fn a_stranger_cannot_lock_the_real_user_out() {
    let app = behind_proxy().await;
    // A stranger hammers the physician's login ID from one address …
    let mut refused = 0;
    for _ in 0..30 {
        let response = login_from(&app, "198.51.100.7", "dr.sato", "guess").await;
        match response.status().as_u16() {
            401 => {}
            429 => refused += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(refused >= 24, "{refused}");
    // … and from many more, putting the whole account under pressure.
    for i in 1..=25 {
        let from = format!("203.0.113.{i}");
        let response = login_from(&app, &from, "dr.sato", "guess").await;
        assert_eq!(response.status(), 401);
    }
    // The physician, from their own address, gets in at once.
    let response = login_from(&app, "192.0.2.10", "dr.sato", PASSWORD).await;
    assert_eq!(response.status(), 201);
    // Still refused: the stranger.
    let response = login_from(&app, "198.51.100.7", "dr.sato", PASSWORD).await;
    expect_problem(response, 429, "rate_limited").await;

    let sato = app.user_id("dr.sato").await.to_string();
    let throttled = audit_rows(&app, "session.login_throttled").await;
    assert!(!throttled.is_empty());
    for (user, ip, _, _) in throttled {
        assert_eq!(user.as_deref(), Some(sato.as_str()));
        assert_eq!(ip.as_deref(), Some("198.51.100.7"));
    }
}

#[tokio::test]
async fn a_typo_behind_a_shared_address_blocks_nobody_else() {
    let app = behind_proxy().await;
    // One nurse at a facility NAT mistypes until she is slowed down …
    for _ in 0..5 {
        let response = login_from(&app, "192.0.2.1", "ns.tanaka", "typo").await;
        assert_eq!(response.status(), 401);
    }
    let response = login_from(&app, "192.0.2.1", "ns.tanaka", PASSWORD).await;
    expect_problem(response, 429, "rate_limited").await;
    // … her colleagues behind the same address log in as usual.
    for login_id in ["dr.sato", "cm.suzuki"] {
        let response = login_from(&app, "192.0.2.1", login_id, PASSWORD).await;
        assert_eq!(response.status(), 201, "{login_id}");
    }
}

#[tokio::test]
async fn concurrent_password_checks_are_bounded() {
    let app = TestApp::start_with(|s| {
        s.trusted_proxies = "127.0.0.1".parse().unwrap();
        s.max_concurrent_hashes = 1;
        s.hash_wait = Duration::from_millis(50);
    })
    .await;
    // Correct passwords, each from an address of its own: the bound is about the server's
    // memory, not about guessing.
    let addresses: Vec<String> = (1..=20).map(|i| format!("192.0.2.{i}")).collect();
    let responses = join_all(
        addresses
            .iter()
            .map(|from| login_from(&app, from, "dr.sato", PASSWORD)),
    )
    .await;
    let mut ok = 0;
    let mut busy = 0;
    for response in responses {
        match response.status().as_u16() {
            201 => ok += 1,
            429 => {
                assert_eq!(retry_after(&response), 1);
                expect_problem(response, 429, "rate_limited").await;
                busy += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(ok >= 1 && busy >= 1, "{ok} logged in, {busy} refused");
    assert_eq!(app.state.hashing.peak_in_flight(), 1);
    assert_eq!(app.state.hashing.in_flight(), 0);
    assert!(!audit_rows(&app, "session.login_busy").await.is_empty());
    assert!(audit_rows(&app, "session.login_throttled").await.is_empty());
    // Refused as busy is no failure: nobody is slowed down afterwards.
    for from in &addresses {
        let response = login_from(&app, from, "dr.sato", PASSWORD).await;
        assert_eq!(response.status(), 201);
    }
}

#[tokio::test]
async fn a_family_link_is_no_unlimited_oracle_of_login_ids() {
    let app = behind_proxy().await;
    let dr = app.login("dr.sato").await;
    let group = app.group_id(YAMADA).await;
    let link: Value = app
        .post_json(
            &dr,
            &format!("/api/v1/groups/{group}/invitation-links"),
            &json!({ "kind": "family" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let token = link["token"].as_str().unwrap().to_owned();
    let link_id = link["invitation"]["id"].as_str().unwrap().to_owned();
    let join = |from: &'static str, login_id: &str| {
        app.client
            .post(app.url(&format!("/api/v1/join/{token}")))
            .header("x-forwarded-for", from)
            .json(&json!({
                "display_name": "山田 次郎",
                "relationship": "child_in_law",
                "login_id": login_id,
                "password": "Kazoku-no-Aikotoba-2026",
            }))
            .send()
    };
    // Each 409 says that a login ID exists …
    for login_id in ["dr.sato", "NS.TANAKA", "cm.suzuki"]
        .iter()
        .cycle()
        .take(10)
    {
        let response = join("198.51.100.7", login_id).await.unwrap();
        expect_problem(response, 409, "login_id_taken").await;
    }
    // … so after ten the link answers 429, from any address: the limit is per link too.
    for from in ["198.51.100.7", "192.0.2.44"] {
        let response = join(from, "someone.new").await.unwrap();
        assert!(retry_after(&response) > 800);
        expect_problem(response, 429, "rate_limited").await;
    }
    let refused = audit_rows(&app, "join.refused").await;
    assert_eq!(refused.len(), 10);
    for (user, ip, group_id, target) in refused {
        assert_eq!(user, None);
        assert_eq!(ip.as_deref(), Some("198.51.100.7"));
        assert_eq!(group_id, Some(group.to_string()));
        assert_eq!(target.as_deref(), Some(link_id.as_str()));
    }
    // Never consumed: the link is still open.
    let response = app
        .client
        .get(app.url(&format!("/api/v1/join/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
