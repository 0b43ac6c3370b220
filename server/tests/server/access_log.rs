//! The access log for its reviewers: the operator sees every entry, a facility's administrator
//! their own staff's; filters, pages, the CSV export, and group names only for members.

use crate::common;

use common::{expect_problem, TestApp, YAMADA};
use serde_json::Value;

async fn page(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app.get(token, &format!("/api/v1/access-log{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

fn logins(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["user"]["login_id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_operator_sees_all_and_a_facility_admin_only_their_staff() {
    let app = TestApp::start().await;
    let group = app.group_id(YAMADA).await;
    // Activity to find: a nurse of the station and a physician of the clinic read the group.
    let kobayashi = app.login("ns.kobayashi").await;
    let _ = app.get(&kobayashi, "/api/v1/groups").await;
    let sato = app.login("dr.sato").await;
    let _ = app
        .get(&sato, &format!("/api/v1/groups/{group}/posts"))
        .await;
    let tanaka = app.login("ns.tanaka").await;
    let _ = app
        .get(&tanaka, &format!("/api/v1/groups/{group}/posts"))
        .await;
    app.audit_flushed().await;

    let operator = app.login("op.ishikai").await;
    let all = page(&app, &operator, "?limit=100").await;
    let who = logins(&all);
    for login in ["ns.kobayashi", "dr.sato", "ns.tanaka"] {
        assert!(who.iter().any(|w| w == login), "{login} missing: {who:?}");
    }
    // The operator is in no group: group ids, never the patient's name.
    let read = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "posts.read")
        .unwrap();
    assert_eq!(read["group_id"], group.to_string());
    assert!(read["group_name"].is_null());

    // ns.tanaka administers the station: her staff only, and the group's name (she is in it).
    let station = page(&app, &tanaka, "?limit=100").await;
    let who = logins(&station);
    assert!(who.iter().any(|w| w == "ns.kobayashi"), "{who:?}");
    assert!(!who.iter().any(|w| w == "dr.sato"), "{who:?}");
    let own_read = station["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "posts.read")
        .unwrap();
    assert_eq!(own_read["group_name"], YAMADA);

    // Filters: one account, one kind of action; pages by id, newest first.
    let kob = app.user_id("ns.kobayashi").await;
    let only = page(&app, &operator, &format!("?user_id={kob}&action=session")).await;
    assert!(!only["items"].as_array().unwrap().is_empty());
    assert!(only["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["user"]["login_id"] == "ns.kobayashi"
            && e["action"].as_str().unwrap().contains("session")));
    let first = page(&app, &operator, "?limit=3").await;
    let before = first["next_before"].as_i64().unwrap();
    let second = page(&app, &operator, &format!("?limit=3&before={before}")).await;
    let ids = |p: &Value| -> Vec<i64> {
        p["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_i64().unwrap())
            .collect()
    };
    let (a, b) = (ids(&first), ids(&second));
    assert!(a.windows(2).all(|w| w[0] > w[1]));
    assert!(b.iter().all(|id| *id < before));
    let future = page(&app, &operator, "?from=2999-01-01T00:00:00.000Z").await;
    assert!(future["items"].as_array().unwrap().is_empty());

    // Nobody else reads it.
    for login in ["ns.kobayashi", "dr.sato", "fam.yamada"] {
        let token = app.login(login).await;
        expect_problem(
            app.get(&token, "/api/v1/access-log").await,
            403,
            "forbidden",
        )
        .await;
    }
}

#[tokio::test]
async fn the_export_is_a_spreadsheet_and_is_itself_logged() {
    let app = TestApp::start().await;
    let operator = app.login("op.ishikai").await;
    let response = app
        .get(&operator, "/api/v1/access-log.csv?action=session")
        .await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.starts_with("日時,ログインID,氏名,操作,グループID,グループ名,対象ID,接続元\r\n"));
    assert!(
        text.contains(",op.ishikai,石井 事務局,session.create,"),
        "{text}"
    );
    let logged: i64 = app
        .audit_flushed()
        .await
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'access_log.export'",
            &[],
        )
        .await;
    assert_eq!(logged, 1);
}
