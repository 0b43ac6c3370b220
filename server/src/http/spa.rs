//! The built SPA: static files, with client-side routes falling back to `index.html`.

use std::path::{Path, PathBuf};

use base64::Engine;
use sha2::{Digest, Sha256};

use axum::extract::Request;
use axum::handler::HandlerWithoutStateExt;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// Serves `dist`. A missing path whose last segment has no dot is a client-side route
/// (`/groups/<id>`) and gets `index.html` — that of a second build when its first segment is a
/// folder of `dist` with its own `index.html` (`/manage/groups/new` gets
/// `manage/index.html`); a missing path that looks like a file stays 404, so a stale script
/// URL does not receive HTML.
pub fn router(dist: &Path) -> Router {
    let dist_root = dist.to_path_buf();
    let client_route = move |request: Request| {
        let dist = dist_root.clone();
        async move {
            let path = request.uri().path();
            if looks_like_file(path) {
                return StatusCode::NOT_FOUND.into_response();
            }
            let index = page_for(&dist, path);
            match ServeFile::new(index).oneshot(request).await {
                Ok(response) => response.into_response(),
                Err(never) => match never {},
            }
        }
    };
    // `make web` writes `name.br` (brotli -q 11) and `name.gz` (gzip -9) beside the wasm, js
    // and css: sent as they are to a browser that accepts them, smaller than what the response
    // compression makes on the fly and no CPU per download. Browsers offer br only over HTTPS,
    // so gzip is what a LAN install over plain HTTP uses. Without those files, or to other
    // clients, the file is served and compressed as before.
    Router::new()
        .fallback_service(
            // A build's folder (`/login`, `/search?q=…`) is its page, not a redirect to
            // `/login/`: that cost a slow phone one more round trip before the login form.
            ServeDir::new(dist)
                .append_index_html_on_directories(false)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(client_route.into_service()),
        )
        .layer(middleware::from_fn(cache_control))
}

/// The `index.html` that serves the client route `path`.
fn page_for(dist: &Path, path: &str) -> PathBuf {
    let first = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    // A facility's application and activation links are pages of the build for people without
    // an account (the family invitation build).
    let first = match first {
        "apply" | "activate" => "join",
        other => other,
    };
    if !first.is_empty() && !first.contains('.') {
        let sub = dist.join(first).join("index.html");
        if sub.is_file() {
            return sub;
        }
    }
    dist.join("index.html")
}

/// Every page of the SPA: `index.html` and the `index.html` of each second build in a folder
/// of `dist`, whose inline scripts the CSP must allow.
pub fn pages(dist: &Path) -> Vec<PathBuf> {
    let mut pages = vec![dist.join("index.html")];
    if let Ok(entries) = std::fs::read_dir(dist) {
        let mut subs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("index.html"))
            .filter(|p| p.is_file())
            .collect();
        subs.sort();
        pages.extend(subs);
    }
    pages
}

fn last_segment(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or_default()
}

/// The app's icons, copied under fixed names (public/).
fn is_icon(segment: &str) -> bool {
    segment.starts_with("favicon.")
        || segment == "apple-touch-icon.png"
        || (segment.starts_with("icon-") && segment.ends_with(".png"))
}

fn looks_like_file(path: &str) -> bool {
    last_segment(path).contains('.')
}

/// `index.html`, the service worker, the script registering it and the web app manifest keep their names across deploys
/// (trunk copies the manifest as is), so they must be revalidated for a deploy to reach users;
/// so are the icons the manifest and the pages name (`favicon.*`, `icon-*.png`,
/// `apple-touch-icon.png`), kept a day: a new icon reaches installed apps. Every other file has
/// a content hash in its name (trunk) and never changes.
async fn cache_control(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if !response.status().is_success() && response.status() != StatusCode::NOT_MODIFIED {
        return response;
    }
    let value = match last_segment(&path) {
        "index.html" | "sw.js" | "page.js" => "no-cache",
        segment if segment.ends_with(".webmanifest") => "no-cache",
        segment if is_icon(segment) => "public, max-age=86400",
        // Directory or client route: index.html was served.
        segment if !segment.contains('.') => "no-cache",
        _ => "public, max-age=31536000, immutable",
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    // A hashed file may be sent brotli-precompressed (`precompressed_br`), which the response
    // compression leaves alone without marking: a shared cache must key it by Accept-Encoding.
    if headers.contains_key(header::CONTENT_ENCODING) && !headers.contains_key(header::VARY) {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// The Content-Security-Policy of the SPA's pages, for the `index.html` being served. No
/// `'unsafe-inline'`: trunk's inline module loader (and any other inline script or style in the
/// file) is allowed by its SHA-256, so an injected script cannot run; `'wasm-unsafe-eval'`
/// compiles the app's WebAssembly. `connect_src` are the other backends a user may point the
/// SPA at.
pub fn content_security_policy(index_html: &str, connect_src: &[String]) -> String {
    let inline = InlineSources::of(index_html);
    let hashes = |texts: &[&str]| -> String {
        texts
            .iter()
            .map(|text| format!(" 'sha256-{}'", sha256_base64(text)))
            .collect()
    };
    let mut style_src = format!("'self'{}", hashes(&inline.styles));
    if !inline.style_attributes.is_empty() {
        // CSP matches `style="…"` attributes by hash only with 'unsafe-hashes'.
        style_src.push_str(" 'unsafe-hashes'");
        style_src.push_str(&hashes(&inline.style_attributes));
    }
    let connect: String = connect_src.iter().map(|o| format!(" {o}")).collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{scripts}; \
         style-src {style_src}; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'{connect}; \
         worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'",
        scripts = hashes(&inline.scripts),
    )
}

fn sha256_base64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

/// Inline code in an HTML file, byte for byte as a browser hashes it for CSP.
#[derive(Debug, Default, PartialEq)]
struct InlineSources<'a> {
    /// Contents of `<script>` elements without `src`.
    scripts: Vec<&'a str>,
    /// Contents of `<style>` elements.
    styles: Vec<&'a str>,
    /// Values of `style` attributes.
    style_attributes: Vec<&'a str>,
}

impl<'a> InlineSources<'a> {
    /// A scan, not a parser: enough for trunk's output (quoted or, when minified, unquoted
    /// attributes; no comments hiding tags).
    fn of(html: &'a str) -> Self {
        // ASCII lower-casing keeps byte offsets, so positions found in `lower` index `html`.
        let lower = html.to_ascii_lowercase();
        let mut found = Self::default();
        let mut at = 0;
        while let Some(start) = lower[at..].find('<').map(|i| at + i) {
            let Some(end) = tag_end(&lower, start) else {
                break;
            };
            let tag = &lower[start + 1..end];
            at = end + 1;
            // End tags, comments and the doctype carry no attributes.
            if tag.starts_with(['/', '!']) {
                continue;
            }
            let name_len = tag
                .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
                .unwrap_or(tag.len());
            let name = &tag[..name_len];
            for (attr, value) in attributes(&tag[name_len..]) {
                if attr == "style" {
                    let offset = start + 1 + name_len;
                    found
                        .style_attributes
                        .push(&html[offset + value.start..offset + value.end]);
                }
            }
            if name == "script" || name == "style" {
                let close = format!("</{name}");
                let content_end = lower[at..].find(&close).map_or(lower.len(), |i| at + i);
                let has_src = attributes(&tag[name_len..]).any(|(attr, _)| attr == "src");
                if name == "style" {
                    found.styles.push(&html[at..content_end]);
                } else if !has_src {
                    found.scripts.push(&html[at..content_end]);
                }
                at = content_end;
            }
        }
        found
    }
}

/// Index of the `>` closing the tag opened at `start`, skipping quoted attribute values.
fn tag_end(lower: &str, start: usize) -> Option<usize> {
    let mut quote = None;
    for (i, c) in lower[start..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(start + i),
            _ => {}
        }
    }
    None
}

/// `(name, value range)` of each attribute in the text after a tag name.
fn attributes(text: &str) -> impl Iterator<Item = (&str, std::ops::Range<usize>)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'/')
        {
            i += 1;
        }
        let name = &text[name_start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != b'=' {
            return Some((name, i..i));
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = if i < bytes.len() && matches!(bytes[i], b'"' | b'\'') {
            let quote = bytes[i];
            let start = i + 1;
            let end = text[start..]
                .find(quote as char)
                .map_or(text.len(), |j| start + j);
            i = (end + 1).min(text.len());
            start..end
        } else {
            let start = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            start..i
        };
        if !name.is_empty() {
            return Some((name, value));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What trunk 0.21 writes for `index.html` (release, not minified here).
    const TRUNK_INDEX: &str = r#"<!DOCTYPE html><html lang="ja"><head>
<meta charset="utf-8">
<link rel="stylesheet" href="/main-1a2b.css" integrity="sha384-x" crossorigin="anonymous">
<link rel="modulepreload" href="/tsunagu-web-9f.js" crossorigin="anonymous" integrity="sha384-y"><link rel="preload" href="/tsunagu-web-9f_bg.wasm" crossorigin="anonymous" integrity="sha384-z" as="fetch" type="application/wasm"></head>
<body><noscript>JavaScript</noscript>
<script type="module">
import init, * as bindings from '/tsunagu-web-9f.js';
const wasm = await init({ module_or_path: '/tsunagu-web-9f_bg.wasm' });


window.wasmBindings = bindings;


dispatchEvent(new CustomEvent("TrunkApplicationStarted", {detail: {wasm}}));

</script></body></html>"#;

    #[test]
    fn the_inline_loader_is_allowed_by_its_hash_and_nothing_else_inline() {
        let inline = InlineSources::of(TRUNK_INDEX);
        assert_eq!(inline.scripts.len(), 1);
        assert!(inline.scripts[0].starts_with("\nimport init"));
        assert!(inline.scripts[0].ends_with("));\n\n"));
        assert!(inline.styles.is_empty() && inline.style_attributes.is_empty());

        let csp = content_security_policy(TRUNK_INDEX, &["https://ehr.example.jp".to_owned()]);
        let hash = sha256_base64(inline.scripts[0]);
        assert!(
            csp.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}';"
            )),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(
            csp.contains("connect-src 'self' https://ehr.example.jp;"),
            "{csp}"
        );
        for directive in [
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
            "form-action 'self'",
            "style-src 'self';",
        ] {
            assert!(csp.contains(directive), "{directive} in {csp}");
        }
    }

    #[test]
    fn minified_html_inline_styles_and_script_sources_are_told_apart() {
        let html = "<html><head><style>p{color:red}</style>\
            <script src=/a.js></script><SCRIPT type=module>go()</SCRIPT></head>\
            <body><div style=\"margin:0\" class=x><p STYLE=color:blue>x</p></div>\
            <script>one()</script></body></html>";
        let inline = InlineSources::of(html);
        assert_eq!(inline.scripts, ["go()", "one()"]);
        assert_eq!(inline.styles, ["p{color:red}"]);
        assert_eq!(inline.style_attributes, ["margin:0", "color:blue"]);
        let csp = content_security_policy(html, &[]);
        assert!(
            csp.contains(&format!(
                "style-src 'self' 'sha256-{}' 'unsafe-hashes' 'sha256-{}' 'sha256-{}';",
                sha256_base64("p{color:red}"),
                sha256_base64("margin:0"),
                sha256_base64("color:blue"),
            )),
            "{csp}"
        );
        assert!(csp.contains("connect-src 'self';"), "{csp}");
    }
}
