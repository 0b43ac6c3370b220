//! Two-factor login: enrolment with the password and a first code, login with a one-time code
//! (each time step once, even when two logins race with it) or a recovery code (each once).

use crate::common;

use common::{expect_problem, TestApp, PASSWORD};
use serde_json::{json, Value};
use tsunagu_server::two_factor::code_at;

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn login(app: &TestApp, code: Option<&str>) -> reqwest::Response {
    let mut body = json!({ "login_id": "ns.tanaka", "password": PASSWORD });
    if let Some(code) = code {
        body["code"] = json!(code);
    }
    app.client
        .post(app.url("/api/v1/sessions"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Enrols ns.tanaka; returns the secret, the recovery codes and when the first code was made.
async fn enrol(app: &TestApp, token: &str) -> (String, Vec<String>, u64) {
    let started: Value = app
        .post_json(
            token,
            "/api/v1/me/two-factor",
            &json!({ "password": PASSWORD }),
        )
        .await
        .json()
        .await
        .unwrap();
    let secret = started["secret"].as_str().unwrap().to_owned();
    let at = now_secs();
    let confirmed = app
        .post_json(
            token,
            "/api/v1/me/two-factor/confirm",
            &json!({ "code": code_at(&secret, at).unwrap() }),
        )
        .await;
    assert_eq!(confirmed.status(), 200);
    let codes: Value = confirmed.json().await.unwrap();
    let codes = codes["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (secret, codes, at)
}

#[tokio::test]
async fn enrolment_needs_the_password_and_a_working_code() {
    let app = TestApp::start().await;
    let token = app.login("ns.tanaka").await;
    let wrong = app
        .post_json(
            &token,
            "/api/v1/me/two-factor",
            &json!({ "password": "nope" }),
        )
        .await;
    let problem = expect_problem(wrong, 422, "invalid_credentials").await;
    assert_eq!(problem["errors"][0]["field"], "password");

    let started = app
        .post_json(
            &token,
            "/api/v1/me/two-factor",
            &json!({ "password": PASSWORD }),
        )
        .await;
    assert_eq!(started.status(), 200);
    let started: Value = started.json().await.unwrap();
    let secret = started["secret"].as_str().unwrap();
    assert!(started["otpauth_uri"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/Tsunagu:ns.tanaka?"));
    assert!(started["qr_svg"].as_str().unwrap().contains("<svg"));
    // Not on until confirmed: a login still needs no code.
    assert_eq!(login(&app, None).await.status(), 201);
    let me: Value = app.get(&token, "/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["two_factor"], false);

    let bad = app
        .post_json(
            &token,
            "/api/v1/me/two-factor/confirm",
            &json!({ "code": "000000" }),
        )
        .await;
    let problem = expect_problem(bad, 422, "invalid_two_factor_code").await;
    assert_eq!(problem["errors"][0]["field"], "code");

    let ok = app
        .post_json(
            &token,
            "/api/v1/me/two-factor/confirm",
            &json!({ "code": code_at(secret, now_secs()).unwrap() }),
        )
        .await;
    assert_eq!(ok.status(), 200);
    let me: Value = app.get(&token, "/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["two_factor"], true);
    // Once on, it cannot be started over (a reset is another step).
    let again = app
        .post_json(
            &token,
            "/api/v1/me/two-factor",
            &json!({ "password": PASSWORD }),
        )
        .await;
    expect_problem(again, 409, "two_factor_enabled").await;
}

#[tokio::test]
async fn a_code_logs_in_once_and_a_replay_is_refused() {
    let app = TestApp::start().await;
    let token = app.login("ns.tanaka").await;
    let (secret, _, at) = enrol(&app, &token).await;

    let missing = login(&app, None).await;
    assert_eq!(
        missing.headers()["www-authenticate"],
        "Bearer realm=\"tsunagu\""
    );
    expect_problem(missing, 401, "two_factor_required").await;
    // The code that confirmed the enrolment has been used.
    let confirm_code = code_at(&secret, at).unwrap();
    expect_problem(
        login(&app, Some(&confirm_code)).await,
        401,
        "invalid_two_factor_code",
    )
    .await;
    expect_problem(
        login(&app, Some("123456")).await,
        401,
        "invalid_two_factor_code",
    )
    .await;

    // The next step's code, by two logins at once: one session, one refusal.
    let next = code_at(&secret, at + 30).unwrap();
    let (a, b) = tokio::join!(login(&app, Some(&next)), login(&app, Some(&next)));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 401]);
    expect_problem(
        login(&app, Some(&next)).await,
        401,
        "invalid_two_factor_code",
    )
    .await;

    let rows: Vec<String> = app
        .audit_flushed()
        .await
        .column(
            "SELECT action FROM audit_log WHERE action LIKE 'two_factor.%' ORDER BY id",
            &[],
        )
        .await;
    assert_eq!(rows, ["two_factor.enrol", "two_factor.enable"]);
}

#[tokio::test]
async fn each_recovery_code_logs_in_once() {
    let app = TestApp::start().await;
    let token = app.login("ns.tanaka").await;
    let (_, codes, _) = enrol(&app, &token).await;
    assert_eq!(codes.len(), 10);

    // Typed as on paper, upper case with spaces: still the code.
    let typed = codes[3].to_uppercase().replace('-', " ");
    let ok = login(&app, Some(&typed)).await;
    assert_eq!(ok.status(), 201);
    expect_problem(
        login(&app, Some(&codes[3])).await,
        401,
        "invalid_two_factor_code",
    )
    .await;
    expect_problem(
        login(&app, Some("zzzz-zzzz-zzzz")).await,
        401,
        "invalid_two_factor_code",
    )
    .await;
    assert_eq!(login(&app, Some(&codes[4])).await.status(), 201);

    let used: i64 = app
        .audit_flushed()
        .await
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'two_factor.recovery_used'",
            &[],
        )
        .await;
    assert_eq!(used, 2);
}

#[tokio::test]
async fn a_device_is_remembered_for_the_code_only_when_the_operator_allows_it() {
    let app = TestApp::start().await;
    let token = app.login("ns.tanaka").await;
    let (secret, recovery, at) = enrol(&app, &token).await;
    let remembered = |code: String| {
        app.client
            .post(app.url("/api/v1/sessions"))
            .json(
                &json!({ "login_id": "ns.tanaka", "password": PASSWORD, "code": code,
                           "remember_device": true }),
            )
            .send()
    };
    // Not allowed: the request to remember is ignored.
    let session: Value = remembered(code_at(&secret, at + 30).unwrap())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(session.get("device_token").is_none(), "{session}");
    let meta: Value = app
        .client
        .get(app.url("/api/v1/meta"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(meta["remember_device_days"], 0);

    let operator = app.login("op.ishikai").await;
    let allowed = app
        .put_json(
            &operator,
            "/api/v1/settings",
            &json!({ "remember_device": true, "idle_lock_minutes": 15 }),
        )
        .await;
    assert_eq!(allowed.status(), 200);
    // (A recovery code: the next one-time code is only valid in 30 s.)
    let session: Value = remembered(recovery[0].clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let device = session["device_token"].as_str().unwrap().to_owned();
    let with_device = |device: &str| {
        app.client
            .post(app.url("/api/v1/sessions"))
            .json(&json!({ "login_id": "ns.tanaka", "password": PASSWORD,
                           "device_token": device }))
            .send()
    };
    // The remembered device logs in with the password alone; any other token does not.
    assert_eq!(with_device(&device).await.unwrap().status(), 201);
    expect_problem(
        with_device("not-a-device").await.unwrap(),
        401,
        "two_factor_required",
    )
    .await;
    // The device never stands in for the password.
    let wrong = app
        .client
        .post(app.url("/api/v1/sessions"))
        .json(
            &json!({ "login_id": "ns.tanaka", "password": "wrong-password-1",
                       "device_token": device }),
        )
        .send()
        .await
        .unwrap();
    expect_problem(wrong, 401, "invalid_credentials").await;
    // The operator withdraws the permission: the code is asked again.
    app.put_json(
        &operator,
        "/api/v1/settings",
        &json!({ "remember_device": false, "idle_lock_minutes": 15 }),
    )
    .await;
    expect_problem(
        with_device(&device).await.unwrap(),
        401,
        "two_factor_required",
    )
    .await;
}
