//! Groups and membership: creating, editing and archiving groups, the physician rule, roles,
//! leaving, and direct messages.

use crate::common;

use common::{expect_problem, TestApp, NAKAMURA, YAMADA};
use serde_json::{json, Value};
use uuid::Uuid;

/// Kinds of the system entries of a timeline, oldest first, with their subjects' names.
async fn system_entries(app: &TestApp, token: &str, group: Uuid, timeline: &str) -> Vec<Value> {
    let page: Value = app
        .get(
            token,
            &format!("/api/v1/groups/{group}/posts?timeline={timeline}&limit=100"),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut entries: Vec<Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p["system"].is_null())
        .cloned()
        .collect();
    entries.reverse();
    entries
}

#[tokio::test]
async fn the_physician_approves_or_declines_what_another_admin_invites() {
    let app = TestApp::start().await;
    let group = app.group_id(YAMADA).await;
    let cm = app.login("cm.suzuki").await;
    let dr = app.login("dr.sato").await;
    let kobayashi = app.user_id("ns.kobayashi").await;
    let outsider = app.login("ns.kobayashi").await;

    let response = app
        .post_json(
            &cm,
            &format!("/api/v1/groups/{group}/members"),
            &json!({ "user_id": kobayashi }),
        )
        .await;
    assert_eq!(response.status(), 202);
    let invitation: Value = response.json().await.unwrap();
    assert_eq!(invitation["status"], "pending_physician");
    assert_eq!(invitation["kind"], "member");
    assert_eq!(invitation["invitee"]["display_name"], "小林 直子");
    assert_eq!(invitation["invited_by"]["display_name"], "鈴木 由美");
    assert_eq!(invitation["group"]["name"], YAMADA);
    let id = invitation["id"].as_str().unwrap().to_owned();

    // Not a member yet.
    let response = app.get(&outsider, &format!("/api/v1/groups/{group}")).await;
    expect_problem(response, 404, "not_found").await;
    // Admins see it pending; members do not.
    let members: Value = app
        .get(&cm, &format!("/api/v1/groups/{group}/members"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(members["pending"][0]["id"], id.as_str());
    let ito = app.login("hh.ito").await;
    let members: Value = app
        .get(&ito, &format!("/api/v1/groups/{group}/members"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(members["pending"], json!([]));
    // The physician's inbox; nobody else's.
    let inbox: Value = app
        .get(&dr, "/api/v1/invitations")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(inbox["items"][0]["id"], id.as_str());
    let inbox: Value = app
        .get(&cm, "/api/v1/invitations")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(inbox["items"], json!([]));
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
            &format!("/api/v1/invitations/{id}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let approved: Value = response.json().await.unwrap();
    assert_eq!(approved["status"], "accepted");
    assert_eq!(approved["decided_by"]["display_name"], "佐藤 健一");
    let response = app.get(&outsider, &format!("/api/v1/groups/{group}")).await;
    assert_eq!(response.status(), 200);
    let response = app
        .post_json(
            &dr,
            &format!("/api/v1/invitations/{id}/approve"),
            &json!({}),
        )
        .await;
    expect_problem(response, 409, "invitation_decided").await;

    let entries = system_entries(&app, &dr, group, "care").await;
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e["system"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["invitation_pending", "invitation_approved"]);
    assert_eq!(entries[0]["system"]["actor"]["display_name"], "鈴木 由美");
    assert_eq!(entries[0]["system"]["subject"]["display_name"], "小林 直子");
    assert_eq!(entries[0]["body"], "");
    assert_eq!(entries[1]["author"]["display_name"], "佐藤 健一");

    // Declining needs a reason, and leaves the person out.
    let watanabe = app.user_id("pt.watanabe").await;
    let invitation: Value = app
        .post_json(
            &cm,
            &format!("/api/v1/groups/{group}/members"),
            &json!({ "user_id": watanabe }),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = invitation["id"].as_str().unwrap().to_owned();
    let decline = format!("/api/v1/invitations/{id}/decline");
    let response = app
        .post_json(&dr, &decline, &json!({ "reason": " " }))
        .await;
    let problem = expect_problem(response, 422, "field_required").await;
    assert_eq!(problem["errors"][0]["field"], "reason");
    let response = app
        .post_json(&dr, &decline, &json!({ "reason": "あ".repeat(501) }))
        .await;
    expect_problem(response, 422, "field_too_long").await;
    let reason = "リハビリは来月からの予定のため、その時に改めてお願いします。";
    let response = app
        .post_json(&dr, &decline, &json!({ "reason": reason }))
        .await;
    assert_eq!(response.status(), 200);
    let declined: Value = response.json().await.unwrap();
    assert_eq!(declined["status"], "declined");
    assert_eq!(declined["decline_reason"], reason);
    let watanabe_token = app.login("pt.watanabe").await;
    let response = app
        .get(&watanabe_token, &format!("/api/v1/groups/{group}"))
        .await;
    expect_problem(response, 404, "not_found").await;
    let entries = system_entries(&app, &dr, group, "care").await;
    let last = entries.last().unwrap();
    assert_eq!(last["system"]["kind"], "invitation_declined");
    assert_eq!(last["system"]["detail"], reason);
    let response = app
        .post_json(&dr, &decline, &json!({ "reason": reason }))
        .await;
    expect_problem(response, 409, "invitation_decided").await;
}

#[tokio::test]
async fn inform_only_adds_at_once_and_the_physician_sees_the_entry() {
    let app = TestApp::start().await;
    let group = app.group_id(NAKAMURA).await;
    let dr = app.login("dr.sato").await;
    let cm_id = app.user_id("cm.suzuki").await;
    let response = app
        .patch_json(
            &dr,
            &format!("/api/v1/groups/{group}/members/{cm_id}"),
            &json!({ "role": "admin" }),
        )
        .await;
    assert_eq!(response.status(), 200);
    let member: Value = response.json().await.unwrap();
    assert_eq!(member["role"], "admin");

    let cm = app.login("cm.suzuki").await;
    let kobayashi = app.user_id("ns.kobayashi").await;
    let response = app
        .post_json(
            &cm,
            &format!("/api/v1/groups/{group}/members"),
            &json!({ "user_id": kobayashi }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let member: Value = response.json().await.unwrap();
    assert_eq!(member["role"], "member");
    assert_eq!(member["person"]["display_name"], "小林 直子");
    let response = app
        .post_json(
            &cm,
            &format!("/api/v1/groups/{group}/members"),
            &json!({ "user_id": kobayashi }),
        )
        .await;
    expect_problem(response, 409, "already_member").await;

    let entries = system_entries(&app, &dr, group, "care").await;
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e["system"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["role_changed", "member_added"]);
    assert_eq!(entries[0]["system"]["detail"], "admin");

    // Family accounts and unknown people cannot be added; nor can anyone as family.
    for body in [
        json!({ "user_id": app.user_id("fam.yamada").await }),
        json!({ "user_id": Uuid::now_v7() }),
        json!({ "user_id": app.user_id("pt.watanabe").await, "role": "family" }),
    ] {
        let response = app
            .post_json(&cm, &format!("/api/v1/groups/{group}/members"), &body)
            .await;
        expect_problem(response, 422, "field_invalid").await;
    }
}

#[tokio::test]
async fn the_last_admin_cannot_leave_and_members_leave_or_are_removed() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let response = app
        .post_json(
            &tanaka,
            "/api/v1/groups",
            &json!({ "kind": "workplace", "name": "  褥瘡委員会  " }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let group: Value = response.json().await.unwrap();
    assert_eq!(group["name"], "褥瘡委員会");
    assert_eq!(group["my_role"], "admin");
    assert_eq!(group["timelines"], json!(["care"]));
    assert_eq!(group["patient"], Value::Null);
    assert_eq!(group["last_post"]["system"], "group_created");
    let id = group["id"].as_str().unwrap().to_owned();
    let me = app.user_id("ns.tanaka").await;
    let members = format!("/api/v1/groups/{id}/members");

    let response = app.delete(&tanaka, &format!("{members}/{me}")).await;
    expect_problem(response, 409, "last_admin").await;
    let response = app
        .patch_json(
            &tanaka,
            &format!("{members}/{me}"),
            &json!({ "role": "member" }),
        )
        .await;
    expect_problem(response, 409, "last_admin").await;

    let kobayashi = app.user_id("ns.kobayashi").await;
    let watanabe = app.user_id("pt.watanabe").await;
    for user in [kobayashi, watanabe] {
        let response = app
            .post_json(&tanaka, &members, &json!({ "user_id": user }))
            .await;
        assert_eq!(response.status(), 201);
    }
    // A member cannot remove someone else.
    let kobayashi_token = app.login("ns.kobayashi").await;
    let response = app
        .delete(&kobayashi_token, &format!("{members}/{watanabe}"))
        .await;
    expect_problem(response, 403, "forbidden").await;
    // Hand over, then leave.
    let response = app
        .patch_json(
            &tanaka,
            &format!("{members}/{kobayashi}"),
            &json!({ "role": "admin" }),
        )
        .await;
    assert_eq!(response.status(), 200);
    let response = app.delete(&tanaka, &format!("{members}/{me}")).await;
    assert_eq!(response.status(), 204);
    let response = app.get(&tanaka, &format!("/api/v1/groups/{id}")).await;
    expect_problem(response, 404, "not_found").await;
    // The new admin removes a member.
    let response = app
        .delete(&kobayashi_token, &format!("{members}/{watanabe}"))
        .await;
    assert_eq!(response.status(), 204);
    let response = app
        .delete(&kobayashi_token, &format!("{members}/{watanabe}"))
        .await;
    expect_problem(response, 404, "not_found").await;
    let group_id: Uuid = id.parse().unwrap();
    let entries = system_entries(&app, &kobayashi_token, group_id, "care").await;
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e["system"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "group_created",
            "member_added",
            "member_added",
            "role_changed",
            "member_left",
            "member_removed"
        ]
    );
}

#[tokio::test]
async fn creating_a_patient_group_validates_and_adds_physician_and_care_manager() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let yamamoto = app.user_id("dr.yamamoto").await;
    let suzuki = app.user_id("cm.suzuki").await;
    let patient = |overrides: Value| {
        let mut p = json!({
            "name": "佐々木 正",
            "name_kana": "ササキ タダシ",
            "birth_date": "1935-01-20",
            "attending_physician_id": yamamoto,
            "care_manager_id": suzuki,
            "notes": "独居。",
        });
        for (k, v) in overrides.as_object().unwrap() {
            p[k] = v.clone();
        }
        json!({ "kind": "patient", "patient": p })
    };
    for (overrides, field, code) in [
        (json!({ "name": " " }), "patient.name", "field_required"),
        (
            json!({ "notes": "あ".repeat(2001) }),
            "patient.notes",
            "field_too_long",
        ),
        (
            json!({ "birth_date": "1935/01/20" }),
            "patient.birth_date",
            "field_invalid",
        ),
        (
            json!({ "birth_date": "1935-02-30" }),
            "patient.birth_date",
            "field_invalid",
        ),
        (
            json!({ "attending_physician_id": suzuki }),
            "patient.attending_physician_id",
            "field_invalid",
        ),
        (
            json!({ "care_manager_id": yamamoto }),
            "patient.care_manager_id",
            "field_invalid",
        ),
    ] {
        let response = app
            .post_json(&tanaka, "/api/v1/groups", &patient(overrides))
            .await;
        let problem = expect_problem(response, 422, code).await;
        assert_eq!(problem["errors"][0]["field"], field);
    }
    let response = app
        .post_json(
            &tanaka,
            "/api/v1/groups",
            &json!({ "kind": "workplace", "name": "" }),
        )
        .await;
    expect_problem(response, 422, "field_required").await;
    let response = app
        .post_json(
            &tanaka,
            "/api/v1/groups",
            &json!({ "kind": "direct", "name": "x" }),
        )
        .await;
    expect_problem(response, 422, "field_invalid").await;
    let family = app.login("fam.yamada").await;
    let response = app
        .post_json(&family, "/api/v1/groups", &patient(json!({})))
        .await;
    expect_problem(response, 403, "forbidden").await;

    let response = app
        .post_json(&tanaka, "/api/v1/groups", &patient(json!({})))
        .await;
    assert_eq!(response.status(), 201);
    let group: Value = response.json().await.unwrap();
    assert_eq!(group["kind"], "patient");
    assert_eq!(group["name"], "佐々木 正 様");
    assert_eq!(group["name_kana"], "ささき ただし");
    assert_eq!(group["physician_rule"], "approval_required");
    assert_eq!(group["timelines"], json!(["care", "family"]));
    assert_eq!(group["member_count"], 3);
    assert_eq!(group["patient"]["birth_date"], "1935-01-20");
    assert_eq!(
        group["patient"]["attending_physician"]["display_name"],
        "山本 大輔"
    );
    assert_eq!(
        group["patient"]["care_manager"]["display_name"],
        "鈴木 由美"
    );
    let id = group["id"].as_str().unwrap().to_owned();
    let members: Value = app
        .get(&tanaka, &format!("/api/v1/groups/{id}/members"))
        .await
        .json()
        .await
        .unwrap();
    let roles: Vec<(String, String)> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["person"]["display_name"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        roles.contains(&("山本 大輔".into(), "admin".into())),
        "{roles:?}"
    );
    assert!(
        roles.contains(&("鈴木 由美".into(), "member".into())),
        "{roles:?}"
    );
    assert!(
        roles.contains(&("田中 美咲".into(), "admin".into())),
        "{roles:?}"
    );

    // Edit: the profile is replaced, the name follows it; the rule changes.
    let response = app
        .patch_json(
            &tanaka,
            &format!("/api/v1/groups/{id}"),
            &json!({
                "patient": {
                    "name": "佐々木 正男",
                    "name_kana": "ささき まさお",
                    "attending_physician_id": yamamoto,
                    "notes": "独居。長女が週末に訪問。",
                },
            }),
        )
        .await;
    assert_eq!(response.status(), 200);
    let group: Value = response.json().await.unwrap();
    assert_eq!(group["name"], "佐々木 正男 様");
    assert_eq!(group["last_post"]["system"], "profile_updated");
    // The rule is the physician's to change.
    let rule = json!({ "physician_rule": "inform_only" });
    let response = app
        .patch_json(&tanaka, &format!("/api/v1/groups/{id}"), &rule)
        .await;
    expect_problem(response, 403, "forbidden").await;
    let response = app
        .patch_json(
            &app.login("dr.yamamoto").await,
            &format!("/api/v1/groups/{id}"),
            &rule,
        )
        .await;
    assert_eq!(response.status(), 200);
    let group: Value = response.json().await.unwrap();
    assert_eq!(group["physician_rule"], "inform_only");
    assert_eq!(group["patient"]["care_manager"], Value::Null);
    assert_eq!(group["patient"]["birth_date"], Value::Null);
    assert_eq!(group["last_post"]["system"], "physician_rule_changed");
    // A physician who is not a member cannot be named.
    let response = app
        .patch_json(
            &tanaka,
            &format!("/api/v1/groups/{id}"),
            &json!({ "patient": {
                "name": "佐々木 正男", "name_kana": "",
                "attending_physician_id": app.user_id("dr.sato").await,
            } }),
        )
        .await;
    expect_problem(response, 422, "field_invalid").await;
    // A member may not edit.
    let cm = app.login("cm.suzuki").await;
    let response = app
        .patch_json(
            &cm,
            &format!("/api/v1/groups/{id}"),
            &json!({ "physician_rule": "approval_required" }),
        )
        .await;
    expect_problem(response, 403, "forbidden").await;

    // The attending physician leaving clears the profile's field (another admin removing them
    // waits for their approval: tests/physician_rule.rs).
    let response = app
        .delete(
            &app.login("dr.yamamoto").await,
            &format!("/api/v1/groups/{id}/members/{yamamoto}"),
        )
        .await;
    assert_eq!(response.status(), 204);
    let group: Value = app
        .get(&tanaka, &format!("/api/v1/groups/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(group["patient"]["attending_physician"], Value::Null);
}

#[tokio::test]
async fn archived_groups_are_read_only() {
    let app = TestApp::start().await;
    let dr = app.login("dr.sato").await;
    let group = app.group_id(YAMADA).await;
    let g = format!("/api/v1/groups/{group}");
    let hh = app.login("hh.ito").await;
    let response = app
        .post_json(&hh, &format!("{g}/archive"), &json!({}))
        .await;
    expect_problem(response, 403, "forbidden").await;
    let response = app
        .post_json(&dr, &format!("{g}/archive"), &json!({}))
        .await;
    assert_eq!(response.status(), 200);
    let archived: Value = response.json().await.unwrap();
    assert_eq!(archived["archived"], true);
    assert_eq!(archived["last_post"]["system"], "group_archived");

    let kobayashi = app.user_id("ns.kobayashi").await;
    let ito = app.user_id("hh.ito").await;
    let care_post: String = app
        .db
        .scalar(
            "SELECT CAST(id AS TEXT) FROM posts WHERE group_id = $1 AND timeline = 'care'
               AND system IS NULL AND deleted_at_ms IS NULL LIMIT 1",
            &[group.into()],
        )
        .await;
    for response in [
        app.put_json(&hh, &format!("{g}/posts/{care_post}/ack"), &json!({}))
            .await,
        app.post_json(&dr, &format!("{g}/posts"), &json!({ "body": "記録" }))
            .await,
        app.post_json(&hh, &format!("{g}/posts"), &json!({ "body": "記録" }))
            .await,
        app.post_json(
            &dr,
            &format!("{g}/members"),
            &json!({ "user_id": kobayashi }),
        )
        .await,
        app.patch_json(
            &dr,
            &format!("{g}/members/{ito}"),
            &json!({ "role": "admin" }),
        )
        .await,
        app.delete(&dr, &format!("{g}/members/{ito}")).await,
        app.delete(&hh, &format!("{g}/members/{ito}")).await,
        app.post_json(
            &dr,
            &format!("{g}/invitation-links"),
            &json!({ "kind": "family" }),
        )
        .await,
        app.patch_json(&dr, &g, &json!({ "physician_rule": "inform_only" }))
            .await,
        app.post_json(&dr, &format!("{g}/archive"), &json!({}))
            .await,
    ] {
        expect_problem(response, 409, "group_archived").await;
    }
    for path in [g.clone(), format!("{g}/posts"), format!("{g}/members")] {
        assert_eq!(app.get(&hh, &path).await.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn a_direct_message_is_opened_once_per_pair() {
    let app = TestApp::start().await;
    let kobayashi = app.login("ns.kobayashi").await;
    let ito = app.user_id("hh.ito").await;
    let response = app
        .post_json(&kobayashi, "/api/v1/direct", &json!({ "user_id": ito }))
        .await;
    assert_eq!(response.status(), 201);
    let dm: Value = response.json().await.unwrap();
    assert_eq!(dm["kind"], "direct");
    assert_eq!(dm["name"], "伊藤 さおり");
    assert_eq!(dm["peer"]["display_name"], "伊藤 さおり");
    assert_eq!(dm["my_role"], "member");
    assert_eq!(dm["member_count"], 2);
    assert_eq!(dm["patient"], Value::Null);
    let id = dm["id"].as_str().unwrap().to_owned();

    // Again, from either side: the same group, 200.
    let response = app
        .post_json(&kobayashi, "/api/v1/direct", &json!({ "user_id": ito }))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["id"], id.as_str());
    let hh = app.login("hh.ito").await;
    let response = app
        .post_json(
            &hh,
            "/api/v1/direct",
            &json!({ "user_id": app.user_id("ns.kobayashi").await }),
        )
        .await;
    assert_eq!(response.status(), 200);
    let theirs: Value = response.json().await.unwrap();
    assert_eq!(theirs["id"], id.as_str());
    assert_eq!(theirs["name"], "小林 直子");

    // The demo's DM between the nurse and the physician.
    let tanaka = app.login("ns.tanaka").await;
    let response = app
        .post_json(
            &tanaka,
            "/api/v1/direct",
            &json!({ "user_id": app.user_id("dr.sato").await }),
        )
        .await;
    assert_eq!(response.status(), 200);
    let demo: Value = response.json().await.unwrap();
    assert_eq!(demo["name"], "佐藤 健一");
    assert_eq!(demo["last_post"]["author_name"], "田中 美咲");

    let me = app.user_id("ns.kobayashi").await;
    let response = app
        .post_json(&kobayashi, "/api/v1/direct", &json!({ "user_id": me }))
        .await;
    expect_problem(response, 422, "field_invalid").await;
    for user in [app.user_id("fam.yamada").await, Uuid::now_v7()] {
        let response = app
            .post_json(&kobayashi, "/api/v1/direct", &json!({ "user_id": user }))
            .await;
        expect_problem(response, 404, "not_found").await;
    }
    let family = app.login("fam.yamada").await;
    let response = app
        .post_json(&family, "/api/v1/direct", &json!({ "user_id": ito }))
        .await;
    expect_problem(response, 403, "forbidden").await;

    // No admin actions in a DM.
    let g = format!("/api/v1/groups/{id}");
    let watanabe = app.user_id("pt.watanabe").await;
    for response in [
        app.post_json(
            &kobayashi,
            &format!("{g}/members"),
            &json!({ "user_id": watanabe }),
        )
        .await,
        app.post_json(&kobayashi, &format!("{g}/archive"), &json!({}))
            .await,
        app.delete(&kobayashi, &format!("{g}/members/{ito}")).await,
        app.delete(&kobayashi, &format!("{g}/members/{me}")).await,
        app.patch_json(&kobayashi, &g, &json!({ "name": "x" }))
            .await,
    ] {
        expect_problem(response, 403, "forbidden").await;
    }
    let page: Value = app
        .get(&kobayashi, "/api/v1/groups?kind=direct")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
}
