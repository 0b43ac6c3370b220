//! The built SPA: static files, with client-side routes falling back to `index.html`.

use std::path::Path;

use axum::extract::Request;
use axum::handler::HandlerWithoutStateExt;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// Serves `dist`. A missing path whose last segment has no dot is a client-side route
/// (`/groups/<id>`) and gets `index.html`; a missing path that looks like a file stays 404, so
/// a stale script URL does not receive HTML.
pub fn router(dist: &Path) -> Router {
    let index = dist.join("index.html");
    let client_route = move |request: Request| {
        let index = index.clone();
        async move {
            if looks_like_file(request.uri().path()) {
                return StatusCode::NOT_FOUND.into_response();
            }
            match ServeFile::new(index).oneshot(request).await {
                Ok(response) => response.into_response(),
                Err(never) => match never {},
            }
        }
    };
    Router::new()
        .fallback_service(ServeDir::new(dist).fallback(client_route.into_service()))
        .layer(middleware::from_fn(cache_control))
}

fn last_segment(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or_default()
}

fn looks_like_file(path: &str) -> bool {
    last_segment(path).contains('.')
}

/// `index.html`, the service worker and the web app manifest keep their names across deploys
/// (trunk copies the manifest as is), so they must be revalidated for a deploy to reach users;
/// every other file has a content hash in its name (trunk) and never changes.
async fn cache_control(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if !response.status().is_success() && response.status() != StatusCode::NOT_MODIFIED {
        return response;
    }
    let value = match last_segment(&path) {
        "index.html" | "sw.js" => "no-cache",
        segment if segment.ends_with(".webmanifest") => "no-cache",
        // Directory or client route: index.html was served.
        segment if !segment.contains('.') => "no-cache",
        _ => "public, max-age=31536000, immutable",
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}
