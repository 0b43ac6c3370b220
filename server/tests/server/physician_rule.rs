//! The physician rule cannot be switched off by the admins it constrains: only the attending
//! physician changes the rule or hands the role over; another admin's replacing, clearing or
//! removing the physician waits for the physician (or, when their account is disabled, an
//! operator).

use crate::common;

use common::{expect_problem, TestApp, YAMADA};
use serde_json::{json, Value};
use uuid::Uuid;

async fn group(app: &TestApp, token: &str, group: Uuid) -> Value {
    app.get(token, &format!("/api/v1/groups/{group}"))
        .await
        .json()
        .await
        .unwrap()
}

/// The PATCH body that keeps the patient profile as it is, with `physician` instead.
fn profile_with(group: &Value, physician: Option<&str>) -> Value {
    let p = &group["patient"];
    json!({ "patient": {
        "name": p["name"],
        "name_kana": p["name_kana"],
        "birth_date": p["birth_date"],
        "attending_physician_id": physician,
        "care_manager_id": p["care_manager"]["id"],
        "notes": p["notes"],
    }})
}

fn physician_of(group: &Value) -> Option<String> {
    group["patient"]["attending_physician"]["id"]
        .as_str()
        .map(str::to_owned)
}

/// Kinds (and details) of the care timeline's system entries, newest first.
async fn recent_entries(app: &TestApp, token: &str, group: Uuid, n: usize) -> Vec<String> {
    let page: Value = app
        .get(
            token,
            &format!("/api/v1/groups/{group}/posts?timeline=care&limit=100"),
        )
        .await
        .json()
        .await
        .unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p["system"].is_null())
        .take(n)
        .map(|p| {
            let s = &p["system"];
            match s["detail"].as_str() {
                Some(d) => format!("{}:{d}", s["kind"].as_str().unwrap()),
                None => s["kind"].as_str().unwrap().to_owned(),
            }
        })
        .collect()
}

async fn inbox(app: &TestApp, token: &str) -> Vec<Value> {
    let list: Value = app
        .get(token, "/api/v1/invitations")
        .await
        .json()
        .await
        .unwrap();
    list["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn only_the_physician_changes_the_rule() {
    let app = TestApp::start().await;
    let g = app.group_id(YAMADA).await;
    let path = format!("/api/v1/groups/{g}");
    let cm = app.login("cm.suzuki").await;
    let dr = app.login("dr.sato").await;

    let response = app
        .patch_json(&cm, &path, &json!({ "physician_rule": "inform_only" }))
        .await;
    expect_problem(response, 403, "forbidden").await;
    assert_eq!(
        group(&app, &cm, g).await["physician_rule"],
        "approval_required"
    );
    // Still constrained: the care manager's invitation waits.
    let kobayashi = app.user_id("ns.kobayashi").await;
    let response = app
        .post_json(
            &cm,
            &format!("{path}/members"),
            &json!({ "user_id": kobayashi }),
        )
        .await;
    assert_eq!(response.status(), 202);

    // Sending the rule unchanged is no change, so anyone admin may.
    let response = app
        .patch_json(
            &cm,
            &path,
            &json!({ "physician_rule": "approval_required" }),
        )
        .await;
    assert_eq!(response.status(), 200);

    let response = app
        .patch_json(&dr, &path, &json!({ "physician_rule": "inform_only" }))
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["physician_rule"], "inform_only");
    assert_eq!(
        recent_entries(&app, &dr, g, 1).await,
        ["physician_rule_changed:inform_only"]
    );
}

#[tokio::test]
async fn another_admin_removing_the_physician_waits_for_the_physician() {
    let app = TestApp::start().await;
    let g = app.group_id(YAMADA).await;
    let cm = app.login("cm.suzuki").await;
    let dr = app.login("dr.sato").await;
    let sato = app.user_id("dr.sato").await;
    let member = format!("/api/v1/groups/{g}/members/{sato}");

    let response = app.delete(&cm, &member).await;
    assert_eq!(response.status(), 202);
    let request: Value = response.json().await.unwrap();
    assert_eq!(request["kind"], "physician_removal");
    assert_eq!(request["status"], "pending_physician");
    assert_eq!(request["invitee"]["display_name"], "佐藤 健一");
    assert_eq!(request["invited_by"]["display_name"], "鈴木 由美");
    // Asking again finds the same request rather than filing a second.
    let again: Value = app.delete(&cm, &member).await.json().await.unwrap();
    assert_eq!(again["id"], request["id"]);
    assert_eq!(
        physician_of(&group(&app, &cm, g).await).as_deref(),
        Some(sato.to_string().as_str())
    );
    assert_eq!(
        recent_entries(&app, &cm, g, 1).await,
        ["physician_change_requested:remove"]
    );
    // Admins see it pending with the members; the physician has it in the inbox.
    let members: Value = app
        .get(&cm, &format!("/api/v1/groups/{g}/members"))
        .await
        .json()
        .await
        .unwrap();
    assert!(members["pending"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == request["id"]));
    let id = request["id"].as_str().unwrap();
    assert!(inbox(&app, &dr).await.iter().any(|i| i["id"] == id));
    // Nobody else decides it.
    let response = app
        .post_json(
            &cm,
            &format!("/api/v1/invitations/{id}/approve"),
            &json!({}),
        )
        .await;
    expect_problem(response, 404, "not_found").await;

    let response = app
        .post_json(
            &dr,
            &format!("/api/v1/invitations/{id}/decline"),
            &json!({ "reason": "引き続き担当します" }),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        app.get(&dr, &format!("/api/v1/groups/{g}")).await.status(),
        200
    );

    // Asked again and approved: the physician leaves, and the rule no longer holds anyone.
    let request: Value = app.delete(&cm, &member).await.json().await.unwrap();
    let id = request["id"].as_str().unwrap();
    let response = app
        .post_json(
            &dr,
            &format!("/api/v1/invitations/{id}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let decided: Value = response.json().await.unwrap();
    assert_eq!(decided["status"], "accepted");
    expect_problem(
        app.get(&dr, &format!("/api/v1/groups/{g}")).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(physician_of(&group(&app, &cm, g).await), None);
    assert_eq!(recent_entries(&app, &cm, g, 1).await, ["member_left"]);
}

#[tokio::test]
async fn another_admin_replacing_or_clearing_the_physician_waits_while_the_rest_saves() {
    let app = TestApp::start().await;
    let g = app.group_id(YAMADA).await;
    let path = format!("/api/v1/groups/{g}");
    let cm = app.login("cm.suzuki").await;
    let dr = app.login("dr.sato").await;
    let sato = app.user_id("dr.sato").await.to_string();
    let yamamoto = app.user_id("dr.yamamoto").await;

    // The physician brings a colleague in (at once: the physician invites).
    let response = app
        .post_json(
            &dr,
            &format!("{path}/members"),
            &json!({ "user_id": yamamoto }),
        )
        .await;
    assert_eq!(response.status(), 201);

    let before = group(&app, &cm, g).await;
    let mut body = profile_with(&before, None);
    body["patient"]["notes"] = json!("キーパーソンは長女");
    let response = app.patch_json(&cm, &path, &body).await;
    assert_eq!(response.status(), 202);
    let after: Value = response.json().await.unwrap();
    assert_eq!(after["patient"]["notes"], "キーパーソンは長女");
    assert_eq!(physician_of(&after).as_deref(), Some(sato.as_str()));
    assert_eq!(
        recent_entries(&app, &cm, g, 2).await,
        ["physician_change_requested:clear", "profile_updated"]
    );

    let body = profile_with(&after, Some(&yamamoto.to_string()));
    assert_eq!(app.patch_json(&cm, &path, &body).await.status(), 202);
    let requests = inbox(&app, &dr).await;
    let kinds: Vec<(&str, Option<&str>)> = requests
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap(),
                r["invitee"]["display_name"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("physician_change", None),
            ("physician_change", Some("山本 大輔"))
        ]
    );
    let to_yamamoto = requests[1]["id"].as_str().unwrap();
    let response = app
        .post_json(
            &dr,
            &format!("/api/v1/invitations/{to_yamamoto}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        physician_of(&group(&app, &cm, g).await),
        Some(yamamoto.to_string())
    );
    assert_eq!(recent_entries(&app, &cm, g, 1).await, ["physician_changed"]);
    // The older request is now Dr. Yamamoto's to decide, no longer Dr. Sato's.
    assert!(inbox(&app, &dr).await.is_empty());
    let yamamoto_token = app.login("dr.yamamoto").await;
    assert_eq!(inbox(&app, &yamamoto_token).await.len(), 1);
}

#[tokio::test]
async fn the_physician_hands_over_directly_and_then_is_bound_by_the_rule() {
    let app = TestApp::start().await;
    let g = app.group_id(YAMADA).await;
    let path = format!("/api/v1/groups/{g}");
    let dr = app.login("dr.sato").await;
    let yamamoto = app.user_id("dr.yamamoto").await;
    app.post_json(
        &dr,
        &format!("{path}/members"),
        &json!({ "user_id": yamamoto, "role": "admin" }),
    )
    .await;
    let before = group(&app, &dr, g).await;
    let response = app
        .patch_json(
            &dr,
            &path,
            &profile_with(&before, Some(&yamamoto.to_string())),
        )
        .await;
    assert_eq!(response.status(), 200);
    let after: Value = response.json().await.unwrap();
    assert_eq!(physician_of(&after), Some(yamamoto.to_string()));
    assert_eq!(recent_entries(&app, &dr, g, 1).await, ["physician_changed"]);

    // Dr. Sato is now an admin like any other.
    let response = app
        .patch_json(&dr, &path, &json!({ "physician_rule": "inform_only" }))
        .await;
    expect_problem(response, 403, "forbidden").await;
    let kobayashi = app.user_id("ns.kobayashi").await;
    let response = app
        .post_json(
            &dr,
            &format!("{path}/members"),
            &json!({ "user_id": kobayashi }),
        )
        .await;
    assert_eq!(response.status(), 202);
}

#[tokio::test]
async fn an_operator_decides_when_the_physician_account_is_disabled() {
    let app = TestApp::start().await;
    let g = app.group_id(YAMADA).await;
    let cm = app.login("cm.suzuki").await;
    let op = app.login("op.ishikai").await;
    let sato = app.user_id("dr.sato").await;
    let response = app
        .delete(&cm, &format!("/api/v1/groups/{g}/members/{sato}"))
        .await;
    assert_eq!(response.status(), 202);
    let request: Value = response.json().await.unwrap();
    let id = request["id"].as_str().unwrap();
    // While the physician can decide, the operator cannot.
    assert!(inbox(&app, &op).await.is_empty());
    let approve = format!("/api/v1/invitations/{id}/approve");
    expect_problem(
        app.post_json(&op, &approve, &json!({})).await,
        404,
        "not_found",
    )
    .await;

    // The physician left the practice: their account is disabled.
    app.db
        .exec(
            "UPDATE users SET disabled = TRUE WHERE id = $1",
            &[sato.into()],
        )
        .await;
    let waiting = inbox(&app, &op).await;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0]["id"], id);
    assert_eq!(app.post_json(&op, &approve, &json!({})).await.status(), 200);
    assert_eq!(physician_of(&group(&app, &cm, g).await), None);
    assert_eq!(recent_entries(&app, &cm, g, 1).await, ["member_removed"]);
}

#[tokio::test]
async fn an_update_that_changes_nothing_writes_no_entry() {
    let app = TestApp::start().await;
    let g = app.group_id(YAMADA).await;
    let path = format!("/api/v1/groups/{g}");
    let cm = app.login("cm.suzuki").await;
    let before = group(&app, &cm, g).await;
    let posts = app.post_count(g).await;
    for body in [
        profile_with(&before, physician_of(&before).as_deref()),
        json!({}),
        json!({ "physician_rule": "approval_required" }),
    ] {
        let response = app.patch_json(&cm, &path, &body).await;
        assert_eq!(response.status(), 200, "{body}");
    }
    assert_eq!(app.post_count(g).await, posts);
    // The request itself is still on record.
    let audited: i64 = app
        .audit_flushed()
        .await
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'group.update' AND group_id = $1",
            &[g.into()],
        )
        .await;
    assert_eq!(audited, 3);
}
