//! Edges of the HTTP layer: the Content-Security-Policy and HSTS, what reaches the logs, strict
//! JSON bodies, and NUL characters in search.

use crate::common;

use std::time::Duration;

use base64::Engine;
use common::{create_post, expect_problem, TestApp, YAMADA};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tsunagu_testkit::Launcher;

/// The shape of trunk 0.21's release `index.html`: one inline module script, the loader.
const INDEX_HTML: &str = "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">\
<link rel=\"modulepreload\" href=\"/tsunagu-web-1f.js\" crossorigin=\"anonymous\">\
</head><body><script type=\"module\">\nimport init from '/tsunagu-web-1f.js';\n\
const wasm = await init({ module_or_path: '/tsunagu-web-1f_bg.wasm' });\n</script></body></html>";

fn loader_hash() -> String {
    let start = INDEX_HTML.find("<script type=\"module\">").unwrap() + 22;
    let end = INDEX_HTML.find("</script>").unwrap();
    let digest = Sha256::digest(&INDEX_HTML.as_bytes()[start..end]);
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

async fn app_with_spa(trusted: &str) -> TestApp {
    let trusted = trusted.to_owned();
    TestApp::start_with(move |settings| {
        let dist = settings.dist.clone().unwrap();
        std::fs::write(dist.join("index.html"), INDEX_HTML).unwrap();
        settings.connect_src = vec!["https://ehr.example.jp".to_owned()];
        settings.trusted_proxies = trusted.parse().unwrap();
    })
    .await
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn the_spa_runs_only_its_own_scripts() {
    let app = app_with_spa("").await;
    for path in ["/", "/groups/0190b2f0-0000-7000-8000-000000000000"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let csp = header(&response, "content-security-policy").expect("CSP on the SPA");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(
            !csp.contains(" 'unsafe-eval'"),
            "only wasm-unsafe-eval: {csp}"
        );
        assert!(
            csp.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' {};",
                loader_hash()
            )),
            "{csp}"
        );
        for directive in [
            "default-src 'self'",
            "connect-src 'self' https://ehr.example.jp;",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
            "form-action 'self'",
        ] {
            assert!(csp.contains(directive), "{directive} missing: {csp}");
        }
    }
    // API answers are data: nothing may run or frame them.
    let response = app
        .client
        .get(app.url("/api/v1/meta"))
        .send()
        .await
        .unwrap();
    let csp = header(&response, "content-security-policy").expect("CSP on the API");
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let response = app
        .client
        .get(app.url("/api/v1/nope"))
        .send()
        .await
        .unwrap();
    assert!(header(&response, "content-security-policy")
        .unwrap()
        .starts_with("default-src 'none'"));
}

#[tokio::test]
async fn hsts_only_when_a_trusted_proxy_says_https() {
    let forwarded = |app: &TestApp, proto: Option<&'static str>| {
        let mut request = app.client.get(app.url("/api/v1/meta"));
        if let Some(proto) = proto {
            request = request.header("x-forwarded-proto", proto);
        }
        request.send()
    };
    // The test client connects from 127.0.0.1.
    let behind_proxy = app_with_spa("127.0.0.1").await;
    let response = forwarded(&behind_proxy, Some("https")).await.unwrap();
    assert_eq!(
        header(&response, "strict-transport-security").as_deref(),
        Some("max-age=31536000")
    );
    let response = forwarded(&behind_proxy, Some("http")).await.unwrap();
    assert_eq!(header(&response, "strict-transport-security"), None);
    let response = forwarded(&behind_proxy, None).await.unwrap();
    assert_eq!(header(&response, "strict-transport-security"), None);

    // Anyone can send the header: without a trusted proxy it means nothing.
    let direct = app_with_spa("10.0.0.0/8").await;
    let response = forwarded(&direct, Some("https")).await.unwrap();
    assert_eq!(header(&response, "strict-transport-security"), None);
}

async fn last_login_ip(app: &TestApp) -> Option<String> {
    app.audit_flushed()
        .await
        .scalar(
            "SELECT client_ip FROM audit_log WHERE action = 'session.create'
             ORDER BY id DESC LIMIT 1",
            &[],
        )
        .await
}

#[tokio::test]
async fn the_client_address_comes_from_a_trusted_proxy_only() {
    let login = |app: &TestApp| {
        app.client
            .post(app.url("/api/v1/sessions"))
            .header("x-forwarded-for", "198.51.100.4, 203.0.113.7")
            .json(&json!({ "login_id": "ns.tanaka", "password": common::PASSWORD }))
            .send()
    };
    let behind_proxy = app_with_spa("127.0.0.1").await;
    assert_eq!(login(&behind_proxy).await.unwrap().status(), 201);
    assert_eq!(
        last_login_ip(&behind_proxy).await.as_deref(),
        Some("203.0.113.7")
    );
    let direct = app_with_spa("").await;
    assert_eq!(login(&direct).await.unwrap().status(), 201);
    assert_eq!(last_login_ip(&direct).await.as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn logs_name_routes_never_tokens_or_search_text() {
    let dir = tempfile::tempdir().unwrap();
    let stderr_path = dir.path().join("stderr");
    let server = Launcher::new(
        env!("CARGO_BIN_EXE_tsunagu-server"),
        &tsunagu_testkit::database::fresh(dir.path()).await,
    )
    .dist(dir.path())
    // The default level, as deployed.
    .env_remove("RUST_LOG")
    .stderr(std::fs::File::create(&stderr_path).unwrap())
    .spawn();
    let base = server.base.clone();
    std::fs::write(dir.path().join("index.html"), INDEX_HTML).unwrap();

    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let token = "LinkTokenSecret4d9f";
    let search = "ひみつ検索語";
    let response = client
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({ "login_id": "ns.tanaka", "password": common::PASSWORD }))
        .send()
        .await
        .unwrap();
    let session: Value = response.json().await.unwrap();
    let bearer = session["token"].as_str().unwrap();
    for (path, auth) in [
        (format!("/api/v1/join/{token}"), false),
        (format!("/join/{token}"), false),
        (format!("/api/v1/search?q={search}&limit=5"), true),
        (format!("/api/v1/unknown/{token}"), false),
    ] {
        let mut request = client.get(format!("{base}{path}"));
        if auth {
            request = request.bearer_auth(bearer);
        }
        request.send().await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(server);

    let log = std::fs::read_to_string(&stderr_path).unwrap();
    assert!(
        log.contains("/api/v1/join/{token}"),
        "route template: {log}"
    );
    assert!(log.contains("/api/v1/search"), "{log}");
    let encoded: String = search
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect::<String>();
    for secret in [
        token,
        search,
        encoded.as_str(),
        &encoded.to_lowercase(),
        bearer,
    ] {
        assert!(!log.contains(secret), "{secret} logged: {log}");
    }
}

#[tokio::test]
async fn a_json_body_must_be_an_object() {
    let app = TestApp::start().await;
    let response = app
        .client
        .post(app.url("/api/v1/sessions"))
        .json(&json!(["ns.tanaka", common::PASSWORD]))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, 422, "malformed_request").await;
    assert!(problem["detail"].as_str().unwrap().contains("object"));
    for body in ["\"ns.tanaka\"", "42", "null"] {
        let response = app
            .client
            .post(app.url("/api/v1/sessions"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        expect_problem(response, 422, "malformed_request").await;
    }
    // Broken JSON stays a 400.
    let response = app
        .client
        .post(app.url("/api/v1/sessions"))
        .header("content-type", "application/json")
        .body("[\"ns.tanaka\",")
        .send()
        .await
        .unwrap();
    expect_problem(response, 400, "malformed_request").await;
}

#[tokio::test]
async fn a_field_of_the_wrong_type_is_named_without_deserializer_text() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let path = format!("/api/v1/groups/{group}/posts");
    let response = app.post_json(&tanaka, &path, &json!({ "body": 5 })).await;
    let problem = expect_problem(response, 422, "field_invalid").await;
    assert_eq!(
        problem["errors"],
        json!([{ "field": "body", "code": "field_invalid" }])
    );
    let text = problem.to_string();
    for internal in ["invalid type", "expected", "line 1", "column"] {
        assert!(!text.contains(internal), "{internal} leaked: {text}");
    }
    let response = app.post_json(&tanaka, &path, &json!({})).await;
    let problem = expect_problem(response, 422, "field_required").await;
    assert_eq!(
        problem["errors"],
        json!([{ "field": "body", "code": "field_required" }])
    );
    let response = app
        .client
        .post(app.url("/api/v1/sessions"))
        .json(&json!({ "login_id": "ns.tanaka", "password": ["x"] }))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, 422, "field_invalid").await;
    assert_eq!(problem["errors"][0]["field"], "password");
}

#[tokio::test]
async fn a_nul_in_the_query_is_no_server_error() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    for q in ["発赤\0を認め", "\0", "a\0b"] {
        let response = app
            .client
            .get(app.url("/api/v1/search"))
            .bearer_auth(&tanaka)
            .query(&[("q", q)])
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert!(status == 200 || status == 422, "{q:?}: {status}");
    }
}

/// No text may hold a NUL (PostgreSQL cannot store one, and nobody types it): a post, an edit,
/// a group's name or a login ID with one is an invalid field on every backend, nothing is
/// written.
#[tokio::test]
async fn a_nul_in_any_text_is_an_invalid_field() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let before = app.post_count(group).await;
    let response = app
        .post_json(
            &tanaka,
            &format!("/api/v1/groups/{group}/posts"),
            &json!({ "body": "前半の記録\u{0}後半に書いた踵の発赤" }),
        )
        .await;
    let body = expect_problem(response, 422, "field_invalid").await;
    assert_eq!(body["errors"][0]["field"], "body", "{body}");
    assert_eq!(app.post_count(group).await, before);
    let response = app
        .post_json(
            &tanaka,
            "/api/v1/groups",
            &json!({ "kind": "workplace", "name": "連絡\u{0}用" }),
        )
        .await;
    let body = expect_problem(response, 422, "field_invalid").await;
    assert_eq!(body["errors"][0]["field"], "name", "{body}");
    let response = app.login_response("ns.tanaka\u{0}", common::PASSWORD).await;
    expect_problem(response, 422, "field_invalid").await;
}

/// Posts folded before control characters were dropped are folded again: migration 0007 clears
/// their folded text and the start-up pass writes it anew.
#[tokio::test]
async fn posts_folded_with_a_nul_before_the_fix_are_refolded() {
    let app = TestApp::start().await;
    let common::TestDb::Sqlite(pool) = app.db.clone() else {
        // SQLite's migrations only: PostgreSQL never had such rows.
        return;
    };
    let tanaka = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let post = create_post(&app, &tanaka, group, "古い記録 NUL の後の仙骨部の発赤").await;
    let id = post["id"].as_str().unwrap();
    // As the old fold wrote it: the NUL kept, so the index ends there.
    sqlx::query("UPDATE posts SET search_text = ? WHERE id = ?")
        .bind("古い記録\u{0}nulの後の仙骨部の発赤")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    let found = |q: &'static str| {
        let app = &app;
        let tanaka = &tanaka;
        async move {
            let page: Value = app
                .client
                .get(app.url("/api/v1/search"))
                .bearer_auth(tanaka)
                .query(&[("q", q)])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            page["items"].as_array().unwrap().len()
        }
    };
    assert_eq!(found("仙骨部の発赤").await, 0, "the stale fold hides it");
    sqlx::raw_sql(include_str!(
        "../../src/store/sqlite/migrations/0007_refold_control_characters.sql"
    ))
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(
        tsunagu_server::store::sqlite::fold_search_texts(&pool)
            .await
            .unwrap(),
        1,
        "only the post with a control character is folded again"
    );
    assert_eq!(found("仙骨部の発赤").await, 1);
}

/// The document states what the server enforces: `q` is required and bounded, and every JSON
/// body can be refused the ways the extractor refuses it.
#[test]
fn the_contract_says_what_is_enforced() {
    let doc = serde_json::to_value(tsunagu_server::openapi::document()).unwrap();
    let q = doc["paths"]["/api/v1/search"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "q")
        .unwrap();
    assert_eq!(q["required"], true, "{q}");
    assert_eq!(q["schema"]["minLength"], 1, "{q}");
    assert_eq!(q["schema"]["maxLength"], 100, "{q}");
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if operation.get("requestBody").is_none() {
                continue;
            }
            for status in ["400", "413", "415", "422"] {
                assert!(
                    operation["responses"].get(status).is_some(),
                    "{method} {path} lacks {status}"
                );
            }
        }
    }
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["NewPost"]["properties"]["body"]["maxLength"],
        10_000
    );
    assert_eq!(
        schemas["PatientProfileInput"]["properties"]["birth_date"]["format"],
        "date"
    );
}

/// A deploy replaces index.html (new file names in the loader, so a new hash) without a
/// restart: the policy follows, or the new loader would be blocked.
#[tokio::test]
async fn a_new_build_is_allowed_without_a_restart() {
    let app = app_with_spa("").await;
    let csp = |app: &TestApp| {
        let request = app.client.get(app.url("/")).send();
        async move {
            let response = request.await.unwrap();
            header(&response, "content-security-policy").unwrap()
        }
    };
    assert!(csp(&app).await.contains(&loader_hash()));
    let rebuilt = INDEX_HTML.replace("1f", "2e");
    // Modification times can be coarse: make sure this one differs.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let index = app.dist.join("index.html");
    std::fs::write(&index, &rebuilt).unwrap();
    let file = std::fs::File::options().write(true).open(&index).unwrap();
    file.set_modified(std::time::SystemTime::now() + Duration::from_secs(5))
        .unwrap();
    let start = rebuilt.find("<script type=\"module\">").unwrap() + 22;
    let end = rebuilt.find("</script>").unwrap();
    let digest = Sha256::digest(&rebuilt.as_bytes()[start..end]);
    let hash = base64::engine::general_purpose::STANDARD.encode(digest);
    let policy = csp(&app).await;
    assert!(policy.contains(&format!("'sha256-{hash}'")), "{policy}");
    assert!(!policy.contains(&loader_hash()), "{policy}");
}
