//! `GET /api/v1/search`: Japanese substrings of any length, only what the caller may read,
//! user input never acting as an operator or wildcard.

use crate::common;

use common::{create_post, expect_problem, PostFixture, TestApp, NAKAMURA, WORKPLACE, YAMADA};
use serde_json::{json, Value};
use uuid::Uuid;

async fn search(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app
        .client
        .get(app.url("/api/v1/search"))
        .bearer_auth(token)
        .query(&[("q", query)])
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, 200, "{query}: {text}");
    serde_json::from_str(&text).unwrap()
}

fn hit_ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["post"]["id"].as_str().unwrap().to_owned())
        .collect()
}

fn id(post: &Value) -> String {
    post["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn japanese_substrings_are_found_whatever_their_length() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let post = create_post(
        &app,
        &tanaka,
        group,
        "左踵部に新しい発赤を認めました。除圧を強化します。",
    )
    .await;
    for q in ["発赤を認め", "踵部に新", "除圧", "踵", "  左踵部  "] {
        let page = search(&app, &tanaka, q).await;
        assert!(hit_ids(&page).contains(&id(&post)), "{q}: {page}");
    }
    let page = search(&app, &tanaka, "踵部").await;
    let hit = &page["items"][0];
    assert_eq!(hit["group_id"], group.to_string());
    assert_eq!(hit["group_name"], YAMADA);
    assert_eq!(hit["post"]["body"], post["body"]);
    assert!(hit_ids(&search(&app, &tanaka, "右踵部").await).is_empty());
    // Two-character words from the demo week (褥瘡 is in several posts), newest first.
    let page = search(&app, &tanaka, "褥瘡").await;
    let items = page["items"].as_array().unwrap();
    assert!(items.len() >= 3, "{page}");
    let times: Vec<&str> = items
        .iter()
        .map(|h| h["post"]["created_at"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
}

#[tokio::test]
async fn edited_text_is_found_deleted_posts_are_not() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let post = create_post(&app, &tanaka, group, "吸引器の点検を依頼しました").await;
    let path = format!("/api/v1/groups/{group}/posts/{}", id(&post));
    let response = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&tanaka)
        .header("If-Match", "\"1\"")
        .json(&json!({ "body": "加湿器の点検を依頼しました" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(hit_ids(&search(&app, &tanaka, "吸引器").await).is_empty());
    assert_eq!(hit_ids(&search(&app, &tanaka, "加湿器").await), [id(&post)]);
    assert_eq!(hit_ids(&search(&app, &tanaka, "湿器").await), [id(&post)]);
    assert_eq!(app.delete(&tanaka, &path).await.status(), 200);
    assert!(hit_ids(&search(&app, &tanaka, "加湿器").await).is_empty());
    assert!(hit_ids(&search(&app, &tanaka, "湿器").await).is_empty());
}

#[tokio::test]
async fn nobody_finds_what_they_may_not_read() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let kobayashi = app.login("ns.kobayashi").await; // not in the patient groups
    let family = app.login("fam.yamada").await;
    let other_family = app.login("fam.nakamura").await;
    let yamada = app.group_id(YAMADA).await;
    let workplace = app.group_id(WORKPLACE).await;
    let nakamura = app.group_id(NAKAMURA).await;
    let care = create_post(&app, &tanaka, yamada, "検索範囲確認：主治医へ報告済み").await;
    let fam = create_post(
        &app,
        &tanaka,
        yamada,
        PostFixture::new("検索範囲確認：ご家族向けのお知らせ").family(),
    )
    .await;
    let shared = create_post(&app, &tanaka, workplace, "検索範囲確認：事業所の連絡").await;

    for q in ["検索範囲確認", "索範", "索"] {
        let mine = hit_ids(&search(&app, &tanaka, q).await);
        for post in [&care, &fam, &shared] {
            assert!(mine.contains(&id(post)), "{q}");
        }
        assert_eq!(
            hit_ids(&search(&app, &kobayashi, q).await),
            [id(&shared)],
            "{q}"
        );
        assert_eq!(hit_ids(&search(&app, &family, q).await), [id(&fam)], "{q}");
        assert!(
            hit_ids(&search(&app, &other_family, q).await).is_empty(),
            "{q}"
        );
    }
    // Limited to one group: a member's own; anyone else's is 404.
    let response = app
        .get(
            &tanaka,
            &format!("/api/v1/search?q=%E7%B4%A2&group_id={workplace}"),
        )
        .await;
    let page: Value = response.json().await.unwrap();
    assert_eq!(hit_ids(&page), [id(&shared)]);
    for (token, group) in [
        (&kobayashi, yamada),
        (&family, nakamura),
        (&tanaka, Uuid::now_v7()),
    ] {
        let response = app
            .get(
                token,
                &format!("/api/v1/search?q=%E7%B4%A2&group_id={group}"),
            )
            .await;
        expect_problem(response, 404, "not_found").await;
    }
    // Searches are in the access log.
    let logged: i64 = app
        .audit_flushed()
        .await
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'posts.search'",
            &[],
        )
        .await;
    assert!(logged >= 12, "{logged}");
}

#[tokio::test]
async fn leaving_a_group_takes_its_posts_out_of_ones_search() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let kobayashi = app.login("ns.kobayashi").await;
    let workplace = app.group_id(WORKPLACE).await;
    let post = create_post(&app, &tanaka, workplace, "退会確認：来週の勉強会は中止です").await;
    // One, two and more characters: the short ones have no trigram to look up.
    let queries = ["退", "退会", "勉強会は中止"];
    for q in queries {
        assert_eq!(
            hit_ids(&search(&app, &kobayashi, q).await),
            [id(&post)],
            "{q}"
        );
    }
    let me = app.user_id("ns.kobayashi").await;
    let response = app
        .delete(
            &kobayashi,
            &format!("/api/v1/groups/{workplace}/members/{me}"),
        )
        .await;
    assert_eq!(response.status(), 204);
    for q in queries {
        assert!(
            hit_ids(&search(&app, &kobayashi, q).await).is_empty(),
            "{q}"
        );
        // Still there for those who stay.
        assert_eq!(hit_ids(&search(&app, &tanaka, q).await), [id(&post)], "{q}");
    }
}

#[tokio::test]
async fn operators_and_wildcards_in_the_query_are_plain_text() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let fever = create_post(&app, &tanaka, group, "演算子確認：発熱なし").await;
    let literal = create_post(
        &app,
        &tanaka,
        group,
        "演算子確認：\"褥瘡 OR 発熱\" と検索欄に入れてください 50%_達成 NEAR(a b)*",
    )
    .await;
    // As FTS5 operators these would match the first post too; as text, only the second.
    for q in [
        "褥瘡 OR 発熱",
        "\"褥瘡 OR 発熱\"",
        "NEAR(a b)*",
        "\"褥瘡 OR 発熱\" と",
        "50%_",
    ] {
        assert_eq!(
            hit_ids(&search(&app, &tanaka, q).await),
            [id(&literal)],
            "{q}"
        );
    }
    // LIKE wildcards (the 1–2 character path) are literal too.
    for q in ["%", "_", "%_", "\\"] {
        let hits = hit_ids(&search(&app, &tanaka, q).await);
        assert!(!hits.contains(&id(&fever)), "{q}");
    }
    assert_eq!(hit_ids(&search(&app, &tanaka, "%_").await), [id(&literal)]);
    // Syntax an FTS5 parser would reject never reaches it.
    for q in ["\"", "(", "*", "AND", "NOT x", "body:発熱", "^発熱"] {
        search(&app, &tanaka, q).await;
    }
}

#[tokio::test]
async fn queries_are_validated_and_pages_are_keyset() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(WORKPLACE).await;
    for path in [
        "/api/v1/search".to_owned(),
        "/api/v1/search?q=".to_owned(),
        "/api/v1/search?q=%20%20%20".to_owned(),
        format!("/api/v1/search?q={}", "%E8%A4%A5".repeat(101)),
    ] {
        let problem = expect_problem(app.get(&tanaka, &path).await, 422, "field_invalid").await;
        assert_eq!(problem["errors"][0]["field"], "q", "{path}");
    }
    assert_eq!(
        app.get(
            &tanaka,
            &format!("/api/v1/search?q={}", "%E8%A4%A5".repeat(100))
        )
        .await
        .status(),
        200
    );
    expect_problem(
        app.get(&tanaka, "/api/v1/search?q=abc&before=garbage")
            .await,
        400,
        "malformed_request",
    )
    .await;
    expect_problem(
        app.get("", "/api/v1/search?q=abc").await,
        401,
        "unauthenticated",
    )
    .await;

    let mut created = Vec::new();
    for i in 0..5 {
        created.push(id(&create_post(
            &app,
            &tanaka,
            group,
            format!("頁送り確認 {i}"),
        )
        .await));
    }
    created.reverse();
    let mut walked = Vec::new();
    let mut query = vec![("q", "頁送り確認".to_owned()), ("limit", "2".to_owned())];
    loop {
        let page: Value = app
            .client
            .get(app.url("/api/v1/search"))
            .bearer_auth(&tanaka)
            .query(&query)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        walked.extend(hit_ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => {
                query.truncate(2);
                query.push(("before", c.to_owned()));
            }
            None => break,
        }
    }
    assert_eq!(walked, created);
}

#[tokio::test]
async fn width_kana_case_and_spaces_do_not_matter() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let post = create_post(
        &app,
        &tanaka,
        group,
        "ＢＰ１２０／７０、ｶﾛﾅｰﾙ 200mg 頓用。ガーゼ 交換済み",
    )
    .await;
    // Typed in the other width, the other kana, the other case, with or without spaces; short
    // queries (LIKE) and long ones (trigram index) alike.
    for q in [
        "bp",
        "BP",
        "120",
        "１２０/70",
        "カロナール",
        "かろなーる",
        "ｶﾛﾅｰﾙ",
        "200ＭＧ",
        "ｶﾞｰｾﾞ",
        "ガーゼ交換",
        "ｶﾞｰｾﾞ 交換",
    ] {
        let page = search(&app, &tanaka, q).await;
        assert!(hit_ids(&page).contains(&id(&post)), "{q}: {page}");
    }
    // The hit carries the text as written.
    let page = search(&app, &tanaka, "かろなーる").await;
    assert_eq!(page["items"][0]["post"]["body"], post["body"]);
    assert!(hit_ids(&search(&app, &tanaka, "ロキソニン").await).is_empty());
}

#[tokio::test]
async fn posts_written_before_folding_are_folded_at_start() {
    let app = TestApp::start().await;
    let common::TestDb::Sqlite(pool) = app.db.clone() else {
        // SQLite's migrations only: PostgreSQL never had such rows.
        return;
    };
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let post = create_post(&app, &tanaka, group, "ﾃﾞｨｽﾎﾟｰｻﾞﾌﾞﾙ手袋を補充").await;
    // As a row from before migration 0004: no folded copy, the index holds the raw body.
    sqlx::query("UPDATE posts SET search_text = NULL WHERE id = ?")
        .bind(id(&post))
        .execute(&pool)
        .await
        .unwrap();
    assert!(hit_ids(&search(&app, &tanaka, "でぃすぽーざぶる").await).is_empty());
    let folded = tsunagu_server::store::sqlite::fold_search_texts(&pool)
        .await
        .unwrap();
    assert!(folded >= 1, "{folded}");
    let page = search(&app, &tanaka, "でぃすぽーざぶる").await;
    assert!(hit_ids(&page).contains(&id(&post)), "{page}");
    assert_eq!(
        tsunagu_server::store::sqlite::fold_search_texts(&pool)
            .await
            .unwrap(),
        0,
        "nothing left to fold"
    );
}
