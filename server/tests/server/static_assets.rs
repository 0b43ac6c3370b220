//! The SPA's hashed files sent precompressed when `make web` wrote `name.br` and `name.gz`
//! beside them.

use crate::common;

use common::TestApp;

const WASM: &str = "tsunagu-web-4f2a9c1e7b3d5a60_bg.wasm";
/// Stand-in for the `.br` file: the server sends its bytes as they are, it never decodes them.
const BROTLI: &[u8] = b"brotli bytes of the module";
/// Stand-in for the `.gz` file.
const GZIP: &[u8] = b"gzip bytes of the module";

/// Stand-in for the module itself, long enough to be compressed on the fly.
fn raw() -> Vec<u8> {
    b"\0asm raw module bytes ".repeat(20)
}

async fn app_with_precompressed_wasm() -> TestApp {
    let app = TestApp::start().await;
    std::fs::write(
        app.dist.join("index.html"),
        "<!doctype html><title>T</title>",
    )
    .unwrap();
    std::fs::write(app.dist.join(WASM), raw()).unwrap();
    std::fs::write(app.dist.join(format!("{WASM}.br")), BROTLI).unwrap();
    std::fs::write(app.dist.join(format!("{WASM}.gz")), GZIP).unwrap();
    app
}

#[tokio::test]
async fn a_browser_accepting_br_gets_the_precompressed_file() {
    let app = app_with_precompressed_wasm().await;
    let response = app
        .client
        .get(app.url(&format!("/{WASM}")))
        .header("accept-encoding", "gzip, deflate, br, zstd")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let h = response.headers();
    assert_eq!(h["content-encoding"], "br");
    assert_eq!(h["content-type"], "application/wasm");
    assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(h["vary"], "accept-encoding");
    assert_eq!(response.bytes().await.unwrap().as_ref(), BROTLI);
}

#[tokio::test]
async fn other_clients_get_the_file_itself() {
    let app = app_with_precompressed_wasm().await;
    let response = app
        .client
        .get(app.url(&format!("/{WASM}")))
        .header("accept-encoding", "identity")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("content-encoding").is_none());
    assert_eq!(response.bytes().await.unwrap().as_ref(), raw());

    // gzip only (a browser over plain HTTP): the gzip -9 copy.
    let response = app
        .client
        .get(app.url(&format!("/{WASM}")))
        .header("accept-encoding", "gzip, deflate")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(response.headers()["vary"], "accept-encoding");
    assert_eq!(response.bytes().await.unwrap().as_ref(), GZIP);
}

#[tokio::test]
async fn without_precompressed_copies_files_are_compressed_on_the_fly() {
    let app = TestApp::start().await;
    std::fs::write(app.dist.join(WASM), raw()).unwrap();
    let response = app
        .client
        .get(app.url(&format!("/{WASM}")))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_ne!(response.bytes().await.unwrap().as_ref(), raw());
}

#[tokio::test]
async fn the_app_page_stays_uncached() {
    let app = app_with_precompressed_wasm().await;
    for path in [
        "/",
        "/index.html",
        "/groups/0193a6f0-0000-7000-8000-000000000000",
    ] {
        let response = app
            .client
            .get(app.url(path))
            .header("accept-encoding", "br")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
    }
}
