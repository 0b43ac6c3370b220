//! E-mail notifications end to end: members give and confirm addresses through the API, choose
//! a mode, others post, and an SMTP server the test runs on loopback receives what a mail
//! relay would (the test kit's `smtp`). Each mail is decoded as a mail program would (RFC 2047
//! subject, base64 or quoted-printable body) and checked to name at most the group, never the post.

use crate::common;

use std::net::SocketAddr;
use std::time::Duration;

use common::{expect_problem, Bind, TestApp, NAKAMURA, YAMADA};
use serde_json::{json, Value};
use tsunagu_server::email::EmailSettings;
use tsunagu_server::store::{DigestDue, DigestEntry, NewMail};
use tsunagu_testkit::fixtures::PostFixture;
use tsunagu_testkit::smtp::{Mail, SmtpSink as Sink};
use uuid::Uuid;

const PUBLIC_URL: &str = "https://tsunagu.example.jp";

fn mail_settings(smtp: SocketAddr) -> EmailSettings {
    EmailSettings {
        smtp_url: Some(format!("smtp://{smtp}")),
        from: Some("つなぐ Tsunagu <noreply@example.jp>".to_owned()),
        public_url: Some(format!("{PUBLIC_URL}/")),
        digest_every: Duration::from_secs(3600),
        without_names: false,
        first_retry: Duration::from_millis(200),
        max_attempts: 5,
    }
}

async fn start(smtp: SocketAddr, adjust: impl FnOnce(&mut EmailSettings)) -> TestApp {
    let mut email = mail_settings(smtp);
    adjust(&mut email);
    TestApp::start_with(|s| s.email = email).await
}

fn address_of(login: &str) -> String {
    format!("{}@mail.example.jp", login.replace('.', "-"))
}

async fn state(app: &TestApp, token: &str) -> Value {
    let response = app.get(token, "/api/v1/me/email-notifications").await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn put_address(app: &TestApp, token: &str, address: &str) -> reqwest::Response {
    app.put_json(
        token,
        "/api/v1/me/email-notifications/address",
        &json!({ "address": address }),
    )
    .await
}

async fn confirm_code(app: &TestApp, token: &str, code: &str) -> reqwest::Response {
    app.post_json(
        token,
        "/api/v1/me/email-notifications/confirm",
        &json!({ "code": code }),
    )
    .await
}

async fn set_mode(app: &TestApp, token: &str, mode: &str) -> reqwest::Response {
    app.put_json(
        token,
        "/api/v1/me/email-notifications/mode",
        &json!({ "mode": mode }),
    )
    .await
}

/// The code of the newest confirmation mail to `address`, waiting for it.
async fn code_for(sink: &Sink, address: &str, nth: usize) -> String {
    for _ in 0..200 {
        if sink.to(address).len() >= nth {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mails = sink.to(address);
    assert_eq!(mails.len(), nth, "confirmation mails to {address}");
    let mail = mails.last().unwrap();
    assert_eq!(mail.subject, "【つなぐ】メールアドレスの確認コード");
    let code: String = mail
        .body
        .split("確認コード: ")
        .nth(1)
        .expect("the code in the body")
        .chars()
        .take(6)
        .collect();
    assert!(code.chars().all(|c| c.is_ascii_digit()), "{}", mail.body);
    code
}

/// Logs `login` in, gives and confirms their address, and chooses `mode`.
async fn subscribe(app: &TestApp, sink: &Sink, login: &str, mode: &str) -> String {
    let token = app.login(login).await;
    let address = address_of(login);
    assert_eq!(put_address(app, &token, &address).await.status(), 200);
    let code = code_for(sink, &address, sink.to(&address).len() + 1).await;
    assert_eq!(confirm_code(app, &token, &code).await.status(), 200);
    let response = set_mode(app, &token, mode).await;
    assert_eq!(response.status(), 200, "{login} chooses {mode}");
    token
}

async fn post(app: &TestApp, token: &str, group: Uuid, fixture: PostFixture) -> Uuid {
    app.api
        .create_post(token, group, &fixture)
        .await
        .unwrap()
        .id
}

fn recipients(mails: &[Mail]) -> Vec<String> {
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    to.sort_unstable();
    to
}

#[tokio::test]
async fn an_address_is_confirmed_with_the_mailed_code() {
    let (sink, smtp) = Sink::start().await;
    let app = start(smtp, |_| {}).await;
    let token = app.login("dr.sato").await;
    let user = app.user_id("dr.sato").await;
    assert_eq!(
        state(&app, &token).await,
        json!({
            "available": true,
            "address": null,
            "confirmed": false,
            "mode": "off",
            "digest_every_minutes": 60,
        })
    );
    let meta: Value = app.get(&token, "/api/v1/meta").await.json().await.unwrap();
    assert!(meta["capabilities"]
        .as_array()
        .unwrap()
        .contains(&json!("email")));

    // Nothing to notify without a confirmed address.
    expect_problem(
        set_mode(&app, &token, "immediate").await,
        409,
        "email_not_confirmed",
    )
    .await;
    for bad in [
        "not-an-address".to_owned(),
        "佐藤 <sato@example.jp>".to_owned(),
        format!("{}@example.jp", "a".repeat(250)),
    ] {
        let problem =
            expect_problem(put_address(&app, &token, &bad).await, 422, "field_invalid").await;
        assert_eq!(problem["errors"][0]["field"], "address", "{bad}");
    }
    assert_eq!(state(&app, &token).await["address"], Value::Null);

    let address = "sato@clinic.example.jp";
    let response = put_address(&app, &token, &format!(" {address} ")).await;
    assert_eq!(response.status(), 200);
    let given: Value = response.json().await.unwrap();
    assert_eq!(given["address"], address);
    assert_eq!(given["confirmed"], false);
    assert_eq!(given["mode"], "off");
    let code = code_for(&sink, address, 1).await;
    let mail = &sink.to(address)[0];
    assert!(mail.body.contains("30 分間"), "{}", mail.body);
    // Stored hashed, never as typed.
    let stored: String = app
        .db
        .scalar(
            "SELECT code_hash FROM email_addresses WHERE user_id = $1",
            &[user.into()],
        )
        .await;
    assert!(!stored.contains(&code));
    expect_problem(
        set_mode(&app, &token, "digest").await,
        409,
        "email_not_confirmed",
    )
    .await;

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let problem = expect_problem(
        confirm_code(&app, &token, wrong).await,
        422,
        "invalid_email_code",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "code");
    // Typed on a Japanese keyboard: full-width digits count.
    let full_width: String = code
        .chars()
        .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap())
        .collect();
    let response = confirm_code(&app, &token, &full_width).await;
    assert_eq!(response.status(), 200);
    let confirmed: Value = response.json().await.unwrap();
    assert_eq!(confirmed["confirmed"], true);
    assert_eq!(confirmed["mode"], "off", "the mode waits for a choice");
    // A code works once.
    expect_problem(
        confirm_code(&app, &token, &code).await,
        422,
        "invalid_email_code",
    )
    .await;

    let response = set_mode(&app, &token, "digest").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["mode"], "digest");

    // A new address needs confirming again, and five wrong codes spend the code.
    assert_eq!(
        put_address(&app, &token, "sato@home.example.jp")
            .await
            .status(),
        200
    );
    let after = state(&app, &token).await;
    assert_eq!(
        (after["confirmed"].clone(), after["mode"].clone()),
        (json!(false), json!("off"))
    );
    let code = code_for(&sink, "sato@home.example.jp", 1).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        expect_problem(
            confirm_code(&app, &token, wrong).await,
            422,
            "invalid_email_code",
        )
        .await;
    }
    expect_problem(
        confirm_code(&app, &token, &code).await,
        422,
        "invalid_email_code",
    )
    .await;
    // Another PUT sends a fresh code that works.
    assert_eq!(
        put_address(&app, &token, "sato@home.example.jp")
            .await
            .status(),
        200
    );
    let code = code_for(&sink, "sato@home.example.jp", 2).await;
    assert_eq!(confirm_code(&app, &token, &code).await.status(), 200);

    let response = app.delete(&token, "/api/v1/me/email-notifications").await;
    assert_eq!(response.status(), 204);
    let forgotten = state(&app, &token).await;
    assert_eq!(forgotten["address"], Value::Null);
    assert_eq!(forgotten["confirmed"], false);
    assert_eq!(forgotten["mode"], "off");
    assert_eq!(
        app.delete(&token, "/api/v1/me/email-notifications")
            .await
            .status(),
        204,
        "idempotent"
    );

    // Every change is in the access log, and no mail went anywhere else.
    let db = app.audit_flushed().await;
    let actions: Vec<String> = db
        .column(
            "SELECT action FROM audit_log WHERE user_id = $1 AND action LIKE 'email.%' ORDER BY id",
            &[user.into()],
        )
        .await;
    for action in [
        "email.address_set",
        "email.confirm",
        "email.mode_set",
        "email.forget",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
    assert_eq!(sink.all().len(), 3, "three codes, nothing else");
}

#[tokio::test]
async fn code_mails_are_limited_per_user() {
    let (sink, smtp) = Sink::start().await;
    let app = start(smtp, |_| {}).await;
    let token = app.login("cm.suzuki").await;
    for i in 0..5 {
        let response = put_address(&app, &token, &format!("suzuki{i}@example.jp")).await;
        assert_eq!(response.status(), 200, "code mail {i}");
    }
    // Forgetting the address does not reset the count.
    assert_eq!(
        app.delete(&token, "/api/v1/me/email-notifications")
            .await
            .status(),
        204
    );
    let response = put_address(&app, &token, "suzuki9@example.jp").await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    expect_problem(response, 429, "rate_limited").await;
    // Another user is not held back.
    let other = app.login("dr.sato").await;
    assert_eq!(
        put_address(&app, &other, "sato@example.jp").await.status(),
        200
    );
    sink.wait_for(6).await;
    assert!(sink.to("suzuki9@example.jp").is_empty());
}

#[tokio::test]
async fn a_post_mails_each_immediate_reader_once_and_says_nothing_of_it() {
    let (sink, smtp) = Sink::start().await;
    let app = start(smtp, |_| {}).await;
    let group = app.group_id(YAMADA).await;
    let author = app.login("ns.tanaka").await;
    let sato = subscribe(&app, &sink, "dr.sato", "immediate").await;
    subscribe(&app, &sink, "cm.suzuki", "immediate").await;
    let ito = subscribe(&app, &sink, "hh.ito", "immediate").await;
    subscribe(&app, &sink, "fam.yamada", "immediate").await;
    subscribe(&app, &sink, "ns.kobayashi", "immediate").await;
    // Given but not confirmed: nothing.
    let takahashi = app.login("ph.takahashi").await;
    assert_eq!(
        put_address(&app, &takahashi, &address_of("ph.takahashi"))
            .await
            .status(),
        200
    );
    // The author's own address changes nothing.
    subscribe(&app, &sink, "ns.tanaka", "immediate").await;
    let response = app
        .put_json(
            &ito,
            &format!("/api/v1/groups/{group}/mute"),
            &json!({ "muted": true }),
        )
        .await;
    assert_eq!(response.status(), 204);
    let before = sink.wait_for(7).await.len();
    assert_eq!(before, 7, "seven codes");

    let text = "血圧 142/88、夜間の咳が続いています";
    post(&app, &author, group, PostFixture::new(text)).await;
    let mails = sink.wait_for(before + 2).await[before..].to_vec();
    // Not the author, not the muted member, not the unconfirmed one, not the family (care
    // timeline), not a non-member.
    assert_eq!(
        recipients(&mails),
        [address_of("cm.suzuki"), address_of("dr.sato")]
    );
    for mail in &mails {
        assert_eq!(
            mail.subject,
            "【つなぐ】山田 花子 様のグループに新しい投稿があります"
        );
        assert!(
            mail.body.contains(&format!("{PUBLIC_URL}/groups/{group}")),
            "{}",
            mail.body
        );
        assert!(mail.body.contains("アカウント → メール通知"));
        for secret in ["血圧", "142/88", "田中", "美咲"] {
            assert!(
                !mail.body.contains(secret) && !mail.subject.contains(secret),
                "{secret} in {mail:?}"
            );
        }
    }

    // Urgent reaches the muted member too; the family timeline reaches the family.
    let before = before + 2;
    post(
        &app,
        &author,
        group,
        PostFixture::new("至急: 発熱 38.5℃").urgent(),
    )
    .await;
    let mails = sink.wait_for(before + 3).await[before..].to_vec();
    assert_eq!(
        recipients(&mails),
        [
            address_of("cm.suzuki"),
            address_of("dr.sato"),
            address_of("hh.ito")
        ]
    );
    assert!(mails.iter().all(|m| m.subject
        == "【至急】【つなぐ】山田 花子 様のグループに新しい投稿があります"
        && !m.body.contains("発熱")));
    let before = before + 3;
    post(
        &app,
        &author,
        group,
        PostFixture::new("ご家族へ: 明日伺います").family(),
    )
    .await;
    let mails = sink.wait_for(before + 3).await[before..].to_vec();
    assert_eq!(
        recipients(&mails),
        [
            address_of("cm.suzuki"),
            address_of("dr.sato"),
            address_of("fam.yamada")
        ]
    );

    // Mode off, and an account that cannot log in (it could not open the link), get nothing;
    // unmuting brings a member back.
    let before = before + 3;
    assert_eq!(set_mode(&app, &sato, "off").await.status(), 200);
    let suzuki = app.user_id("cm.suzuki").await;
    app.db
        .exec(
            "UPDATE users SET disabled = TRUE WHERE id = $1",
            &[Bind::from(suzuki)],
        )
        .await;
    let response = app
        .put_json(
            &ito,
            &format!("/api/v1/groups/{group}/mute"),
            &json!({ "muted": false }),
        )
        .await;
    assert_eq!(response.status(), 204);
    post(&app, &author, group, PostFixture::new("次回は金曜")).await;
    let mails = sink.wait_for(before + 1).await[before..].to_vec();
    assert_eq!(recipients(&mails), [address_of("hh.ito")]);
    // Sent mails leave the outbox.
    let waiting: i64 = app
        .db
        .scalar("SELECT COUNT(*) FROM email_outbox", &[])
        .await;
    assert_eq!(waiting, 0);
}

#[tokio::test]
async fn a_direct_message_mail_names_no_sender() {
    let (sink, smtp) = Sink::start().await;
    let app = start(smtp, |_| {}).await;
    subscribe(&app, &sink, "dr.sato", "immediate").await;
    let author = app.login("ns.tanaka").await;
    let direct: Uuid = {
        let id: common::Id = app
            .db
            .scalar("SELECT id FROM groups WHERE kind = 'direct' LIMIT 1", &[])
            .await;
        id.into_uuid()
    };
    post(
        &app,
        &author,
        direct,
        PostFixture::new("先生、お電話ください"),
    )
    .await;
    let mails = sink.wait_for(2).await;
    let mail = &mails[1];
    assert_eq!(mail.subject, "【つなぐ】個別メッセージが届きました");
    assert!(!mail.body.contains("田中") && !mail.body.contains("お電話"));
    assert!(mail.body.contains(&format!("{PUBLIC_URL}/groups/{direct}")));
}

#[tokio::test]
async fn without_names_a_mail_says_only_the_kind_of_group() {
    let (sink, smtp) = Sink::start().await;
    let app = start(smtp, |e| e.without_names = true).await;
    subscribe(&app, &sink, "dr.sato", "immediate").await;
    let author = app.login("ns.tanaka").await;
    post(
        &app,
        &author,
        app.group_id(YAMADA).await,
        PostFixture::new("定期訪問"),
    )
    .await;
    let mails = sink.wait_for(2).await;
    assert_eq!(mails.len(), 2);
    assert_eq!(
        mails[1].subject,
        "【つなぐ】患者グループに新しい投稿があります"
    );
    assert!(!mails[1].body.contains("山田"), "{}", mails[1].body);
}

#[tokio::test]
async fn a_digest_lists_each_group_once_per_period() {
    let (sink, smtp) = Sink::start().await;
    let app = start(smtp, |e| e.digest_every = Duration::from_secs(3)).await;
    let author = app.login("ns.tanaka").await;
    let yamada = app.group_id(YAMADA).await;
    let nakamura = app.group_id(NAKAMURA).await;
    subscribe(&app, &sink, "dr.sato", "digest").await;
    post(&app, &author, yamada, PostFixture::new("一件目")).await;
    post(&app, &author, yamada, PostFixture::new("二件目")).await;
    post(&app, &author, nakamura, PostFixture::new("三件目")).await;
    let mails = sink.wait_for(2).await;
    assert_eq!(mails.len(), 2, "one code, one digest: {mails:?}");
    let digest = &mails[1];
    assert_eq!(digest.to, [address_of("dr.sato")]);
    assert_eq!(digest.subject, "【つなぐ】新しい投稿が 3 件あります");
    assert!(
        digest.body.contains("山田 花子 様のグループ: 2件"),
        "{}",
        digest.body
    );
    assert!(
        digest.body.contains("中村 一郎 様のグループ: 1件"),
        "{}",
        digest.body
    );
    assert!(digest
        .body
        .contains(&format!("{PUBLIC_URL}/groups/{yamada}")));
    assert!(!digest.body.contains("件目"), "no post text");

    // Nothing new: no mail in the next periods.
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(sink.all().len(), 2, "no digest without new posts");

    // A new post comes in the next digest, alone.
    post(&app, &author, nakamura, PostFixture::new("四件目")).await;
    for _ in 0..100 {
        if sink.all().len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mails = sink.all();
    assert_eq!(mails.len(), 3);
    assert_eq!(mails[2].subject, "【つなぐ】新しい投稿が 1 件あります");
    assert!(mails[2].body.contains("中村 一郎 様のグループ: 1件"));
    assert!(!mails[2].body.contains("山田"));
}

#[tokio::test]
async fn without_smtp_nothing_is_offered_or_sent() {
    let app = TestApp::start().await;
    let token = app.login("dr.sato").await;
    let current = state(&app, &token).await;
    assert_eq!(current["available"], false);
    assert_eq!(current["address"], Value::Null);
    expect_problem(
        put_address(&app, &token, "sato@example.jp").await,
        404,
        "email_not_configured",
    )
    .await;
    expect_problem(
        confirm_code(&app, &token, "123456").await,
        404,
        "email_not_configured",
    )
    .await;
    expect_problem(
        set_mode(&app, &token, "immediate").await,
        404,
        "email_not_configured",
    )
    .await;
    assert_eq!(
        app.delete(&token, "/api/v1/me/email-notifications")
            .await
            .status(),
        204
    );
    let meta: Value = app.get(&token, "/api/v1/meta").await.json().await.unwrap();
    assert!(!meta["capabilities"]
        .as_array()
        .unwrap()
        .contains(&json!("email")));
    // A 404 about the server is no refused access.
    let refused: i64 = app
        .audit_flushed()
        .await
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'access.refused'",
            &[],
        )
        .await;
    assert_eq!(refused, 0);
    let unauthenticated = app
        .send(
            reqwest::Method::GET,
            None,
            "/api/v1/me/email-notifications",
            None,
        )
        .await;
    assert_eq!(unauthenticated.status(), 401);
}

#[tokio::test]
async fn a_mail_the_relay_refuses_for_now_arrives_once_later() {
    let (sink, smtp) = Sink::start().await;
    let app = start(smtp, |_| {}).await;
    sink.refuse(1);
    let token = app.login("dr.sato").await;
    assert_eq!(
        put_address(&app, &token, "sato@example.jp").await.status(),
        200
    );
    let mails = sink.wait_for(1).await;
    assert_eq!(sink.refused(), 1, "the first try was refused");
    assert_eq!(mails.len(), 1, "then it arrived, once");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(sink.all().len(), 1);
    let waiting: i64 = app
        .db
        .scalar("SELECT COUNT(*) FROM email_outbox", &[])
        .await;
    assert_eq!(waiting, 0);
}

#[tokio::test]
async fn a_mail_queued_by_another_instance_is_sent_once() {
    let (sink, smtp) = Sink::start().await;
    let app = start(smtp, |_| {}).await;
    // Another instance (or this one before a crash) queued a mail and never sent it.
    let (other, _db) = tsunagu_server::db::connect(&app.database_url, 2)
        .await
        .map(|db| (tsunagu_server::admin::store(&db), db))
        .unwrap();
    let user = app.user_id("cm.suzuki").await;
    other
        .enqueue_mails(
            &[NewMail {
                user_id: user,
                to: "suzuki@example.jp".to_owned(),
                subject: "【つなぐ】「あおば」に新しい投稿があります".to_owned(),
                body: "本文なし".to_owned(),
            }],
            tsunagu_server::time::now_ms(),
        )
        .await
        .unwrap();
    // This instance's sender wakes for a mail of its own and takes the other one along.
    let token = app.login("dr.sato").await;
    assert_eq!(
        put_address(&app, &token, "sato@example.jp").await.status(),
        200
    );
    let mails = sink.wait_for(2).await;
    assert_eq!(
        recipients(&mails),
        ["sato@example.jp", "suzuki@example.jp"],
        "each once"
    );
    assert_eq!(
        mails
            .iter()
            .find(|m| m.to == ["suzuki@example.jp"])
            .unwrap()
            .subject,
        "【つなぐ】「あおば」に新しい投稿があります"
    );
}

#[tokio::test]
async fn of_instances_claiming_at_once_one_gets_each_mail_and_digest() {
    // No SMTP: this server runs no sender, the test claims as two instances would.
    let app = TestApp::start().await;
    let store = &app.state.store;
    let (other, _db) = tsunagu_server::db::connect(&app.database_url, 4)
        .await
        .map(|db| (tsunagu_server::admin::store(&db), db))
        .unwrap();
    let user = app.user_id("dr.sato").await;
    let mails: Vec<NewMail> = (0..30)
        .map(|i| NewMail {
            user_id: user,
            to: format!("m{i}@example.jp"),
            subject: "s".to_owned(),
            body: "b".to_owned(),
        })
        .collect();
    store.enqueue_mails(&mails, 1_000).await.unwrap();
    let (a, b) = tokio::join!(
        store.claim_mails(2_000, 0, 20),
        other.claim_mails(2_000, 0, 20)
    );
    let mut ids: Vec<i64> = a
        .unwrap()
        .into_iter()
        .chain(b.unwrap())
        .map(|m| m.id)
        .collect();
    ids.sort_unstable();
    let claimed = ids.len();
    ids.dedup();
    assert_eq!((claimed, ids.len()), (30, 30), "each mail claimed once");
    assert!(
        store.claim_mails(3_000, 0, 50).await.unwrap().is_empty(),
        "a claimed mail is not claimed again"
    );
    // A claim older than the stale limit is an instance that died mid-send.
    let again = store.claim_mails(3_000, 2_500, 50).await.unwrap();
    assert_eq!(again.len(), 30);
    store.retry_mail(again[0].id, 10_000).await.unwrap();
    store.delete_mail(again[1].id).await.unwrap();
    assert_eq!(store.next_mail_due().await.unwrap(), Some(10_000));
    assert!(store.claim_mails(9_999, 0, 50).await.unwrap().is_empty());
    let retried = store.claim_mails(10_000, 0, 50).await.unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!((retried[0].id, retried[0].attempts), (again[0].id, 1));

    // A mail of an account suspended since it was queued is dropped, not sent.
    let suzuki = app.user_id("cm.suzuki").await;
    store
        .enqueue_mails(
            &[NewMail {
                user_id: suzuki,
                to: "suzuki@example.jp".to_owned(),
                subject: "s".to_owned(),
                body: "b".to_owned(),
            }],
            20_000,
        )
        .await
        .unwrap();
    app.db
        .exec(
            "UPDATE users SET disabled = TRUE WHERE id = $1",
            &[Bind::from(suzuki)],
        )
        .await;
    assert!(store.claim_mails(20_000, 0, 50).await.unwrap().is_empty());
    let kept: i64 = app
        .db
        .scalar(
            "SELECT COUNT(*) FROM email_outbox WHERE user_id = $1",
            &[Bind::from(suzuki)],
        )
        .await;
    assert_eq!(kept, 0);

    // A due digest is queued by one instance only, and then not due for a period.
    app.db
        .exec(
            "INSERT INTO email_addresses (user_id, address, confirmed, mode, digest_since_ms,
                                          digest_next_at_ms, updated_at_ms)
             VALUES ($1, 'sato@example.jp', TRUE, 'digest', 0, 1000, 0)",
            &[Bind::from(user)],
        )
        .await;
    let render = |due: &DigestDue, _: &[DigestEntry]| {
        Some(NewMail {
            user_id: due.user_id,
            to: due.address.clone(),
            subject: "digest".to_owned(),
            body: String::new(),
        })
    };
    let (a, b) = tokio::join!(
        store.queue_digests(5_000, 60_000, 10, &render),
        other.queue_digests(5_000, 60_000, 10, &render)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "one digest");
    assert_eq!(
        store
            .queue_digests(6_000, 60_000, 10, &render)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .queue_digests(65_000, 60_000, 10, &render)
            .await
            .unwrap(),
        1
    );
}
