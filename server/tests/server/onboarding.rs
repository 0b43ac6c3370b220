//! Onboarding without paper: a facility applies with the pledge, the operator approves, the
//! representative activates (password, two-factor login) and logs in; facility admins add,
//! reset and offboard their staff; the operator's two-factor policy is enforced at login.

use crate::common;

use common::{expect_problem, TestApp, PASSWORD};
use serde_json::{json, Value};
use tsunagu_server::two_factor::code_at;
use uuid::Uuid;

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A password that passes the rule without two-factor login (13+ of mixed kinds).
const NEW_PASSWORD: &str = "Minato-Station-2026";

fn form(login_id: &str, pledge_version: u64) -> Value {
    json!({
        "facility_name": "みなと訪問看護ステーション",
        "facility_name_kana": "ミナトホウモンカンゴステーション",
        "facility_kind": "home_nursing_station",
        "address": "東京都港区芝1-2-3",
        "representative_name": "港 花子",
        "representative_name_kana": "みなと はなこ",
        "representative_profession": "nurse",
        "login_id": login_id,
        "phone": "03-1234-5678",
        "email": "office@minato.example.jp",
        "pledge_version": pledge_version,
    })
}

async fn public_post(app: &TestApp, path: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn public_get(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).send().await.unwrap()
}

async fn pledge_version(app: &TestApp) -> u64 {
    let pledge: Value = public_get(app, "/api/v1/pledge")
        .await
        .json()
        .await
        .unwrap();
    assert!(pledge["text"].as_str().unwrap().contains("連携守秘誓約書"));
    pledge["version"].as_u64().unwrap()
}

/// How many applications wait, as the operator's console asks.
async fn pending_count(app: &TestApp, operator: &str) -> u64 {
    let reply = app.get(operator, "/api/v1/applications/pending").await;
    assert_eq!(reply.status(), 200);
    let body: Value = reply.json().await.unwrap();
    body["count"].as_u64().unwrap()
}

/// Applies and has the operator approve; returns the activation token and the new facility.
async fn apply_and_approve(app: &TestApp, operator: &str, login_id: &str) -> (String, Uuid) {
    let version = pledge_version(app).await;
    let waiting = pending_count(app, operator).await;
    let submitted = public_post(app, "/api/v1/applications", &form(login_id, version)).await;
    assert_eq!(submitted.status(), 201);
    // The console's count tells the operator a new application arrived.
    assert_eq!(pending_count(app, operator).await, waiting + 1);
    let receipt: Value = submitted.json().await.unwrap();
    let id = receipt["id"].as_str().unwrap();
    let approved = app
        .post_json(
            operator,
            &format!("/api/v1/applications/{id}/approval"),
            &json!({}),
        )
        .await;
    assert_eq!(approved.status(), 201);
    assert_eq!(pending_count(app, operator).await, waiting);
    let approval: Value = approved.json().await.unwrap();
    assert_eq!(approval["activation"]["login_id"], login_id);
    (
        approval["activation"]["token"].as_str().unwrap().to_owned(),
        approval["facility"]["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap(),
    )
}

#[tokio::test]
async fn a_facility_goes_from_application_to_a_logged_in_administrator_with_two_factor() {
    let app = TestApp::start().await;
    let operator = app.login("op.ishikai").await;
    let (token, facility) = apply_and_approve(&app, &operator, "minato.hanako").await;

    // The application is on record as approved, with who decided and the facility.
    let list: Value = app
        .get(&operator, "/api/v1/applications")
        .await
        .json()
        .await
        .unwrap();
    let first = &list["items"][0];
    assert_eq!(first["status"], "approved");
    assert_eq!(first["decided_by"], "石井 事務局");
    assert_eq!(first["facility"]["id"], facility.to_string());
    assert_eq!(
        first["form"]["facility_name_kana"],
        "みなとほうもんかんごすてーしょん"
    );

    // Before activation the account cannot log in, not even with a guessed password.
    expect_problem(
        app.login_response("minato.hanako", "!").await,
        401,
        "invalid_credentials",
    )
    .await;

    let info: Value = public_get(&app, &format!("/api/v1/activation/{token}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(info["login_id"], "minato.hanako");
    assert_eq!(info["facility"]["id"], facility.to_string());
    assert_eq!(info["two_factor_required"], false);
    let version = info["pledge"]["version"].as_u64().unwrap();

    let enrolment: Value = public_post(
        &app,
        &format!("/api/v1/activation/{token}/two-factor"),
        &json!({}),
    )
    .await
    .json()
    .await
    .unwrap();
    let secret = enrolment["secret"].as_str().unwrap().to_owned();
    assert!(enrolment["qr_svg"].as_str().unwrap().contains("<svg"));

    // A wrong code loses nothing: the link stays open.
    let wrong = public_post(
        &app,
        &format!("/api/v1/activation/{token}"),
        &json!({ "password": "Short-pw1", "pledge_version": version, "code": "000000" }),
    )
    .await;
    let problem = expect_problem(wrong, 422, "invalid_two_factor_code").await;
    assert_eq!(problem["errors"][0]["field"], "code");

    // With two-factor login 8 characters suffice (MHLW 6.0).
    let at = now_secs();
    let activated = public_post(
        &app,
        &format!("/api/v1/activation/{token}"),
        &json!({
            "password": "Short-pw1",
            "pledge_version": version,
            "code": code_at(&secret, at).unwrap(),
        }),
    )
    .await;
    assert_eq!(activated.status(), 201);
    let activated: Value = activated.json().await.unwrap();
    assert_eq!(activated["recovery_codes"].as_array().unwrap().len(), 10);
    assert_eq!(activated["session"]["user"]["is_facility_admin"], true);
    assert_eq!(activated["session"]["user"]["two_factor"], true);
    let session = activated["session"]["token"].as_str().unwrap();
    assert_eq!(app.get(session, "/api/v1/me").await.status(), 200);

    // Single use.
    expect_problem(
        public_get(&app, &format!("/api/v1/activation/{token}")).await,
        404,
        "activation_invalid",
    )
    .await;
    expect_problem(
        public_post(
            &app,
            &format!("/api/v1/activation/{token}"),
            &json!({ "password": NEW_PASSWORD, "pledge_version": version }),
        )
        .await,
        404,
        "activation_invalid",
    )
    .await;

    // Logging in needs the code; the activation's code is not accepted a second time.
    expect_problem(
        app.login_response("minato.hanako", "Short-pw1").await,
        401,
        "two_factor_required",
    )
    .await;
    let replay = app
        .client
        .post(app.url("/api/v1/sessions"))
        .json(
            &json!({ "login_id": "minato.hanako", "password": "Short-pw1",
                       "code": code_at(&secret, at).unwrap() }),
        )
        .send()
        .await
        .unwrap();
    expect_problem(replay, 401, "invalid_two_factor_code").await;

    // The pledge accepted is on record with its version, and so is every step.
    let db = app.audit_flushed().await;
    let accepted: i64 = db
        .scalar(
            "SELECT CAST(pledge_version AS BIGINT) FROM users WHERE login_id = 'minato.hanako'",
            &[],
        )
        .await;
    assert_eq!(accepted as u64, version);
    let actions: Vec<String> = db
        .column(
            "SELECT action FROM audit_log WHERE action IN ('application.submit',
                 'application.approve', 'activation.issue', 'activation.read',
                 'account.activate', 'two_factor.enable') ORDER BY id",
            &[],
        )
        .await;
    assert_eq!(
        actions,
        [
            "application.submit",
            "application.approve",
            "activation.issue",
            "activation.read",
            "account.activate",
            "two_factor.enable"
        ]
    );
}

#[tokio::test]
async fn applications_are_checked_and_decided_once() {
    let app = TestApp::start().await;
    let operator = app.login("op.ishikai").await;
    let version = pledge_version(&app).await;

    // A login ID in use, or asked for by a pending application, is refused at once.
    expect_problem(
        public_post(&app, "/api/v1/applications", &form("NS.Tanaka", version)).await,
        409,
        "login_id_taken",
    )
    .await;
    let first = public_post(&app, "/api/v1/applications", &form("kita.ichiro", version)).await;
    assert_eq!(first.status(), 201);
    let id = first.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    expect_problem(
        public_post(&app, "/api/v1/applications", &form("KITA.ichiro", version)).await,
        409,
        "login_id_taken",
    )
    .await;

    // A field error names the field.
    let mut bad = form("minami.jiro", version);
    bad["email"] = json!("not-an-address");
    let problem = expect_problem(
        public_post(&app, "/api/v1/applications", &bad).await,
        422,
        "field_invalid",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "email");

    // The pledge changes: what was read before is no longer what is accepted.
    let published = app
        .put_json(
            &operator,
            "/api/v1/pledge",
            &json!({ "text": "連携守秘誓約書（第2版）\n患者の情報を連携の目的以外に使いません。" }),
        )
        .await;
    assert_eq!(published.status(), 200);
    assert_eq!(pledge_version(&app).await, version + 1);
    expect_problem(
        public_post(&app, "/api/v1/applications", &form("minami.jiro", version)).await,
        409,
        "pledge_outdated",
    )
    .await;
    // Only the operator publishes.
    let tanaka = app.login("ns.tanaka").await;
    expect_problem(
        app.put_json(&tanaka, "/api/v1/pledge", &json!({ "text": "x" }))
            .await,
        403,
        "forbidden",
    )
    .await;

    // Rejection needs a reason, and a decided application stays decided.
    expect_problem(
        app.post_json(
            &operator,
            &format!("/api/v1/applications/{id}/rejection"),
            &json!({ "reason": " " }),
        )
        .await,
        422,
        "field_required",
    )
    .await;
    let rejected: Value = app
        .post_json(
            &operator,
            &format!("/api/v1/applications/{id}/rejection"),
            &json!({ "reason": "施設の所在地が医師会の区域外です" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["reason"], "施設の所在地が医師会の区域外です");
    expect_problem(
        app.post_json(
            &operator,
            &format!("/api/v1/applications/{id}/approval"),
            &json!({}),
        )
        .await,
        409,
        "application_decided",
    )
    .await;
    // Once rejected, the login ID may be asked for again.
    assert_eq!(
        public_post(
            &app,
            "/api/v1/applications",
            &form("kita.ichiro", version + 1)
        )
        .await
        .status(),
        201
    );
    // Nobody but the operator sees applications.
    expect_problem(
        app.get(&tanaka, "/api/v1/applications").await,
        403,
        "forbidden",
    )
    .await;
}

/// Adds a staff member as ns.tanaka (admin of the nursing station); returns id and token.
async fn add_staff(app: &TestApp, admin: &str, facility: Uuid, login_id: &str) -> (Uuid, String) {
    let added = app
        .post_json(
            admin,
            &format!("/api/v1/facilities/{facility}/staff"),
            &json!({
                "display_name": "訪問 太郎",
                "display_name_kana": "ホウモン タロウ",
                "profession": "nurse",
                "login_id": login_id,
            }),
        )
        .await;
    assert_eq!(added.status(), 201);
    let added: Value = added.json().await.unwrap();
    assert_eq!(added["staff"]["status"], "pending_activation");
    assert_eq!(added["staff"]["display_name_kana"], "ほうもん たろう");
    (
        added["staff"]["id"].as_str().unwrap().parse().unwrap(),
        added["activation"]["token"].as_str().unwrap().to_owned(),
    )
}

async fn activate(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    let version = pledge_version(app).await;
    public_post(
        app,
        &format!("/api/v1/activation/{token}"),
        &json!({ "password": password, "pledge_version": version }),
    )
    .await
}

async fn facility_of(app: &TestApp, token: &str) -> Uuid {
    let me: Value = app.get(token, "/api/v1/me").await.json().await.unwrap();
    me["facility"]["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_facility_admin_adds_resets_and_offboards_staff() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let facility = facility_of(&app, &tanaka).await;
    let (taro, link) = add_staff(&app, &tanaka, facility, "houmon.taro").await;

    // Without two-factor login the password needs 13+ characters of mixed kinds, and never
    // the login ID.
    let weak = expect_problem(
        activate(&app, &link, "Short-pw1").await,
        422,
        "password_too_weak",
    )
    .await;
    assert_eq!(weak["errors"][0]["field"], "password");
    expect_problem(
        activate(&app, &link, "houmon.taro-2026-X").await,
        422,
        "password_too_weak",
    )
    .await;
    assert_eq!(activate(&app, &link, NEW_PASSWORD).await.status(), 201);
    let taro_token = app.login_response("houmon.taro", NEW_PASSWORD).await;
    assert_eq!(taro_token.status(), 201);
    let taro_token = taro_token.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();

    let list: Value = app
        .get(&tanaka, &format!("/api/v1/facilities/{facility}/staff"))
        .await
        .json()
        .await
        .unwrap();
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["login_id"] == "houmon.taro")
        .unwrap();
    assert_eq!(row["status"], "active");

    // A lost phone or password: a new link; the old password and session stop at once.
    let reset = app
        .post_json(
            &tanaka,
            &format!("/api/v1/users/{taro}/activation"),
            &json!({}),
        )
        .await;
    assert_eq!(reset.status(), 201);
    let reset: Value = reset.json().await.unwrap();
    assert_eq!(reset["staff"]["status"], "pending_activation");
    assert_eq!(app.get(&taro_token, "/api/v1/me").await.status(), 401);
    expect_problem(
        app.login_response("houmon.taro", NEW_PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    // The first link closed when the second was issued.
    expect_problem(
        activate(&app, &link, NEW_PASSWORD).await,
        404,
        "activation_invalid",
    )
    .await;
    let second = reset["activation"]["token"].as_str().unwrap();
    assert_eq!(
        activate(&app, second, "Another-Pass-2027").await.status(),
        201
    );

    // Offboarding: out of every group with a timeline entry, sessions ended, posts kept.
    let group = app.group_id(common::YAMADA).await;
    let sato = app.login("dr.sato").await;
    let added = app
        .post_json(
            &sato,
            &format!("/api/v1/groups/{group}/members"),
            &json!({ "user_id": taro, "role": "member" }),
        )
        .await;
    assert!(added.status().is_success(), "{}", added.status());
    let taro_token = app.login_response("houmon.taro", "Another-Pass-2027").await;
    let taro_token = taro_token.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    common::create_post(&app, &taro_token, group, "退院後の初回訪問を終えました").await;
    let before = app.post_count(group).await;

    assert_eq!(
        app.post_json(
            &tanaka,
            &format!("/api/v1/users/{taro}/offboarding"),
            &json!({})
        )
        .await
        .status(),
        204
    );
    assert_eq!(app.get(&taro_token, "/api/v1/me").await.status(), 401);
    expect_problem(
        app.login_response("houmon.taro", "Another-Pass-2027").await,
        401,
        "invalid_credentials",
    )
    .await;
    let members: Value = app
        .get(&sato, &format!("/api/v1/groups/{group}/members"))
        .await
        .json()
        .await
        .unwrap();
    assert!(!members.to_string().contains(&taro.to_string()));
    // The post stays, and a system entry says who left.
    assert_eq!(app.post_count(group).await, before + 1);
    let timeline: Value = app
        .get(&sato, &format!("/api/v1/groups/{group}/posts?limit=5"))
        .await
        .json()
        .await
        .unwrap();
    let text = timeline.to_string();
    assert!(text.contains("退院後の初回訪問を終えました"));
    assert!(text.contains("member_removed"));
    let list: Value = app
        .get(&tanaka, &format!("/api/v1/facilities/{facility}/staff"))
        .await
        .json()
        .await
        .unwrap();
    assert!(list.to_string().contains("\"offboarded\""));
    // No way back through a reset.
    expect_problem(
        app.post_json(
            &tanaka,
            &format!("/api/v1/users/{taro}/activation"),
            &json!({}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn staff_is_managed_only_by_its_own_admin_and_the_operator() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let facility = facility_of(&app, &tanaka).await;
    let watanabe = app.user_id("pt.watanabe").await;
    for login in ["dr.yamamoto", "ns.kobayashi", "fam.yamada"] {
        let token = app.login(login).await;
        expect_problem(
            app.get(&token, &format!("/api/v1/facilities/{facility}/staff"))
                .await,
            404,
            "not_found",
        )
        .await;
        expect_problem(
            app.post_json(
                &token,
                &format!("/api/v1/users/{watanabe}/activation"),
                &json!({}),
            )
            .await,
            404,
            "not_found",
        )
        .await;
    }
    let operator = app.login("op.ishikai").await;
    assert_eq!(
        app.get(&operator, &format!("/api/v1/facilities/{facility}/staff"))
            .await
            .status(),
        200
    );
    // A login ID in use (ignoring case) is refused.
    expect_problem(
        app.post_json(
            &tanaka,
            &format!("/api/v1/facilities/{facility}/staff"),
            &json!({ "display_name": "小林 直子", "display_name_kana": "こばやし なおこ",
                     "profession": "nurse", "login_id": "NS.Kobayashi" }),
        )
        .await,
        409,
        "login_id_taken",
    )
    .await;
    // One's own account is not reset or offboarded by oneself.
    let me = app.user_id("ns.tanaka").await;
    expect_problem(
        app.post_json(
            &tanaka,
            &format!("/api/v1/users/{me}/offboarding"),
            &json!({}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn the_two_factor_policy_is_enforced_at_login_and_activation() {
    let app = TestApp::start().await;
    let operator = app.login("op.ishikai").await;
    let policy = json!({
        "two_factor": { "everyone": false, "facility_kinds": ["home_nursing_station"],
                        "professions": [] },
        "remember_device": false,
        "idle_lock_minutes": 10,
    });
    // A policy the operator's own account falls under needs the operator's own 2FA first.
    let everyone = json!({ "two_factor": { "everyone": true }, "idle_lock_minutes": 15 });
    let problem = expect_problem(
        app.put_json(&operator, "/api/v1/settings", &everyone).await,
        422,
        "two_factor_setup_required",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "two_factor");
    assert_eq!(
        app.put_json(&operator, "/api/v1/settings", &policy)
            .await
            .status(),
        200
    );
    let saved: Value = app
        .get(&operator, "/api/v1/settings")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(saved, policy);

    // A nurse of a nursing station without 2FA: the right password is refused with a reason,
    // the wrong one as always.
    expect_problem(
        app.login_response("ns.kobayashi", PASSWORD).await,
        403,
        "two_factor_setup_required",
    )
    .await;
    expect_problem(
        app.login_response("ns.kobayashi", "wrong-password").await,
        401,
        "invalid_credentials",
    )
    .await;
    // Others still log in.
    assert_eq!(app.login_response("dr.sato", PASSWORD).await.status(), 201);

    // The station's admin (logged in before the policy) issues a link; activation then
    // requires enrolment.
    let tanaka_token = {
        // ns.tanaka is covered too: the operator resets her; she activates with a code.
        let tanaka = app.user_id("ns.tanaka").await;
        let reset: Value = app
            .post_json(
                &operator,
                &format!("/api/v1/users/{tanaka}/activation"),
                &json!({}),
            )
            .await
            .json()
            .await
            .unwrap();
        let link = reset["activation"]["token"].as_str().unwrap().to_owned();
        let info: Value = public_get(&app, &format!("/api/v1/activation/{link}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(info["two_factor_required"], true);
        let problem = expect_problem(
            activate(&app, &link, NEW_PASSWORD).await,
            422,
            "two_factor_required",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], "code");
        let enrolment: Value = public_post(
            &app,
            &format!("/api/v1/activation/{link}/two-factor"),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
        let secret = enrolment["secret"].as_str().unwrap();
        let version = pledge_version(&app).await;
        let activated: Value = public_post(
            &app,
            &format!("/api/v1/activation/{link}"),
            &json!({ "password": "Nurse-pw8", "pledge_version": version,
                     "code": code_at(secret, now_secs()).unwrap() }),
        )
        .await
        .json()
        .await
        .unwrap();
        activated["session"]["token"].as_str().unwrap().to_owned()
    };
    let me: Value = app
        .get(&tanaka_token, "/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["two_factor"], true);
    let refused: i64 = app
        .audit_flushed()
        .await
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'session.login_needs_two_factor'",
            &[],
        )
        .await;
    assert_eq!(refused, 1);
}

#[tokio::test]
async fn a_group_admin_resets_a_family_members_password_and_the_last_tie_closes_the_account() {
    let app = TestApp::start().await;
    let group = app.group_id(common::YAMADA).await;
    let yamada = app.user_id("fam.yamada").await;
    let tanaka = app.user_id("ns.tanaka").await;
    let family_token = app.login("fam.yamada").await;
    let path = |user: Uuid| format!("/api/v1/groups/{group}/members/{user}/activation");

    // Only the group's admins, and only for its family members.
    let ito = app.login("hh.ito").await;
    expect_problem(
        app.post_json(&ito, &path(yamada), &json!({})).await,
        403,
        "forbidden",
    )
    .await;
    let sato = app.login("dr.sato").await;
    expect_problem(
        app.post_json(&sato, &path(tanaka), &json!({})).await,
        404,
        "not_found",
    )
    .await;

    let reset = app.post_json(&sato, &path(yamada), &json!({})).await;
    assert_eq!(reset.status(), 201);
    let reset: Value = reset.json().await.unwrap();
    assert_eq!(app.get(&family_token, "/api/v1/me").await.status(), 401);
    let link = reset["activation"]["token"].as_str().unwrap();
    let info: Value = public_get(&app, &format!("/api/v1/activation/{link}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(info["login_id"], "fam.yamada");
    assert!(info["facility"].is_null());
    assert_eq!(
        activate(&app, link, "Yamada-Family-2027").await.status(),
        201
    );
    assert_eq!(
        app.login_response("fam.yamada", "Yamada-Family-2027")
            .await
            .status(),
        201
    );

    // Removed from their only group, the family account closes; its posts stay.
    let removed = app
        .delete(&sato, &format!("/api/v1/groups/{group}/members/{yamada}"))
        .await;
    assert!(removed.status().is_success(), "{}", removed.status());
    expect_problem(
        app.login_response("fam.yamada", "Yamada-Family-2027").await,
        401,
        "invalid_credentials",
    )
    .await;
    let closed: i64 = app
        .audit_flushed()
        .await
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'account.family_close'",
            &[],
        )
        .await;
    assert_eq!(closed, 1);
}

#[tokio::test]
async fn the_operator_suspends_a_whole_facility_and_reactivates_exactly_its_accounts() {
    let app = TestApp::start().await;
    let operator = app.login("op.ishikai").await;
    let tanaka = app.login("ns.tanaka").await;
    let facility = facility_of(&app, &tanaka).await;
    let watanabe = app.user_id("pt.watanabe").await;
    // Suspended on his own before: stays so when the facility comes back.
    assert_eq!(
        app.post_json(
            &operator,
            &format!("/api/v1/users/{watanabe}/suspension"),
            &json!({})
        )
        .await
        .status(),
        204
    );
    let path = format!("/api/v1/facilities/{facility}/suspension");
    expect_problem(
        app.post_json(&tanaka, &path, &json!({})).await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        app.post_json(&operator, &path, &json!({})).await.status(),
        204
    );
    assert_eq!(app.get(&tanaka, "/api/v1/me").await.status(), 401);
    expect_problem(
        app.login_response("ns.kobayashi", PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    let facilities: Value = app
        .get(&operator, "/api/v1/directory/facilities")
        .await
        .json()
        .await
        .unwrap();
    let station = facilities["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == facility.to_string())
        .unwrap();
    assert_eq!(station["suspended"], true);
    // No staff is added to a suspended facility.
    expect_problem(
        app.post_json(
            &operator,
            &format!("/api/v1/facilities/{facility}/staff"),
            &json!({ "display_name": "停止中 一郎", "display_name_kana": "ていしちゅう いちろう",
                     "profession": "nurse", "login_id": "teishi.ichiro" }),
        )
        .await,
        404,
        "not_found",
    )
    .await;

    assert_eq!(app.delete(&operator, &path).await.status(), 204);
    assert_eq!(
        app.login_response("ns.kobayashi", PASSWORD).await.status(),
        201
    );
    expect_problem(
        app.login_response("pt.watanabe", PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    let actions: Vec<String> = app
        .audit_flushed()
        .await
        .column(
            "SELECT action FROM audit_log WHERE action LIKE 'facility.%' ORDER BY id",
            &[],
        )
        .await;
    assert_eq!(actions, ["facility.suspend", "facility.reactivate"]);
}
