//! The SPA, fallbacks and headers common to every response.

use crate::common;

use common::{expect_problem, TestApp};

async fn app_with_dist() -> TestApp {
    let app = TestApp::start().await;
    std::fs::write(
        app.dist.join("index.html"),
        "<!doctype html><title>Tsunagu</title>",
    )
    .unwrap();
    std::fs::write(
        app.dist.join("sw.js"),
        "self.addEventListener('fetch', () => {});",
    )
    .unwrap();
    std::fs::write(
        app.dist.join("page.js"),
        "navigator.serviceWorker.register('/sw.js');",
    )
    .unwrap();
    std::fs::write(
        app.dist.join("manifest.webmanifest"),
        "{\"name\":\"Tsunagu\"}",
    )
    .unwrap();
    std::fs::write(
        app.dist.join("tsunagu-web-4f2a9c1e7b3d5a60.js"),
        "export default function init() {}\n".repeat(100),
    )
    .unwrap();
    app
}

#[tokio::test]
async fn client_routes_load_the_app_uncached() {
    let app = app_with_dist().await;
    for path in [
        "/",
        "/groups/0193a6f0-0000-7000-8000-000000000000",
        "/login",
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("<title>Tsunagu</title>"));
    }
    // Files whose names do not change across deploys.
    for path in ["/sw.js", "/page.js", "/manifest.webmanifest", "/index.html"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
    }
}

/// The management pages are a second build in `dist/manage/`: its client routes get its own
/// `index.html`, every other route the app's, and the CSP allows both pages' inline loaders.
/// The folder itself is the page, answered at once (no redirect to `/manage/`).
#[tokio::test]
async fn a_second_build_serves_its_client_routes_and_its_loader_is_allowed() {
    use base64::Engine;
    use sha2::{Digest, Sha256};

    let app = app_with_dist().await;
    let loader = "import init from '/manage/tsunagu-manage-0123456789abcdef.js';init();";
    std::fs::create_dir(app.dist.join("manage")).unwrap();
    std::fs::write(
        app.dist.join("manage/index.html"),
        format!("<!doctype html><title>Manage</title><script type=\"module\">{loader}</script>"),
    )
    .unwrap();
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(loader));
    for (path, title) in [
        ("/manage/groups/new", "<title>Manage</title>"),
        (
            "/manage/groups/0193a6f0-0000-7000-8000-000000000000/members",
            "<title>Manage</title>",
        ),
        ("/manage/", "<title>Manage</title>"),
        ("/manage", "<title>Manage</title>"),
        ("/manage?from=header", "<title>Manage</title>"),
        ("/", "<title>Tsunagu</title>"),
        (
            "/groups/0193a6f0-0000-7000-8000-000000000000",
            "<title>Tsunagu</title>",
        ),
        ("/managers", "<title>Tsunagu</title>"),
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.url().path(),
            path.split('?').next().unwrap(),
            "{path}: redirected"
        );
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{path}: {csp}");
        assert!(response.text().await.unwrap().contains(title), "{path}");
    }
}

#[tokio::test]
async fn icons_keep_their_names_and_are_kept_a_day() {
    let app = app_with_dist().await;
    for name in [
        "favicon.svg",
        "icon-192.png",
        "icon-maskable-512.png",
        "apple-touch-icon.png",
    ] {
        std::fs::write(app.dist.join(name), b"icon").unwrap();
        let response = app
            .client
            .get(app.url(&format!("/{name}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{name}");
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=86400",
            "{name}"
        );
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_compressed() {
    let app = app_with_dist().await;
    let response = app
        .client
        .get(app.url("/tsunagu-web-4f2a9c1e7b3d5a60.js"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()["content-encoding"], "gzip");

    // A missing file is not answered with the app's HTML.
    let response = app
        .client
        .get(app.url("/tsunagu-web-0000000000000000.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn security_headers_on_every_response_and_no_store_on_the_api() {
    let app = app_with_dist().await;
    for path in ["/", "/api/v1/meta", "/api/v1/me"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let h = response.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        if path.starts_with("/api/") {
            assert_eq!(h["cache-control"], "no-store", "{path}");
        }
    }
}

#[tokio::test]
async fn the_login_response_is_never_compressed() {
    let app = TestApp::start().await;
    let response = app
        .client
        .post(app.url("/api/v1/sessions"))
        .header("accept-encoding", "gzip, br")
        .json(&serde_json::json!({ "login_id": "dr.sato", "password": common::PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert!(response.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn unknown_api_routes_and_methods_are_problems() {
    let app = app_with_dist().await;
    for path in ["/api/v1/nothing-here", "/api/v2/meta", "/api"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        expect_problem(response, 404, "not_found").await;
    }
    let response = app
        .client
        .put(app.url("/api/v1/meta"))
        .send()
        .await
        .unwrap();
    expect_problem(response, 405, "malformed_request").await;
}

#[tokio::test]
async fn without_a_dist_only_the_api_is_served() {
    let app = TestApp::start_with(|s| s.dist = None).await;
    let response = app.client.get(app.url("/groups/x")).send().await.unwrap();
    assert_eq!(response.status(), 404);
    let response = app
        .client
        .get(app.url("/api/v1/meta"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn meta_announces_the_idle_lock_of_the_setting() {
    let app = TestApp::start().await;
    assert_eq!(app.api.meta().await.unwrap().idle_lock_seconds, 900);
    let off = TestApp::start_with(|s| s.idle_lock_seconds = Some(0)).await;
    assert_eq!(off.api.meta().await.unwrap().idle_lock_seconds, 0);
}
