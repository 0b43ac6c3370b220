//! The authorization matrix: every group, post, membership, invitation, directory, search,
//! two-factor, account suspension, onboarding (pledge, applications, settings, staff,
//! activation), adoption dashboard and event endpoint, called by every kind of caller, answers
//! exactly the expected status, and refusals leak nothing.

use crate::common;

use common::{TestApp, YAMADA};
use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;

/// The callers, in the order every row lists its expectations. The group admin and the
/// attending physician come last, so what they change does not disturb the other cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    /// op.ishikai: the medical association's operator, in no group.
    Operator,
    /// dr.yamamoto: representative of another facility, not a member.
    FacilityAdmin,
    /// ns.kobayashi: a professional who is not a member.
    NonMember,
    /// fam.nakamura: family member of another patient group.
    OtherFamily,
    /// fam.yamada: family member of this group.
    Family,
    /// hh.ito: member.
    Member,
    /// cm.suzuki: admin, not the attending physician.
    Admin,
    /// dr.sato: admin and attending physician.
    Physician,
}

const WHO: [Who; 9] = [
    Who::Anonymous,
    Who::Operator,
    Who::FacilityAdmin,
    Who::NonMember,
    Who::OtherFamily,
    Who::Family,
    Who::Member,
    Who::Admin,
    Who::Physician,
];

fn login_of(who: Who) -> Option<&'static str> {
    match who {
        Who::Anonymous => None,
        Who::Operator => Some("op.ishikai"),
        Who::FacilityAdmin => Some("dr.yamamoto"),
        Who::NonMember => Some("ns.kobayashi"),
        Who::OtherFamily => Some("fam.nakamura"),
        Who::Family => Some("fam.yamada"),
        Who::Member => Some("hh.ito"),
        Who::Admin => Some("cm.suzuki"),
        Who::Physician => Some("dr.sato"),
    }
}

/// Text that must never appear in a refusal.
const SECRETS: &[&str] = &["山田", "花子", "やまだ", "ペニシリン", "褥瘡", "マトリクス"];

struct Row {
    method: Method,
    path: String,
    body: Option<Value>,
    /// Per caller, in `WHO` order.
    expect: [u16; 9],
}

fn row(method: Method, path: String, body: Option<Value>, expect: [u16; 9]) -> Row {
    Row {
        method,
        path,
        body,
        expect,
    }
}

#[tokio::test]
async fn every_endpoint_answers_every_caller_exactly() {
    let app = TestApp::start().await;
    let group = app.group_id(YAMADA).await;
    let g = format!("/api/v1/groups/{group}");
    let mut tokens = Vec::new();
    for who in WHO {
        tokens.push(match login_of(who) {
            Some(login) => Some(app.login(login).await),
            None => None,
        });
    }
    let token = |who: Who| tokens[WHO.iter().position(|w| *w == who).unwrap()].clone();
    let physician = token(Who::Physician).unwrap();
    let admin = token(Who::Admin).unwrap();

    // Set-up through the API: a link to revoke, two invitations waiting for the physician.
    let link: Value = app
        .post_json(
            &physician,
            &format!("{g}/invitation-links"),
            &json!({ "kind": "family" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let link_id = link["invitation"]["id"].as_str().unwrap().to_owned();
    let kimura = app.user_id("sw.kimura").await;
    let mut pending = Vec::new();
    for _ in 0..2 {
        let response = app
            .post_json(
                &admin,
                &format!("{g}/members"),
                &json!({ "user_id": kimura }),
            )
            .await;
        assert_eq!(response.status(), 202);
        let invitation: Value = response.json().await.unwrap();
        pending.push(invitation["id"].as_str().unwrap().to_owned());
    }
    let family_post: String = app
        .db
        .scalar(
            "SELECT CAST(id AS TEXT) FROM posts WHERE group_id = $1 AND timeline = 'family'
             LIMIT 1",
            &[group.into()],
        )
        .await;
    // Posts by ns.tanaka, who is none of the callers: nobody here is their author.
    let tanaka_post = |timeline: &'static str| {
        let db = app.db.clone();
        async move {
            db.scalar::<String>(
                "SELECT CAST(p.id AS TEXT) FROM posts p JOIN users u ON u.id = p.author_id
                 WHERE p.group_id = $1 AND p.timeline = $2 AND u.login_id = 'ns.tanaka'
                 ORDER BY p.created_at_ms LIMIT 1",
                &[group.into(), timeline.into()],
            )
            .await
        }
    };
    let tanaka_family = tanaka_post("family").await;
    let tanaka_care = tanaka_post("care").await;
    let watanabe = app.user_id("pt.watanabe").await;
    let unknown = Uuid::now_v7();
    let tanaka_id = app.user_id("ns.tanaka").await;
    let facility_of = |login: &'static str| {
        let db = app.db.clone();
        async move {
            db.scalar::<String>(
                "SELECT CAST(facility_id AS TEXT) FROM users WHERE login_id = $1",
                &[login.into()],
            )
            .await
        }
    };
    let station = facility_of("ns.tanaka").await;
    let hospital = facility_of("dr.yamamoto").await;
    let kimura_facility = facility_of("sw.kimura").await;
    let ito = app.user_id("hh.ito").await;
    let takahashi = app.user_id("ph.takahashi").await;

    // Files by ns.tanaka on a care post and a family post, and one of theirs on no post.
    let tanaka = app.login("ns.tanaka").await;
    let mut files = Vec::new();
    for (timeline, attach) in [("care", true), ("family", true), ("care", false)] {
        let bytes = b"%PDF-1.4\n matrix".to_vec();
        let meta = |s: &str| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(s)
        };
        let created = app
            .client
            .post(app.url("/api/v1/uploads"))
            .bearer_auth(&tanaka)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", bytes.len().to_string())
            .header(
                "Upload-Metadata",
                format!(
                    "group {},timeline {},filename {}",
                    meta(&group.to_string()),
                    meta(timeline),
                    meta("m.pdf")
                ),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201);
        let location = created.headers()["location"].to_str().unwrap().to_owned();
        let patched = app
            .client
            .patch(app.url(&location))
            .bearer_auth(&tanaka)
            .header("Tus-Resumable", "1.0.0")
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", "0")
            .body(bytes)
            .send()
            .await
            .unwrap();
        assert_eq!(patched.status(), 204);
        let id = location.rsplit('/').next().unwrap().to_owned();
        if attach {
            let response = app
                .post_json(
                    &tanaka,
                    &format!("{g}/posts"),
                    &json!({ "body": "", "timeline": timeline, "attachments": [{ "upload_id": id }] }),
                )
                .await;
            assert_eq!(response.status(), 201);
        }
        files.push(id);
    }
    let (care_file, family_file, loose_file) = (&files[0], &files[1], &files[2]);

    const HIDDEN: [u16; 5] = [401, 404, 404, 404, 404];
    let cat = |head: [u16; 5], tail: [u16; 4]| -> [u16; 9] {
        let mut all = [0; 9];
        all[..5].copy_from_slice(&head);
        all[5..].copy_from_slice(&tail);
        all
    };
    let pro_only = [401, 200, 200, 200, 404, 404, 200, 200, 200];
    let rows = vec![
        row(
            Method::GET,
            "/api/v1/groups".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Method::GET,
            g.clone(),
            None,
            cat(HIDDEN, [200, 200, 200, 200]),
        ),
        row(
            Method::GET,
            format!("{g}/posts"),
            None,
            cat(HIDDEN, [200, 200, 200, 200]),
        ),
        row(
            Method::GET,
            format!("{g}/posts?timeline=care"),
            None,
            cat(HIDDEN, [404, 200, 200, 200]),
        ),
        row(
            Method::GET,
            format!("{g}/posts?timeline=family"),
            None,
            cat(HIDDEN, [200, 200, 200, 200]),
        ),
        row(
            Method::GET,
            format!("{g}/posts/{family_post}"),
            None,
            cat(HIDDEN, [200, 200, 200, 200]),
        ),
        row(
            Method::POST,
            format!("{g}/posts"),
            Some(json!({ "body": "マトリクス確認（ケア）", "timeline": "care" })),
            cat(HIDDEN, [404, 201, 201, 201]),
        ),
        row(
            Method::POST,
            format!("{g}/posts"),
            Some(json!({ "body": "マトリクス確認（家族）", "timeline": "family" })),
            cat(HIDDEN, [201, 201, 201, 201]),
        ),
        row(
            Method::PUT,
            format!("{g}/read"),
            Some(json!({ "timeline": "family", "up_to": family_post })),
            cat(HIDDEN, [204, 204, 204, 204]),
        ),
        row(
            Method::GET,
            format!("{g}/posts?min_importance=important"),
            None,
            cat(HIDDEN, [200, 200, 200, 200]),
        ),
        row(
            Method::GET,
            format!("{g}/posts/{tanaka_family}/receipts"),
            None,
            cat(HIDDEN, [200, 200, 200, 200]),
        ),
        row(
            Method::GET,
            format!("{g}/posts/{tanaka_care}/receipts"),
            None,
            cat(HIDDEN, [404, 200, 200, 200]),
        ),
        row(
            Method::PUT,
            format!("{g}/posts/{tanaka_family}/ack"),
            None,
            cat(HIDDEN, [200, 200, 200, 200]),
        ),
        row(
            Method::PUT,
            format!("{g}/posts/{tanaka_care}/ack"),
            None,
            cat(HIDDEN, [404, 200, 200, 200]),
        ),
        // History: the group's admins (and the author, who is none of these callers).
        row(
            Method::GET,
            format!("{g}/posts/{tanaka_family}/history"),
            None,
            cat(HIDDEN, [403, 403, 200, 200]),
        ),
        row(
            Method::GET,
            format!("{g}/posts/{tanaka_care}/history"),
            None,
            cat(HIDDEN, [404, 403, 200, 200]),
        ),
        // Only the author edits or deletes; admins too are refused (before any If-Match).
        row(
            Method::PATCH,
            format!("{g}/posts/{tanaka_family}"),
            Some(json!({ "body": "マトリクス編集" })),
            cat(HIDDEN, [403, 403, 403, 403]),
        ),
        row(
            Method::DELETE,
            format!("{g}/posts/{tanaka_family}"),
            None,
            cat(HIDDEN, [403, 403, 403, 403]),
        ),
        row(
            Method::DELETE,
            format!("{g}/posts/{tanaka_care}"),
            None,
            cat(HIDDEN, [404, 403, 403, 403]),
        ),
        row(
            Method::GET,
            "/api/v1/urgent".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        // Everyone may search; what they find is scoped (tests/search.rs).
        row(
            Method::GET,
            "/api/v1/search?q=%E8%A4%A5%E7%98%A1".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Method::GET,
            format!("/api/v1/search?q=%E8%A4%A5%E7%98%A1&group_id={group}"),
            None,
            cat(HIDDEN, [200, 200, 200, 200]),
        ),
        row(
            Method::GET,
            format!("{g}/members"),
            None,
            cat(HIDDEN, [200, 200, 200, 200]),
        ),
        row(
            Method::PATCH,
            g.clone(),
            Some(json!({ "physician_rule": "approval_required" })),
            cat(HIDDEN, [403, 403, 200, 200]),
        ),
        // The admin only invites (physician rule); the physician adds at once.
        row(
            Method::POST,
            format!("{g}/members"),
            Some(json!({ "user_id": watanabe })),
            cat(HIDDEN, [403, 403, 202, 201]),
        ),
        row(
            Method::PATCH,
            format!("{g}/members/{ito}"),
            Some(json!({ "role": "member" })),
            cat(HIDDEN, [403, 403, 200, 200]),
        ),
        row(
            Method::GET,
            format!("{g}/invitation-links"),
            None,
            cat(HIDDEN, [403, 403, 200, 200]),
        ),
        row(
            Method::POST,
            format!("{g}/invitation-links"),
            Some(json!({ "kind": "family" })),
            cat(HIDDEN, [403, 403, 201, 201]),
        ),
        row(
            Method::DELETE,
            format!("{g}/invitation-links/{link_id}"),
            None,
            cat(HIDDEN, [403, 403, 204, 204]),
        ),
        row(
            Method::GET,
            "/api/v1/invitations".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            format!("/api/v1/invitations/{}/approve", pending[0]),
            None,
            cat(HIDDEN, [404, 404, 404, 200]),
        ),
        row(
            Method::POST,
            format!("/api/v1/invitations/{}/decline", pending[1]),
            Some(json!({ "reason": "担当者を確認中のため" })),
            cat(HIDDEN, [404, 404, 404, 200]),
        ),
        row(
            Method::GET,
            "/api/v1/directory/people?q=%E7%94%B0%E4%B8%AD".into(),
            None,
            pro_only,
        ),
        row(
            Method::GET,
            "/api/v1/directory/facilities".into(),
            None,
            pro_only,
        ),
        row(
            Method::POST,
            "/api/v1/groups".into(),
            Some(json!({ "kind": "workplace", "name": "マトリクス委員会" })),
            [401, 201, 201, 201, 403, 403, 201, 201, 201],
        ),
        row(
            Method::POST,
            "/api/v1/direct".into(),
            Some(json!({ "user_id": takahashi })),
            [401, 201, 201, 201, 403, 403, 201, 201, 201],
        ),
        // Removing someone else: admins only; the physician's target was removed by then.
        row(
            Method::DELETE,
            format!("{g}/members/{takahashi}"),
            None,
            cat(HIDDEN, [403, 403, 204, 404]),
        ),
        // Two-factor enrolment: anyone for their own account, nobody without a session. The
        // start is not confirmed, so every caller can start; the confirm with a wrong code is
        // refused for every caller (their own enrolment, nobody else's).
        row(
            Method::POST,
            "/api/v1/me/two-factor".into(),
            Some(json!({ "password": common::PASSWORD })),
            [401, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/v1/me/two-factor/confirm".into(),
            Some(json!({ "code": "000000" })),
            [401, 422, 422, 422, 422, 422, 422, 422, 422],
        ),
        // Suspending pt.watanabe (none of the callers, at a facility none of them administers):
        // only the operator; to everyone else the account does not exist. Reactivated at once.
        row(
            Method::POST,
            format!("/api/v1/users/{watanabe}/suspension"),
            None,
            [401, 204, 404, 404, 404, 404, 404, 404, 404],
        ),
        row(
            Method::DELETE,
            format!("/api/v1/users/{watanabe}/suspension"),
            None,
            [401, 204, 404, 404, 404, 404, 404, 404, 404],
        ),
        // The confidentiality pledge is public; publishing, applications and settings are the
        // operator's alone. (Submitting an application and activating are public and
        // throttled per address: tests/onboarding.rs covers them.)
        row(
            Method::GET,
            "/api/v1/pledge".into(),
            None,
            [200, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Method::PUT,
            "/api/v1/pledge".into(),
            Some(json!({ "text": "連携守秘誓約書（改訂）" })),
            [401, 200, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            Method::GET,
            "/api/v1/applications".into(),
            None,
            [401, 200, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            Method::GET,
            "/api/v1/applications/pending".into(),
            None,
            [401, 200, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            Method::POST,
            format!("/api/v1/applications/{unknown}/approval"),
            None,
            [401, 404, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            Method::POST,
            format!("/api/v1/applications/{unknown}/rejection"),
            Some(json!({ "reason": "区域外" })),
            [401, 404, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            Method::GET,
            "/api/v1/settings".into(),
            None,
            [401, 200, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            Method::PUT,
            "/api/v1/settings".into(),
            Some(json!({ "two_factor": { "everyone": false }, "idle_lock_minutes": 15 })),
            [401, 200, 403, 403, 403, 403, 403, 403, 403],
        ),
        // A facility's staff: the operator, and that facility's admin (dr.yamamoto for the
        // hospital); the station's staff list exists for nobody else (ns.kobayashi works there
        // but does not administer it). The first allowed caller adds the account; the next
        // finds its login ID taken.
        row(
            Method::GET,
            format!("/api/v1/facilities/{station}/staff"),
            None,
            [401, 200, 404, 404, 404, 404, 404, 404, 404],
        ),
        row(
            Method::GET,
            format!("/api/v1/facilities/{hospital}/staff"),
            None,
            [401, 200, 200, 404, 404, 404, 404, 404, 404],
        ),
        row(
            Method::POST,
            format!("/api/v1/facilities/{hospital}/staff"),
            Some(
                json!({ "display_name": "病院 次郎", "display_name_kana": "びょういん じろう",
                         "profession": "nurse", "login_id": "byouin.jiro" }),
            ),
            [401, 201, 409, 404, 404, 404, 404, 404, 404],
        ),
        row(
            Method::POST,
            format!("/api/v1/facilities/{station}/staff"),
            Some(
                json!({ "display_name": "駅 三郎", "display_name_kana": "えき さぶろう",
                         "profession": "nurse", "login_id": "eki.saburo" }),
            ),
            [401, 201, 404, 404, 404, 404, 404, 404, 404],
        ),
        // Resetting and offboarding pt.watanabe (the station's): only the operator here.
        row(
            Method::POST,
            format!("/api/v1/users/{watanabe}/activation"),
            None,
            [401, 201, 404, 404, 404, 404, 404, 404, 404],
        ),
        row(
            Method::POST,
            format!("/api/v1/users/{watanabe}/offboarding"),
            None,
            [401, 204, 404, 404, 404, 404, 404, 404, 404],
        ),
        // A new link for a family member: the group's admins, for its family members only
        // (ns.tanaka is a professional: her facility resets her).
        row(
            Method::POST,
            format!("{g}/members/{tanaka_id}/activation"),
            None,
            cat(HIDDEN, [403, 403, 404, 404]),
        ),
        // Suspending a whole facility (sw.kimura's, none of the callers'): the operator only;
        // reactivated at once.
        row(
            Method::POST,
            format!("/api/v1/facilities/{kimura_facility}/suspension"),
            None,
            [401, 204, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            Method::DELETE,
            format!("/api/v1/facilities/{kimura_facility}/suspension"),
            None,
            [401, 204, 403, 403, 403, 403, 403, 403, 403],
        ),
        // The access log: the operator, and a facility's administrator (for their staff).
        row(
            Method::GET,
            "/api/v1/access-log".into(),
            None,
            [401, 200, 200, 403, 403, 403, 403, 403, 403],
        ),
        row(
            Method::GET,
            "/api/v1/access-log.csv".into(),
            None,
            [401, 200, 200, 403, 403, 403, 403, 403, 403],
        ),
        // The adoption dashboard and its CSV tables: the operator only.
        row(
            Method::GET,
            "/api/v1/operator/dashboard".into(),
            None,
            [401, 200, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            Method::GET,
            "/api/v1/operator/dashboard.csv?table=facilities".into(),
            None,
            [401, 200, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            Method::GET,
            "/api/v1/operator/dashboard.csv?table=never_active".into(),
            None,
            [401, 200, 403, 403, 403, 403, 403, 403, 403],
        ),
        // Activation links open without a login; an unknown one is the same 404 for everyone.
        row(
            Method::GET,
            "/api/v1/activation/not-a-link".into(),
            None,
            [404, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        row(
            Method::POST,
            "/api/v1/activation/not-a-link/two-factor".into(),
            None,
            [404, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        // Files: the post's readers; a file on no post, nobody but its uploader.
        row(
            Method::GET,
            format!("/api/v1/media/{care_file}"),
            None,
            cat(HIDDEN, [404, 200, 200, 200]),
        ),
        row(
            Method::GET,
            format!("/api/v1/media/{family_file}"),
            None,
            cat(HIDDEN, [200, 200, 200, 200]),
        ),
        row(
            Method::GET,
            format!("/api/v1/media/{care_file}/thumbnail"),
            None,
            cat(HIDDEN, [404, 404, 404, 404]),
        ),
        row(
            Method::GET,
            format!("/api/v1/media/{loose_file}"),
            None,
            cat(HIDDEN, [404, 404, 404, 404]),
        ),
        row(
            Method::GET,
            format!("/api/v1/uploads/{loose_file}"),
            None,
            cat(HIDDEN, [404, 404, 404, 404]),
        ),
        row(
            Method::DELETE,
            format!("/api/v1/uploads/{loose_file}"),
            None,
            cat(HIDDEN, [404, 404, 404, 404]),
        ),
        row(
            Method::GET,
            format!("{g}/media"),
            None,
            cat(HIDDEN, [200, 200, 200, 200]),
        ),
        row(
            Method::GET,
            format!("{g}/media?timeline=care"),
            None,
            cat(HIDDEN, [404, 200, 200, 200]),
        ),
        row(
            Method::PUT,
            "/api/v1/session/media-cookie".into(),
            None,
            [401, 204, 204, 204, 204, 204, 204, 204, 204],
        ),
        // Last: archiving. The physician finds it archived already.
        row(
            Method::POST,
            format!("{g}/archive"),
            None,
            cat(HIDDEN, [403, 403, 200, 409]),
        ),
    ];

    let mut failures = Vec::new();
    for row in &rows {
        for (who, expected) in WHO.iter().zip(row.expect) {
            let response = app
                .send(
                    row.method.clone(),
                    token(*who).as_deref(),
                    &row.path,
                    row.body.as_ref(),
                )
                .await;
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            if status != expected {
                failures.push(format!(
                    "{} {} as {who:?}: expected {expected}, got {status}: {text:.200}",
                    row.method, row.path
                ));
            }
            if matches!(status, 401 | 403 | 404) {
                for secret in SECRETS {
                    assert!(
                        !text.contains(secret),
                        "{} {} as {who:?} leaks {secret}: {text}",
                        row.method,
                        row.path
                    );
                }
            }
        }
    }
    // The event stream never ends, so its status is checked without reading the body.
    for who in WHO {
        let mut request = app.client.get(app.url("/api/v1/events"));
        if let Some(t) = token(who) {
            request = request.bearer_auth(t);
        }
        let response = tokio::time::timeout(std::time::Duration::from_secs(5), request.send())
            .await
            .expect("headers come at once")
            .unwrap();
        let expected = if who == Who::Anonymous { 401 } else { 200 };
        if response.status().as_u16() != expected {
            failures.push(format!(
                "GET /api/v1/events as {who:?}: expected {expected}, got {}",
                response.status()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn family_members_see_only_their_own_group_and_its_family_timeline() {
    let app = TestApp::start().await;
    let family = app.login("fam.yamada").await;
    let page: Value = app
        .get(&family, "/api/v1/groups")
        .await
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["name"], YAMADA);
    assert_eq!(items[0]["my_role"], "family");
    assert_eq!(items[0]["timelines"], json!(["family"]));
    assert_eq!(items[0]["last_post"]["timeline"], "family");
    assert_eq!(items[0]["patient"]["name"], "山田 花子");

    let group = app.group_id(YAMADA).await;
    let care = app
        .get(
            &family,
            &format!("/api/v1/groups/{group}/posts?timeline=care"),
        )
        .await;
    let care = common::expect_problem(care, 404, "not_found").await;
    let missing = app
        .get(&family, &format!("/api/v1/groups/{}/posts", Uuid::now_v7()))
        .await;
    assert_eq!(
        care,
        common::expect_problem(missing, 404, "not_found").await
    );

    // The default timeline is theirs; every post in it is a family post.
    let posts: Value = app
        .get(&family, &format!("/api/v1/groups/{group}/posts"))
        .await
        .json()
        .await
        .unwrap();
    let posts = posts["items"].as_array().unwrap();
    assert_eq!(posts.len(), 6);
    assert!(posts.iter().all(|p| p["timeline"] == "family"));

    // A care post cannot be read by id either.
    let care_post: String = app
        .db
        .scalar(
            "SELECT CAST(id AS TEXT) FROM posts WHERE group_id = $1 AND timeline = 'care'
                 LIMIT 1",
            &[group.into()],
        )
        .await;
    let response = app
        .get(
            &family,
            &format!("/api/v1/groups/{group}/posts/{care_post}"),
        )
        .await;
    common::expect_problem(response, 404, "not_found").await;

    for path in ["/api/v1/directory/people", "/api/v1/directory/facilities"] {
        let response = app.get(&family, path).await;
        common::expect_problem(response, 404, "not_found").await;
    }
    // A family member writes to the family timeline by default.
    let response = app
        .post_json(
            &family,
            &format!("/api/v1/groups/{group}/posts"),
            &json!({ "body": "母の様子を見に行きました。" }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let post: Value = response.json().await.unwrap();
    assert_eq!(post["timeline"], "family");
    assert_eq!(post["author"]["profession"], "family");
    assert_eq!(post["author"]["facility_name"], Value::Null);
}

#[tokio::test]
async fn operators_and_facility_admins_have_no_group_access_but_their_flags() {
    let app = TestApp::start().await;
    for (login, operator, facility_admin) in [
        ("op.ishikai", true, false),
        ("dr.yamamoto", false, true),
        ("ns.tanaka", false, true),
        ("hh.ito", false, false),
    ] {
        let token = app.login(login).await;
        let me: Value = app.get(&token, "/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["is_operator"], operator, "{login}");
        assert_eq!(me["is_facility_admin"], facility_admin, "{login}");
    }
    let operator = app.login("op.ishikai").await;
    let page: Value = app
        .get(&operator, "/api/v1/groups")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"], json!([]));
}
