//! Web Push end to end: devices subscribe through the API, members post, and a push service
//! the test runs on loopback receives what a browser's would. Each push is checked as a
//! browser would: VAPID JWT signed by the key `/push/vapid-key` gives, with the endpoint's
//! origin as audience, and a body that decrypts (RFC 8291/8188, implemented here on its own)
//! to the fixed payload and nothing of the post.

use crate::common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::Aes128Gcm;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::{TestApp, YAMADA};
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};
use serde_json::{json, Value};
use tsunagu_server::push::{PushSettings, Renotify};
use tsunagu_testkit::fixtures::PostFixture;
use uuid::Uuid;

/// A push as the test's push service received it.
#[derive(Debug, Clone)]
struct Received {
    device: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// The push service: `POST /push/{device}` answers 201, or what `answers` says for the device.
#[derive(Clone, Default)]
struct Service {
    received: Arc<Mutex<Vec<Received>>>,
    answers: Arc<Mutex<HashMap<String, u16>>>,
}

async fn receive(
    State(service): State<Service>,
    Path(device): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let status = service
        .answers
        .lock()
        .unwrap()
        .get(&device)
        .copied()
        .unwrap_or(201);
    service.received.lock().unwrap().push(Received {
        device,
        headers,
        body: body.to_vec(),
    });
    StatusCode::from_u16(status).unwrap()
}

impl Service {
    async fn start() -> (Self, SocketAddr) {
        let service = Self::default();
        let router = axum::Router::new()
            .route("/push/{device}", axum::routing::post(receive))
            .with_state(service.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        (service, addr)
    }

    fn all(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    fn count(&self, device: &str) -> usize {
        self.all().iter().filter(|r| r.device == device).count()
    }

    /// Waits until `n` pushes arrived in all (10 s at most), then a little longer so that one
    /// too many would show.
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..200 {
            if self.all().len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        self.all()
    }
}

/// A browser's subscription: its key pair and auth secret.
struct Device {
    name: String,
    secret: p256::SecretKey,
    auth: [u8; 16],
}

impl Device {
    fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            secret: p256::SecretKey::random(&mut rand::rngs::OsRng),
            auth: rand::random(),
        }
    }

    fn subscription(&self, push: SocketAddr) -> Value {
        json!({
            "endpoint": format!("http://{push}/push/{}", self.name),
            "keys": {
                "p256dh": URL_SAFE_NO_PAD.encode(self.secret.public_key().to_sec1_bytes()),
                "auth": URL_SAFE_NO_PAD.encode(self.auth),
            }
        })
    }

    /// RFC 8188 `aes128gcm` with the RFC 8291 key derivation, one record.
    fn decrypt(&self, body: &[u8]) -> Vec<u8> {
        use hkdf::Hkdf;
        use sha2::Sha256;
        let salt = &body[..16];
        let id_len = usize::from(body[20]);
        assert_eq!(id_len, 65, "the key id is the sender's public key");
        let sender = p256::PublicKey::from_sec1_bytes(&body[21..21 + id_len]).unwrap();
        let ciphertext = &body[21 + id_len..];
        let shared =
            p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), sender.as_affine());
        let mut info = b"WebPush: info\0".to_vec();
        info.extend_from_slice(&self.secret.public_key().to_sec1_bytes());
        info.extend_from_slice(&sender.to_sec1_bytes());
        let mut ikm = [0u8; 32];
        Hkdf::<Sha256>::new(Some(&self.auth), shared.raw_secret_bytes())
            .expand(&info, &mut ikm)
            .unwrap();
        let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
        let mut cek = [0u8; 16];
        prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
            .unwrap();
        let mut nonce = [0u8; 12];
        prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
            .unwrap();
        let mut plain = Aes128Gcm::new_from_slice(&cek)
            .unwrap()
            .decrypt(&nonce.into(), ciphertext)
            .expect("the push decrypts with the device's keys");
        // The last record ends with the delimiter 2, then padding zeros.
        while plain.last() == Some(&0) {
            plain.pop();
        }
        assert_eq!(plain.pop(), Some(2));
        plain
    }
}

fn push_settings(renotify_every: Duration) -> PushSettings {
    PushSettings {
        vapid_subject: Some("mailto:push-test@example.jp".to_owned()),
        allow_insecure_endpoints: true,
        // More rounds than a test lasts: reminders end by acknowledgement here.
        renotify: Renotify {
            every: renotify_every,
            max: 30,
        },
    }
}

async fn start(renotify_every: Duration) -> TestApp {
    TestApp::start_with(|s| s.push = push_settings(renotify_every)).await
}

/// Logs `login` in and subscribes this session as a device of the same name.
async fn subscribe(app: &TestApp, push: SocketAddr, login: &str) -> (String, Device) {
    let token = app.login(login).await;
    let device = Device::new(login);
    let response = app
        .put_json(
            &token,
            "/api/v1/me/push-subscription",
            &device.subscription(push),
        )
        .await;
    assert_eq!(response.status(), 204, "{login} subscribes");
    (token, device)
}

async fn mute(app: &TestApp, token: &str, group: Uuid, muted: bool) {
    let response = app
        .put_json(
            token,
            &format!("/api/v1/groups/{group}/mute"),
            &json!({ "muted": muted }),
        )
        .await;
    assert_eq!(response.status(), 204);
}

async fn post(app: &TestApp, token: &str, group: Uuid, fixture: PostFixture) -> Uuid {
    app.api
        .create_post(token, group, &fixture)
        .await
        .unwrap()
        .id
}

/// Checks the VAPID header and returns the decrypted payload.
fn open(received: &Received, device: &Device, vapid_key: &str, push: SocketAddr) -> Value {
    let header = |name: &str| {
        received
            .headers
            .get(name)
            .unwrap_or_else(|| panic!("{name} header"))
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(header("content-encoding"), "aes128gcm");
    assert!(header("ttl").parse::<u64>().unwrap() > 0);
    let authorization = header("authorization");
    let (token, key) = authorization
        .strip_prefix("vapid t=")
        .and_then(|rest| rest.split_once(", k="))
        .expect("vapid t=…, k=…");
    assert_eq!(key, vapid_key);
    let verifying = VerifyingKey::from_sec1_bytes(&URL_SAFE_NO_PAD.decode(key).unwrap()).unwrap();
    let (input, signature) = token.rsplit_once('.').unwrap();
    let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
    verifying
        .verify(input.as_bytes(), &signature)
        .expect("the JWT is signed with the VAPID key");
    let (jwt_header, claims) = input.split_once('.').unwrap();
    let jwt_header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(jwt_header).unwrap()).unwrap();
    assert_eq!(jwt_header["alg"], "ES256");
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();
    assert_eq!(claims["aud"], format!("http://{push}"));
    assert_eq!(claims["sub"], "mailto:push-test@example.jp");
    assert!(claims["exp"].as_i64().unwrap() > chrono::Utc::now().timestamp());
    serde_json::from_slice(&device.decrypt(&received.body)).unwrap()
}

async fn vapid_key(app: &TestApp, token: &str) -> String {
    let response = app.get(token, "/api/v1/push/vapid-key").await;
    assert_eq!(response.status(), 200);
    let key: Value = response.json().await.unwrap();
    let key = key["public_key"].as_str().unwrap().to_owned();
    assert_eq!(URL_SAFE_NO_PAD.decode(&key).unwrap().len(), 65);
    key
}

#[tokio::test]
async fn a_post_is_pushed_once_to_each_subscribed_reader_and_says_nothing_of_it() {
    let (service, push) = Service::start().await;
    let app = start(Duration::from_secs(300)).await;
    let group = app.group_id(YAMADA).await;
    let mut devices = HashMap::new();
    let mut tokens = HashMap::new();
    for login in [
        "ns.tanaka",
        "dr.sato",
        "cm.suzuki",
        "hh.ito",
        "ph.takahashi",
        "fam.yamada",
        "ns.kobayashi",
    ] {
        let (token, device) = subscribe(&app, push, login).await;
        tokens.insert(login, token);
        devices.insert(login.to_owned(), device);
    }
    let key = vapid_key(&app, &tokens["dr.sato"]).await;
    mute(&app, &tokens["hh.ito"], group, true).await;
    let ito = app.api.group(&tokens["hh.ito"], group).await.unwrap();
    assert!(ito.muted);
    assert!(
        !app.api
            .group(&tokens["dr.sato"], group)
            .await
            .unwrap()
            .muted
    );

    let text = "血圧 142/88、夜間の咳が続いています";
    post(&app, &tokens["ns.tanaka"], group, PostFixture::new(text)).await;
    let received = service.wait_for(3).await;
    let mut who: Vec<&str> = received.iter().map(|r| r.device.as_str()).collect();
    who.sort_unstable();
    // Not the author, not the muted member, not the family (care timeline), not a non-member.
    assert_eq!(who, ["cm.suzuki", "dr.sato", "ph.takahashi"]);
    for r in &received {
        assert_eq!(r.headers["urgency"], "normal");
        let payload = open(r, &devices[&r.device], &key, push);
        assert_eq!(
            payload,
            json!({
                "title": "新しいメッセージがあります",
                "kind": "patient",
                "group": group,
                "urgent": false,
            })
        );
        let plain = String::from_utf8(devices[&r.device].decrypt(&r.body)).unwrap();
        assert!(
            !plain.contains("血圧") && !plain.contains("山田"),
            "{plain}"
        );
    }

    // The family timeline reaches the family too; unmuting brings the member back.
    mute(&app, &tokens["hh.ito"], group, false).await;
    post(
        &app,
        &tokens["ns.tanaka"],
        group,
        PostFixture::new("ご家族へ").family(),
    )
    .await;
    let received = service.wait_for(3 + 5).await;
    let mut who: Vec<&str> = received[3..].iter().map(|r| r.device.as_str()).collect();
    who.sort_unstable();
    assert_eq!(
        who,
        [
            "cm.suzuki",
            "dr.sato",
            "fam.yamada",
            "hh.ito",
            "ph.takahashi"
        ]
    );
    let family = received[3..]
        .iter()
        .find(|r| r.device == "fam.yamada")
        .unwrap();
    assert_eq!(
        open(family, &devices["fam.yamada"], &key, push)["group"],
        json!(group)
    );

    // A replayed create (same idempotency key) pushes nothing again.
    let fixture = PostFixture::new("もう一度");
    let ws = app.group_id(common::WORKPLACE).await;
    post(&app, &tokens["ns.tanaka"], ws, fixture.clone()).await;
    post(&app, &tokens["ns.tanaka"], ws, fixture).await;
    let received = service.wait_for(8 + 1).await;
    assert_eq!(received.len(), 9);
    assert_eq!(received[8].device, "ns.kobayashi");
    assert_eq!(
        open(&received[8], &devices["ns.kobayashi"], &key, push)["kind"],
        "workplace"
    );

    // Subscribing and muting are in the access log.
    let db = app.audit_flushed().await;
    let logged: i64 = db
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('push.subscribe', 'group.mute', 'group.unmute')",
            &[],
        )
        .await;
    assert_eq!(logged, 7 + 2);
}

#[tokio::test]
async fn an_urgent_post_is_pushed_again_until_acknowledged_even_when_muted() {
    let (service, push) = Service::start().await;
    let app = start(Duration::from_secs(1)).await;
    let group = app.group_id(YAMADA).await;
    let (tanaka, _) = subscribe(&app, push, "ns.tanaka").await;
    let (sato, sato_device) = subscribe(&app, push, "dr.sato").await;
    let (ito, _) = subscribe(&app, push, "hh.ito").await;
    mute(&app, &ito, group, true).await;
    let key = vapid_key(&app, &sato).await;

    let post_id = post(
        &app,
        &tanaka,
        group,
        PostFixture::new("至急: 転倒").urgent(),
    )
    .await;
    let first = service.wait_for(2).await[..2].to_vec();
    let mut who: Vec<&str> = first.iter().map(|r| r.device.as_str()).collect();
    who.sort_unstable();
    assert_eq!(
        who,
        ["dr.sato", "hh.ito"],
        "the muted member gets the urgent post"
    );
    for r in &first {
        assert_eq!(r.headers["urgency"], "high");
    }
    let sato_push = first.iter().find(|r| r.device == "dr.sato").unwrap();
    assert_eq!(open(sato_push, &sato_device, &key, push)["urgent"], true);

    // Re-notified every second until acknowledged.
    for _ in 0..100 {
        if service.count("dr.sato") >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(service.count("dr.sato") >= 3, "reminders every second");
    assert!(service.count("ns.tanaka") == 0, "never the author");
    let ack = |token: String| {
        let app = &app;
        async move {
            let response = app
                .put_json(
                    &token,
                    &format!("/api/v1/groups/{group}/posts/{post_id}/ack"),
                    &json!({}),
                )
                .await;
            assert_eq!(response.status(), 200);
        }
    };
    ack(sato.clone()).await;
    // A round claimed before the acknowledgement may still arrive.
    let at_ack = service.count("dr.sato") + 1;
    let ito_at_ack = service.count("hh.ito");
    // Rounds are about a second apart (due times are polled every second).
    for _ in 0..100 {
        if service.count("hh.ito") >= ito_at_ack + 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        service.count("hh.ito") >= ito_at_ack + 2,
        "the others still get them"
    );
    assert!(
        service.count("dr.sato") <= at_ack,
        "no reminder after the acknowledgement"
    );

    // Once everyone who may read it (not the family: a care post) has acknowledged it, the
    // reminder ends.
    ack(ito).await;
    ack(app.login("cm.suzuki").await).await;
    ack(app.login("ph.takahashi").await).await;
    let mut left = -1;
    for _ in 0..100 {
        left = app
            .db
            .scalar::<i64>("SELECT COUNT(*) FROM push_reminders", &[])
            .await;
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(left, 0, "the reminder is dropped");
    let settled = service.all().len();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        service.all().len(),
        settled,
        "everyone acknowledged: no more reminders"
    );
}

#[tokio::test]
async fn a_gone_subscription_is_removed_and_one_ends_at_logout() {
    let (service, push) = Service::start().await;
    let app = start(Duration::from_secs(300)).await;
    let group = app.group_id(YAMADA).await;
    let (tanaka, _) = subscribe(&app, push, "ns.tanaka").await;
    let (sato, _) = subscribe(&app, push, "dr.sato").await;
    let status = |token: String| {
        let app = &app;
        async move {
            let response = app.get(&token, "/api/v1/me/push-subscription").await;
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()["subscribed"]
                .as_bool()
                .unwrap()
        }
    };
    assert!(status(sato.clone()).await);
    assert!(
        !status(app.login("dr.sato").await).await,
        "another session of the same user"
    );

    service
        .answers
        .lock()
        .unwrap()
        .insert("dr.sato".to_owned(), 410);
    post(&app, &tanaka, group, PostFixture::new("経過報告")).await;
    service.wait_for(1).await;
    let mut gone = false;
    for _ in 0..100 {
        if !status(sato.clone()).await {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(gone, "410 Gone removed the subscription");

    // Replacing, unsubscribing (twice: idempotent) and logging out.
    let (suzuki, device) = subscribe(&app, push, "cm.suzuki").await;
    let again = app
        .put_json(
            &suzuki,
            "/api/v1/me/push-subscription",
            &device.subscription(push),
        )
        .await;
    assert_eq!(again.status(), 204);
    let suzuki_id = app.user_id("cm.suzuki").await;
    let count = |user: Uuid| {
        let app = &app;
        async move {
            app.db
                .scalar::<i64>(
                    "SELECT COUNT(*) FROM push_subscriptions WHERE user_id = $1",
                    &[user.into()],
                )
                .await
        }
    };
    assert_eq!(count(suzuki_id).await, 1, "one subscription per session");
    for _ in 0..2 {
        let response = app.delete(&suzuki, "/api/v1/me/push-subscription").await;
        assert_eq!(response.status(), 204);
    }
    assert!(!status(suzuki.clone()).await);
    let resubscribed = app
        .put_json(
            &suzuki,
            "/api/v1/me/push-subscription",
            &device.subscription(push),
        )
        .await;
    assert_eq!(resubscribed.status(), 204);
    let logout = app.delete(&suzuki, "/api/v1/sessions/current").await;
    assert_eq!(logout.status(), 204);
    assert_eq!(count(suzuki_id).await, 0, "logout removes the subscription");
    let unsubscribed: i64 = app
        .audit_flushed()
        .await
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'push.unsubscribe' AND user_id = $1",
            &[suzuki_id.into()],
        )
        .await;
    assert_eq!(
        unsubscribed, 1,
        "only the delete that removed one is logged"
    );
}

#[tokio::test]
async fn subscriptions_are_validated_and_push_can_be_off() {
    let app = TestApp::start_with(|s| {
        s.push = PushSettings {
            allow_insecure_endpoints: false,
            ..push_settings(Duration::from_secs(300))
        }
    })
    .await;
    let token = app.login("dr.sato").await;
    let device = Device::new("x");
    let good = device.subscription("127.0.0.1:1".parse().unwrap());
    let with = |endpoint: &str, p256dh: Option<&str>, auth: Option<&str>| {
        let mut body = good.clone();
        body["endpoint"] = json!(endpoint);
        if let Some(p) = p256dh {
            body["keys"]["p256dh"] = json!(p);
        }
        if let Some(a) = auth {
            body["keys"]["auth"] = json!(a);
        }
        body
    };
    let cases = [
        (
            with("http://push.example.jp/x", None, None),
            "push_endpoint_invalid",
            "endpoint",
        ),
        (
            with("http://127.0.0.1:4000/x", None, None),
            "push_endpoint_forbidden",
            "endpoint",
        ),
        (
            with("https://192.168.0.10/x", None, None),
            "push_endpoint_forbidden",
            "endpoint",
        ),
        (
            with("https://[::1]/x", None, None),
            "push_endpoint_forbidden",
            "endpoint",
        ),
        (
            with(
                &format!("https://push.example.jp/{}", "a".repeat(2100)),
                None,
                None,
            ),
            "push_endpoint_invalid",
            "endpoint",
        ),
        (
            with("https://push.example.jp/x", Some("AAAA"), None),
            "push_key_invalid",
            "keys.p256dh",
        ),
        (
            with("https://push.example.jp/x", None, Some("c2hvcnQ")),
            "push_key_invalid",
            "keys.auth",
        ),
    ];
    for (body, code, field) in cases {
        let response = app
            .put_json(&token, "/api/v1/me/push-subscription", &body)
            .await;
        assert_eq!(response.status(), 422, "{body}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["code"], code, "{body}");
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }
    let ok = with("https://push.example.jp/x", None, None);
    let response = app
        .put_json(&token, "/api/v1/me/push-subscription", &ok)
        .await;
    assert_eq!(response.status(), 204);
    let meta: Value = app.api.meta().await.map(|m| json!(m.capabilities)).unwrap();
    assert!(meta.as_array().unwrap().contains(&json!("web_push")));

    // Muting a group of someone else's: as if it did not exist.
    let workplace = app.group_id(common::WORKPLACE).await;
    let response = app
        .put_json(
            &token,
            &format!("/api/v1/groups/{workplace}/mute"),
            &json!({ "muted": true }),
        )
        .await;
    assert_eq!(response.status(), 404);
    let refused: i64 = app
        .audit_flushed()
        .await
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'access.refused' AND group_id = $1",
            &[workplace.into()],
        )
        .await;
    assert_eq!(refused, 1, "probing a group is logged");

    // Without a VAPID subject push is off.
    let off = TestApp::start().await;
    let token = off.login("dr.sato").await;
    for response in [
        off.get(&token, "/api/v1/push/vapid-key").await,
        off.put_json(&token, "/api/v1/me/push-subscription", &ok)
            .await,
    ] {
        assert_eq!(response.status(), 404);
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["code"], "push_not_configured");
    }
    let meta = off.api.meta().await.unwrap();
    assert!(!meta.capabilities.contains(&"web_push".to_owned()));
    // Asking a server without push is not probing for something hidden.
    let refused: i64 = off
        .audit_flushed()
        .await
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'access.refused'",
            &[],
        )
        .await;
    assert_eq!(refused, 0);
}

#[tokio::test]
async fn of_instances_claiming_at_once_one_gets_each_reminder_round() {
    let app = TestApp::start().await;
    let group = app.group_id(YAMADA).await;
    let token = app.login("ns.tanaka").await;
    let post_id = post(&app, &token, group, PostFixture::new("至急").urgent()).await;
    let store = &app.state.store;
    store.add_push_reminder(post_id, 1_000, 3).await.unwrap();
    // A second schedule of the same post changes nothing.
    store.add_push_reminder(post_id, 1_000, 9).await.unwrap();
    let (other, _) = tsunagu_server::db::connect(&app.database_url, 4)
        .await
        .map(|db| (tsunagu_server::admin::store(&db), db))
        .unwrap();
    for round in 0..3 {
        let now = 1_000 + round * 60_000;
        let (a, b) = tokio::join!(
            store.claim_push_reminders(now, 60_000, 10),
            other.claim_push_reminders(now, 60_000, 10),
        );
        let claimed: Vec<Uuid> = a
            .unwrap()
            .into_iter()
            .chain(b.unwrap())
            .map(|p| p.post_id)
            .collect();
        assert_eq!(claimed, [post_id], "round {round}: claimed once");
        let again = store.claim_push_reminders(now, 60_000, 10).await.unwrap();
        assert!(again.is_empty(), "round {round}: not due again at once");
    }
    let spent = store
        .claim_push_reminders(1_000 + 3 * 60_000, 60_000, 10)
        .await
        .unwrap();
    assert!(spent.is_empty(), "three rounds, then none");
    let left: i64 = app
        .db
        .scalar("SELECT COUNT(*) FROM push_reminders", &[])
        .await;
    assert_eq!(left, 0, "a spent reminder is dropped");
}

/// `s` as a query parameter value.
fn encoded(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `{"subscribed": …}` of `GET /me/push-subscription`, with `?endpoint=` when given.
async fn subscribed(app: &TestApp, token: &str, endpoint: Option<&str>) -> bool {
    let path = match endpoint {
        Some(endpoint) => format!(
            "/api/v1/me/push-subscription?endpoint={}",
            encoded(endpoint)
        ),
        None => "/api/v1/me/push-subscription".to_owned(),
    };
    let response = app.get(token, &path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json::<Value>().await.unwrap()["subscribed"]
        .as_bool()
        .unwrap()
}

/// The subscriptions of `user`, as (endpoint, linked to a session).
async fn subscriptions_of(app: &TestApp, user: Uuid) -> Vec<(String, bool)> {
    let endpoints: Vec<String> = app
        .db
        .column(
            "SELECT endpoint FROM push_subscriptions WHERE user_id = $1 ORDER BY endpoint",
            &[user.into()],
        )
        .await;
    let mut out = Vec::new();
    for endpoint in endpoints {
        let linked: i64 = app
            .db
            .scalar(
                "SELECT COUNT(*) FROM push_subscriptions
                 WHERE endpoint = $1 AND session_token_hash IS NOT NULL",
                &[endpoint.clone().into()],
            )
            .await;
        out.push((endpoint, linked == 1));
    }
    out
}

/// Lets `token`'s session lie idle past the timeout and expire as a request finds it; the
/// maintenance task's pruning runs too.
async fn expire_idle(app: &TestApp, token: &str) {
    app.db
        .exec(
            "UPDATE sessions SET last_seen_ms = $1 WHERE token_hash = $2",
            &[
                (chrono::Utc::now().timestamp_millis() - 2 * 24 * 3_600_000).into(),
                tsunagu_server::token::hash(token).into(),
            ],
        )
        .await;
    common::expect_problem(app.get(token, "/api/v1/me").await, 401, "session_expired").await;
    app.prune().await;
    let left: i64 = app
        .db
        .scalar(
            "SELECT COUNT(*) FROM sessions WHERE token_hash = $1",
            &[tsunagu_server::token::hash(token).into()],
        )
        .await;
    assert_eq!(left, 0, "the expired session is gone");
}

/// Posts in the 山田 group as 田中 and waits until the control device (ph.takahashi, a member
/// who gets every post) has it: the worker sends notices in order, so every push of this post
/// has been sent by then.
async fn post_and_settle(app: &TestApp, service: &Service, author: &str, text: &str) {
    let group = app.group_id(YAMADA).await;
    let before = service.count("ph.takahashi");
    post(app, author, group, PostFixture::new(text)).await;
    for _ in 0..200 {
        if service.count("ph.takahashi") > before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(
        service.count("ph.takahashi"),
        before + 1,
        "the control push"
    );
}

#[tokio::test]
async fn a_subscription_outlives_its_sessions_idle_expiry_and_ends_at_logout() {
    let (service, push) = Service::start().await;
    let app = start(Duration::from_secs(300)).await;
    let tanaka = app.login("ns.tanaka").await;
    subscribe(&app, push, "ph.takahashi").await;
    let (sato, device) = subscribe(&app, push, "dr.sato").await;
    let endpoint = device.subscription(push)["endpoint"]
        .as_str()
        .unwrap()
        .to_owned();
    let sato_id = app.user_id("dr.sato").await;

    // The phone lies in a pocket past the idle timeout: its session expires, its pushes go on.
    expire_idle(&app, &sato).await;
    assert_eq!(
        subscriptions_of(&app, sato_id).await,
        [(endpoint.clone(), false)],
        "kept, no longer linked to the session"
    );
    post_and_settle(&app, &service, &tanaka, "経過報告").await;
    assert_eq!(
        service.count("dr.sato"),
        1,
        "pushed after the session expired"
    );
    let key = vapid_key(&app, &tanaka).await;
    let received = service.all();
    let pushed = received.iter().find(|r| r.device == "dr.sato").unwrap();
    assert_eq!(open(pushed, &device, &key, push)["urgent"], false);

    // Logged in again on the device: the new session has no subscription, but the device is
    // subscribed for the user; subscribing again attaches it to the new session.
    let again = app.login("dr.sato").await;
    assert!(!subscribed(&app, &again, None).await);
    assert!(subscribed(&app, &again, Some(&endpoint)).await);
    let suzuki = app.login("cm.suzuki").await;
    assert!(
        !subscribed(&app, &suzuki, Some(&endpoint)).await,
        "not someone else's device"
    );
    let response = app
        .put_json(
            &again,
            "/api/v1/me/push-subscription",
            &device.subscription(push),
        )
        .await;
    assert_eq!(response.status(), 204);
    assert!(subscribed(&app, &again, None).await);
    assert_eq!(
        subscriptions_of(&app, sato_id).await,
        [(endpoint.clone(), true)]
    );

    // An explicit logout ends it: no more pushes to the device.
    let logout = app.delete(&again, "/api/v1/sessions/current").await;
    assert_eq!(logout.status(), 204);
    assert!(subscriptions_of(&app, sato_id).await.is_empty());
    post_and_settle(&app, &service, &tanaka, "夕方の様子").await;
    assert_eq!(service.count("dr.sato"), 1, "nothing after the logout");

    // A subscription left by an expired session is removed by its endpoint.
    let (third, _) = subscribe(&app, push, "dr.sato").await;
    expire_idle(&app, &third).await;
    let fourth = app.login("dr.sato").await;
    assert!(subscribed(&app, &fourth, Some(&endpoint)).await);
    let path = format!(
        "/api/v1/me/push-subscription?endpoint={}",
        encoded(&endpoint)
    );
    assert_eq!(app.delete(&fourth, &path).await.status(), 204);
    assert!(!subscribed(&app, &fourth, Some(&endpoint)).await);
    assert!(subscriptions_of(&app, sato_id).await.is_empty());
}

#[tokio::test]
async fn a_device_registered_again_by_another_user_moves_to_them() {
    let (service, push) = Service::start().await;
    let app = start(Duration::from_secs(300)).await;
    subscribe(&app, push, "ph.takahashi").await;
    let tanaka = app.login("ns.tanaka").await;
    // A shared tablet: 佐藤 subscribes it, then 鈴木 logs in on it and subscribes it again.
    let tablet = Device::new("tablet");
    let sato = app.login("dr.sato").await;
    let response = app
        .put_json(
            &sato,
            "/api/v1/me/push-subscription",
            &tablet.subscription(push),
        )
        .await;
    assert_eq!(response.status(), 204);
    let suzuki = app.login("cm.suzuki").await;
    post_and_settle(&app, &service, &suzuki, "鈴木より").await;
    assert_eq!(
        service.count("tablet"),
        1,
        "佐藤's tablet hears of 鈴木's post"
    );

    let response = app
        .put_json(
            &suzuki,
            "/api/v1/me/push-subscription",
            &tablet.subscription(push),
        )
        .await;
    assert_eq!(response.status(), 204);
    let endpoint = tablet.subscription(push)["endpoint"]
        .as_str()
        .unwrap()
        .to_owned();
    let (sato_id, suzuki_id) = (app.user_id("dr.sato").await, app.user_id("cm.suzuki").await);
    assert!(subscriptions_of(&app, sato_id).await.is_empty());
    assert_eq!(
        subscriptions_of(&app, suzuki_id).await,
        [(endpoint.clone(), true)]
    );
    assert!(!subscribed(&app, &sato, None).await);
    assert!(!subscribed(&app, &sato, Some(&endpoint)).await);
    assert!(subscribed(&app, &suzuki, None).await);

    // Now the tablet is 鈴木's: their own post is not pushed to it, 佐藤's is.
    post_and_settle(&app, &service, &suzuki, "鈴木より2").await;
    assert_eq!(service.count("tablet"), 1, "not 鈴木's own post");
    post_and_settle(&app, &service, &sato, "佐藤より").await;
    assert_eq!(service.count("tablet"), 2, "鈴木 hears of 佐藤's post");
    // 佐藤's logout on the tablet's old session does not take it from 鈴木.
    assert_eq!(
        app.delete(&sato, "/api/v1/sessions/current").await.status(),
        204
    );
    assert_eq!(subscriptions_of(&app, suzuki_id).await.len(), 1);

    // One subscription per session: a new endpoint replaces the session's previous one.
    let phone = Device::new("phone");
    let response = app
        .put_json(
            &suzuki,
            "/api/v1/me/push-subscription",
            &phone.subscription(push),
        )
        .await;
    assert_eq!(response.status(), 204);
    let phone_endpoint = phone.subscription(push)["endpoint"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        subscriptions_of(&app, suzuki_id).await,
        [(phone_endpoint, true)]
    );
    post_and_settle(&app, &service, &tanaka, "田中より").await;
    assert_eq!(service.count("tablet"), 2);
    assert_eq!(service.count("phone"), 1);
}

#[tokio::test]
async fn a_password_reset_or_suspension_ends_every_subscription_of_the_account() {
    let (service, push) = Service::start().await;
    let app = start(Duration::from_secs(300)).await;
    subscribe(&app, push, "ph.takahashi").await;
    let tanaka = app.login("ns.tanaka").await;
    let sato_id = app.user_id("dr.sato").await;
    // One subscription whose session expired, one live.
    let (old, _) = subscribe(&app, push, "dr.sato").await;
    expire_idle(&app, &old).await;
    let tablet = Device::new("sato-tablet");
    let token = app.login("dr.sato").await;
    let response = app
        .put_json(
            &token,
            "/api/v1/me/push-subscription",
            &tablet.subscription(push),
        )
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(subscriptions_of(&app, sato_id).await.len(), 2);

    tsunagu_server::admin::accounts::reset_password(
        &app.state.store,
        "dr.sato",
        "Shinryo-2027-sato?".to_owned(),
    )
    .await
    .unwrap();
    assert!(subscriptions_of(&app, sato_id).await.is_empty());

    // A suspension ends them too, and a reactivation does not bring them back.
    let (suzuki, _) = subscribe(&app, push, "cm.suzuki").await;
    let suzuki_id = app.user_id("cm.suzuki").await;
    let operator = app.login("op.ishikai").await;
    let path = format!("/api/v1/users/{suzuki_id}/suspension");
    for method in [reqwest::Method::POST, reqwest::Method::DELETE] {
        let response = app.send(method, Some(&operator), &path, None).await;
        assert_eq!(response.status(), 204);
        assert!(subscriptions_of(&app, suzuki_id).await.is_empty());
    }
    assert_eq!(app.get(&suzuki, "/api/v1/me").await.status(), 401);

    post_and_settle(&app, &service, &tanaka, "経過報告").await;
    assert_eq!(service.count("dr.sato") + service.count("sato-tablet"), 0);
    assert_eq!(service.count("cm.suzuki"), 0);
}
