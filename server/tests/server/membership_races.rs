//! Membership invariants under concurrent requests to one server: whatever the interleaving,
//! a person is added once, a group keeps an admin, a request to the physician is filed and
//! decided once, and a pair has one direct message. SQLite serialises writers anyway; on
//! PostgreSQL the writers run in parallel and the group lock (or a unique index) decides.
//!
//! Each case runs several rounds, each firing its requests at the same moment, so a missing
//! lock shows up as a broken invariant in at least one round.

use crate::common;

use common::{TestApp, YAMADA};
use reqwest::Response;
use serde_json::{json, Value};
use uuid::Uuid;

/// Rounds per case.
const ROUNDS: usize = 8;

/// The professionals outside the nursing station's groups, added in turn.
const PEOPLE: &[&str] = &[
    "dr.sato",
    "cm.suzuki",
    "ph.takahashi",
    "hh.ito",
    "dr.yamamoto",
    "pt.watanabe",
    "sw.kimura",
    "op.ishikai",
];

/// A new workplace group of `token`'s user, with `co_admin` as second admin.
async fn group_with_two_admins(app: &TestApp, token: &str, co_admin: Uuid, round: usize) -> Uuid {
    let response = app
        .post_json(
            token,
            "/api/v1/groups",
            &json!({ "kind": "workplace", "name": format!("同時操作 {round}") }),
        )
        .await;
    assert_eq!(response.status(), 201, "create group");
    let group: Value = response.json().await.unwrap();
    let group: Uuid = group["id"].as_str().unwrap().parse().unwrap();
    let response = add(app, token, group, co_admin, "admin").await;
    assert_eq!(response.status(), 201, "add the second admin");
    group
}

async fn add(app: &TestApp, token: &str, group: Uuid, user: Uuid, role: &str) -> Response {
    app.post_json(
        token,
        &format!("/api/v1/groups/{group}/members"),
        &json!({ "user_id": user, "role": role }),
    )
    .await
}

async fn remove(app: &TestApp, token: &str, group: Uuid, user: Uuid) -> Response {
    app.delete(token, &format!("/api/v1/groups/{group}/members/{user}"))
        .await
}

async fn set_role(app: &TestApp, token: &str, group: Uuid, user: Uuid, role: &str) -> Response {
    app.patch_json(
        token,
        &format!("/api/v1/groups/{group}/members/{user}"),
        &json!({ "role": role }),
    )
    .await
}

/// The member list as the first of `tokens` still in the group sees it.
async fn members(app: &TestApp, tokens: &[&str], group: Uuid) -> Value {
    for token in tokens {
        let response = app
            .get(token, &format!("/api/v1/groups/{group}/members"))
            .await;
        if response.status() == 200 {
            return response.json().await.unwrap();
        }
    }
    panic!("nobody is left in group {group}");
}

fn count_role(members: &Value, role: &str) -> usize {
    members["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == role)
        .count()
}

/// Status and problem code (empty for a success).
async fn outcome(response: Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let code = body["code"].as_str().unwrap_or_default().to_owned();
    (status, code)
}

#[tokio::test]
async fn two_admins_adding_the_same_person_add_them_once() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let kobayashi = app.login("ns.kobayashi").await;
    let kobayashi_id = app.user_id("ns.kobayashi").await;
    let group = group_with_two_admins(&app, &tanaka, kobayashi_id, 0).await;
    for login in PEOPLE {
        let person = app.user_id(login).await;
        let (a, b) = tokio::join!(
            add(&app, &tanaka, group, person, "member"),
            add(&app, &kobayashi, group, person, "member"),
        );
        let mut outcomes = vec![outcome(a).await, outcome(b).await];
        outcomes.sort();
        assert_eq!(
            outcomes,
            [(201, String::new()), (409, "already_member".to_owned())],
            "adding {login}"
        );
        let list = members(&app, &[&tanaka], group).await;
        let rows = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["person"]["id"] == person.to_string())
            .count();
        assert_eq!(rows, 1, "{login} is listed once");
    }
}

/// Which of two concurrent changes between admins A and B to make.
#[derive(Clone, Copy, Debug)]
enum Change {
    Remove,
    Demote,
}

async fn change(app: &TestApp, change: Change, token: &str, group: Uuid, other: Uuid) -> Response {
    match change {
        Change::Remove => remove(app, token, group, other).await,
        Change::Demote => set_role(app, token, group, other, "member").await,
    }
}

#[tokio::test]
async fn two_admins_removing_or_demoting_each_other_leave_an_admin() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let kobayashi = app.login("ns.kobayashi").await;
    let tanaka_id = app.user_id("ns.tanaka").await;
    let kobayashi_id = app.user_id("ns.kobayashi").await;
    let pairs = [
        (Change::Remove, Change::Remove),
        (Change::Demote, Change::Demote),
        (Change::Remove, Change::Demote),
        (Change::Demote, Change::Remove),
    ];
    for round in 0..ROUNDS * pairs.len() {
        let (first, second) = pairs[round % pairs.len()];
        let group = group_with_two_admins(&app, &tanaka, kobayashi_id, round).await;
        let (a, b) = tokio::join!(
            change(&app, first, &tanaka, group, kobayashi_id),
            change(&app, second, &kobayashi, group, tanaka_id),
        );
        let outcomes = [outcome(a).await, outcome(b).await];
        let list = members(&app, &[&tanaka, &kobayashi], group).await;
        assert_eq!(
            count_role(&list, "admin"),
            1,
            "round {round} ({first:?} / {second:?}): {outcomes:?}, {list}"
        );
        // One change went through; the other was refused on the state the first left: the
        // last admin (409), or a caller no longer admin (403) or member (404).
        let succeeded = outcomes
            .iter()
            .filter(|(status, _)| *status == 200 || *status == 204)
            .count();
        assert_eq!(succeeded, 1, "round {round}: {outcomes:?}");
        for (status, code) in &outcomes {
            assert!(
                matches!(
                    (*status, code.as_str()),
                    (200 | 204, "") | (409, "last_admin") | (403, "forbidden") | (404, "not_found")
                ),
                "round {round}: {outcomes:?}"
            );
        }
    }
}

#[tokio::test]
async fn two_admins_asking_to_remove_the_physician_file_one_request() {
    let app = TestApp::start().await;
    let cm = app.login("cm.suzuki").await;
    let tanaka = app.login("ns.tanaka").await;
    let sato = app.user_id("dr.sato").await;
    let tanaka_id = app.user_id("ns.tanaka").await;
    for round in 0..ROUNDS {
        // A patient group of the care manager with dr.sato as physician; informing is enough
        // to add a second admin.
        let response = app
            .post_json(
                &cm,
                "/api/v1/groups",
                &json!({
                    "kind": "patient",
                    "patient": {
                        "name": format!("同時 {round}"),
                        "name_kana": "どうじ",
                        "attending_physician_id": sato,
                    },
                    "physician_rule": "inform_only",
                }),
            )
            .await;
        assert_eq!(response.status(), 201, "create patient group");
        let group: Value = response.json().await.unwrap();
        let group: Uuid = group["id"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            add(&app, &cm, group, tanaka_id, "admin").await.status(),
            201
        );

        let (a, b) = tokio::join!(
            remove(&app, &cm, group, sato),
            remove(&app, &tanaka, group, sato),
        );
        assert_eq!(
            (a.status().as_u16(), b.status().as_u16()),
            (202, 202),
            "round {round}"
        );
        let a: Value = a.json().await.unwrap();
        let b: Value = b.json().await.unwrap();
        assert_eq!(
            a["id"], b["id"],
            "round {round}: one request, answered to both"
        );
        let list = members(&app, &[&cm], group).await;
        let pending = list["pending"].as_array().unwrap();
        assert_eq!(pending.len(), 1, "round {round}: {pending:?}");
        assert_eq!(pending[0]["kind"], "physician_removal");
    }
}

#[tokio::test]
async fn a_request_to_the_physician_is_decided_once() {
    let app = TestApp::start().await;
    let group = app.group_id(YAMADA).await;
    let cm = app.login("cm.suzuki").await;
    let dr = app.login("dr.sato").await;
    // The rule of 山田 requires approval: each invitation waits for dr.sato.
    for login in PEOPLE
        .iter()
        .filter(|l| !["dr.sato", "cm.suzuki", "hh.ito", "ph.takahashi"].contains(*l))
    {
        let person = app.user_id(login).await;
        let response = add(&app, &cm, group, person, "member").await;
        assert_eq!(response.status(), 202, "invite {login}");
        let invitation: Value = response.json().await.unwrap();
        let id = invitation["id"].as_str().unwrap().to_owned();
        let approve_path = format!("/api/v1/invitations/{id}/approve");
        let decline_path = format!("/api/v1/invitations/{id}/decline");
        let (empty, reason) = (json!({}), json!({ "reason": "同時" }));
        let (approve, decline) = tokio::join!(
            app.post_json(&dr, &approve_path, &empty),
            app.post_json(&dr, &decline_path, &reason),
        );
        let approved = approve.status() == 200;
        let outcomes = [outcome(approve).await, outcome(decline).await];
        let succeeded = outcomes.iter().filter(|(s, _)| *s == 200).count();
        assert_eq!(succeeded, 1, "{login}: {outcomes:?}");
        assert!(
            outcomes.contains(&(409, "invitation_decided".to_owned())),
            "{login}: {outcomes:?}"
        );
        // The member list agrees with the decision that won.
        let list = members(&app, &[&cm], group).await;
        let listed = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["person"]["id"] == person.to_string());
        assert_eq!(listed, approved, "{login}");
        assert!(list["pending"].as_array().unwrap().is_empty(), "{list}");
    }
}

#[tokio::test]
async fn two_people_opening_their_direct_message_at_once_get_one() {
    let app = TestApp::start().await;
    let pairs = [
        ("cm.suzuki", "ph.takahashi"),
        ("hh.ito", "pt.watanabe"),
        ("sw.kimura", "dr.yamamoto"),
        ("ns.kobayashi", "op.ishikai"),
        ("dr.sato", "cm.suzuki"),
        ("ph.takahashi", "hh.ito"),
        ("pt.watanabe", "sw.kimura"),
        ("dr.yamamoto", "ns.kobayashi"),
    ];
    for (a, b) in pairs {
        let a_token = app.login(a).await;
        let b_token = app.login(b).await;
        let a_id = app.user_id(a).await;
        let b_id = app.user_id(b).await;
        let (to_b, to_a) = (json!({ "user_id": b_id }), json!({ "user_id": a_id }));
        let (from_a, from_b) = tokio::join!(
            app.post_json(&a_token, "/api/v1/direct", &to_b),
            app.post_json(&b_token, "/api/v1/direct", &to_a),
        );
        let mut statuses = [from_a.status().as_u16(), from_b.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 201], "{a} and {b}");
        let from_a: Value = from_a.json().await.unwrap();
        let from_b: Value = from_b.json().await.unwrap();
        assert_eq!(from_a["id"], from_b["id"], "{a} and {b} share one DM");
        assert_eq!(from_a["peer"]["id"], b_id.to_string());
        assert_eq!(from_b["peer"]["id"], a_id.to_string());
        // Each lists it once.
        let list: Value = app
            .get(&a_token, "/api/v1/groups?kind=direct")
            .await
            .json()
            .await
            .unwrap();
        let shared = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["peer"]["id"] == b_id.to_string())
            .count();
        assert_eq!(shared, 1, "{a} lists one DM with {b}");
    }
}
