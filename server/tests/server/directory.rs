//! The directory: substring search over names, kana (katakana folded) and facilities, filters,
//! keyset paging, and who never appears.

use crate::common;

use common::{expect_problem, TestApp};
use serde_json::Value;

async fn names(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let response = app
        .get(token, &format!("/api/v1/directory/people{query}"))
        .await;
    assert_eq!(response.status(), 200, "{query}");
    let page: Value = response.json().await.unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["display_name"].as_str().unwrap().to_owned())
        .collect()
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn search_matches_kana_katakana_kanji_and_facility_substrings() {
    let app = TestApp::start().await;
    let token = app.login("ns.kobayashi").await;
    for q in ["たなか", "タナカ", "田中", "中 美"] {
        assert_eq!(
            names(&app, &token, &format!("?q={}", enc(q))).await,
            ["田中 美咲"],
            "{q}"
        );
    }
    // By facility name: kana order (こばやし, たなか, わたなべ).
    assert_eq!(
        names(&app, &token, &format!("?q={}", enc("あおば"))).await,
        ["小林 直子", "田中 美咲", "渡辺 翔"]
    );
    assert_eq!(
        names(&app, &token, &format!("?q={}", enc("ステーション"))).await,
        ["小林 直子", "田中 美咲", "渡辺 翔"]
    );
    // LIKE wildcards are literal; family accounts never appear.
    assert!(names(&app, &token, "?q=%25").await.is_empty());
    assert!(names(&app, &token, "?q=_").await.is_empty());
    assert!(names(&app, &token, &format!("?q={}", enc("山田")))
        .await
        .is_empty());
    assert!(names(&app, &token, &format!("?q={}", enc("太郎")))
        .await
        .is_empty());

    assert_eq!(
        names(&app, &token, "?profession=physician").await,
        ["佐藤 健一", "山本 大輔"]
    );
    assert_eq!(
        names(&app, &token, "?facility_kind=hospital").await,
        ["山本 大輔"]
    );
    assert_eq!(
        names(&app, &token, "?facility_kind=community_support_center").await,
        ["木村 洋子"]
    );
    let all = names(&app, &token, "").await;
    assert_eq!(all.len(), 10, "{all:?}");

    // Disabled accounts disappear.
    app.db
        .exec(
            "UPDATE users SET disabled = TRUE WHERE login_id = 'pt.watanabe'",
            &[],
        )
        .await;
    assert_eq!(
        names(&app, &token, &format!("?q={}", enc("あおば"))).await,
        ["小林 直子", "田中 美咲"]
    );
}

#[tokio::test]
async fn pages_walk_everyone_once_in_kana_order() {
    let app = TestApp::start().await;
    let token = app.login("op.ishikai").await;
    let page: Value = app
        .get(&token, "/api/v1/directory/facilities")
        .await
        .json()
        .await
        .unwrap();
    let aoba = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "あおば訪問看護ステーション")
        .unwrap();
    assert_eq!(aoba["staff_count"], 3);
    assert_eq!(aoba["kind"], "home_nursing_station");
    let kinds: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted);
    let aoba_id = aoba["id"].as_str().unwrap();
    assert_eq!(
        names(&app, &token, &format!("?facility_id={aoba_id}")).await,
        ["小林 直子", "田中 美咲", "渡辺 翔"]
    );

    let mut seen = Vec::new();
    let mut query = "?limit=3".to_owned();
    loop {
        let page: Value = app
            .get(&token, &format!("/api/v1/directory/people{query}"))
            .await
            .json()
            .await
            .unwrap();
        for p in page["items"].as_array().unwrap() {
            seen.push(p["display_name_kana"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => query = format!("?limit=3&before={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 10);
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    let response = app
        .get(&token, "/api/v1/directory/people?before=garbage")
        .await;
    expect_problem(response, 400, "malformed_request").await;
}
