//! The HTTP layer: application state, the router, and cross-cutting middleware.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Request};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::config::Settings;
use crate::db::Database;
use crate::events::Live;
use crate::password::Hashing;
use crate::proxy::{self, TrustedProxies};
use crate::store::postgres::throttle::PgThrottles;
use crate::store::postgres::{self, PgStore};
use crate::store::sqlite::SqliteStore;
use crate::store::Store;
use crate::throttles::Throttles;

mod access;
mod access_log;
mod activation;
mod api_doc;
mod applications;
mod common_responses;
mod dashboard;
mod direct;
mod directory;
mod email;
mod error;
mod extract;
mod facilities;
mod group_mute;
mod groups;
mod health;
mod invitations;
mod join;
mod live;
mod me;
mod media;
mod member_activation;
mod members;
mod meta;
mod pledge;
mod post_edits;
mod posts;
mod push;
mod read_markers;
mod receipts;
mod responses;
mod search;
mod sessions;
mod settings;
mod spa;
mod staff;
mod staff_csv;
mod timeout;
mod two_factor;
mod uploads;
mod users;

pub use error::Error;
pub use extract::AuthUser;

/// Largest JSON request body. A maximal post (10,000 characters, each escaped as `\uXXXX`) is
/// about 60 KiB, so this leaves room without letting a client make us buffer megabytes.
pub const JSON_BODY_LIMIT: usize = 256 * 1024;

/// Shared by all handlers; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Storage; handlers moved to it no longer see SQL (see `store`).
    pub store: Store,
    pub settings: Arc<Settings>,
    /// Failed logins, and refused `POST /join/{token}` attempts (unknown link, login ID
    /// taken) per link and per address: in memory on SQLite, shared by every instance on
    /// PostgreSQL.
    pub throttles: Throttles,
    /// Bounds the password hashes and checks running at once.
    pub hashing: Arc<Hashing>,
    /// Verified against when a login ID is unknown, so the response time does not reveal which
    /// IDs exist.
    pub dummy_hash: Arc<str>,
    /// Wakes the open event streams after events are committed.
    pub live: Live,
    /// Unfinished uploads and stored files.
    pub media: crate::media::MediaStorage,
    /// Uploads a `PATCH` is writing to on this instance: one at a time each.
    pub uploads_busy: Arc<Mutex<std::collections::HashSet<uuid::Uuid>>>,
    /// Web Push: the VAPID key and the queue of pushes to send (off without a subject).
    pub push: crate::push::Push,
    /// E-mail notifications: the sender and digest loops (off without an SMTP URL).
    pub email: crate::email::Email,
}

impl AppState {
    pub async fn new(db: Database, settings: Settings) -> anyhow::Result<Self> {
        let dummy_hash = crate::password::hash(crate::token::generate()).await?;
        let (store, live, throttles) = match db {
            Database::Sqlite(db) => {
                let latest = crate::store::sqlite::events::latest(&db.read).await?;
                let live = Live::starting_at(latest, settings.stream_caps);
                let store = Store::sqlite(SqliteStore::new(
                    db.read.clone(),
                    db.writer.clone(),
                    live.clone(),
                ));
                let throttles = Throttles::in_memory(settings.login_limit, settings.join_limit);
                (store, live, throttles)
            }
            Database::Postgres(pool) => {
                let latest = postgres::events::latest(&pool).await?;
                let live = Live::starting_at(latest, settings.stream_caps);
                // Events committed by other instances wake this one's streams.
                tokio::spawn(postgres::events::listen(pool.clone(), live.clone()));
                let throttles = Throttles::shared(PgThrottles::new(
                    pool.clone(),
                    settings.login_limit,
                    settings.join_limit,
                ));
                (
                    Store::postgres(PgStore::new(pool, live.clone())),
                    live,
                    throttles,
                )
            }
        };
        let media =
            crate::media::MediaStorage::open(&settings.media.spool, &settings.media.objects)?;
        let push = crate::push::Push::start(store.clone(), &settings.push).await?;
        let email = crate::email::Email::start(store.clone(), &settings.email).await?;
        Ok(Self {
            push,
            email,
            store,
            live,
            media,
            uploads_busy: Arc::default(),
            throttles,
            hashing: Arc::new(Hashing::new(
                settings.max_concurrent_hashes,
                settings.hash_wait,
            )),
            settings: Arc::new(settings),
            dummy_hash: dummy_hash.into(),
        })
    }
}

/// Every `/api/v1` route, each with its OpenAPI documentation: a route cannot be added without
/// appearing in the document.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(api_doc::ApiDoc::openapi())
        .routes(routes!(meta::get_meta))
        .routes(routes!(health::get_health))
        .routes(routes!(sessions::create_session))
        .routes(routes!(sessions::delete_current_session))
        .routes(routes!(me::get_me))
        .routes(routes!(two_factor::start_two_factor))
        .routes(routes!(two_factor::confirm_two_factor))
        .routes(routes!(users::suspend_user, users::reactivate_user))
        .routes(routes!(
            applications::submit_application,
            applications::list_applications
        ))
        .routes(routes!(applications::pending_applications))
        .routes(routes!(applications::approve_application))
        .routes(routes!(applications::reject_application))
        .routes(routes!(pledge::get_pledge, pledge::put_pledge))
        .routes(routes!(settings::get_settings, settings::put_settings))
        .routes(routes!(staff::list_staff, staff::add_staff))
        .routes(routes!(staff::reissue_activation))
        .routes(routes!(staff::offboard_user))
        .routes(routes!(
            facilities::suspend_facility,
            facilities::reactivate_facility
        ))
        .routes(routes!(staff_csv::export_staff))
        .routes(routes!(access_log::list_access_log))
        .routes(routes!(access_log::export_access_log))
        .routes(routes!(dashboard::get_dashboard))
        .routes(routes!(dashboard::export_dashboard))
        // A staff list file may be larger than a JSON body.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(staff_csv::import_staff))
                .layer(DefaultBodyLimit::max(staff_csv::MAX_FILE_BYTES)),
        )
        .routes(routes!(activation::activation_info, activation::activate))
        .routes(routes!(activation::start_activation_two_factor))
        .routes(routes!(groups::list_groups, groups::create_group))
        .routes(routes!(groups::get_group, groups::update_group))
        .routes(routes!(groups::archive_group))
        .routes(routes!(group_mute::put_mute))
        .routes(routes!(push::vapid_key))
        .routes(routes!(
            push::get_subscription,
            push::put_subscription,
            push::delete_subscription
        ))
        .routes(routes!(email::get_email, email::delete_email))
        .routes(routes!(email::put_address))
        .routes(routes!(email::confirm))
        .routes(routes!(email::put_mode))
        .routes(routes!(direct::open_direct))
        .routes(routes!(members::list_members, members::add_member))
        .routes(routes!(members::update_member, members::remove_member))
        .routes(routes!(member_activation::reissue_family_activation))
        .routes(routes!(invitations::list_invitations))
        .routes(routes!(invitations::approve_invitation))
        .routes(routes!(invitations::decline_invitation))
        .routes(routes!(invitations::list_links, invitations::create_link))
        .routes(routes!(invitations::revoke_link))
        .routes(routes!(join::join_info, join::join_as_family))
        .routes(routes!(directory::search_people))
        .routes(routes!(directory::list_facilities))
        .routes(routes!(posts::list_posts, posts::create_post))
        .routes(routes!(
            posts::get_post,
            post_edits::update_post,
            post_edits::delete_post
        ))
        .routes(routes!(post_edits::post_history))
        .routes(routes!(receipts::post_receipts))
        .routes(routes!(receipts::ack_post))
        .routes(routes!(receipts::list_urgent))
        .routes(routes!(read_markers::mark_read))
        .routes(routes!(search::search))
        .routes(routes!(live::event_stream))
        .routes(routes!(uploads::upload_options, uploads::create_upload))
        .routes(routes!(
            uploads::get_upload,
            uploads::head_upload,
            uploads::patch_upload,
            uploads::delete_upload
        ))
        .routes(routes!(media::get_media))
        .routes(routes!(media::get_thumbnail))
        .routes(routes!(media::list_group_media))
        .routes(routes!(sessions::put_media_cookie))
}

/// Removes uploads left unfinished, and files left off any post, for a day: their rows, then
/// their bytes.
pub async fn prune_media(state: &AppState) -> anyhow::Result<()> {
    let cutoff = crate::time::now_ms() - crate::media::UPLOAD_RETENTION_MS;
    let pruned = state.store.prune_media(cutoff).await?;
    for id in pruned.uploads {
        let _ = tokio::fs::remove_file(state.media.spool_path(id)).await;
    }
    for key in pruned.object_keys {
        state.media.delete(&key).await?;
    }
    Ok(())
}

/// The whole application: the API, the SPA for every other path, and the common middleware.
pub fn app(state: AppState) -> Router {
    let (api, _) = api_router().split_for_parts();
    let spa = state.settings.dist.as_deref().map(spa::router);
    let policy = Arc::new(HeaderPolicy::new(&state.settings));
    let request_timeout = state.settings.request_timeout;
    api.method_not_allowed_fallback(|| async { Error::MethodNotAllowed })
        .fallback(move |request: Request| fallback(spa.clone(), request))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            audit_refusals,
        ))
        .layer(middleware::from_fn(run_to_completion))
        // Outside `run_to_completion`: a timed-out handler is answered for, not cancelled.
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            // An upload's body may take longer than any fixed time; it has its own idle timeout.
            let upload = request.method() == axum::http::Method::PATCH
                && request.uri().path().starts_with("/api/v1/uploads/");
            async move {
                if upload {
                    next.run(request).await
                } else {
                    timeout::request_timeout(request_timeout, request, next).await
                }
            }
        }))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(middleware::from_fn(move |request, next| {
            security_headers(policy.clone(), request, next)
        }))
        .layer(CompressionLayer::new().compress_when(DefaultPredicate::new().and(NotSecret)))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// Runs the rest of the request on a task of its own and waits for it. A client that hangs up
/// drops this future, not the handler's: a write always finishes (commit or rollback) and
/// never leaves its transaction open or half-written — cancel safety by construction rather
/// than by care at each call site. A handler that panics answers 500 here.
async fn run_to_completion(request: Request, next: Next) -> Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(e) => Error::Internal(anyhow::anyhow!("request handler failed: {e}")).into_response(),
    }
}

/// Audits a signed-in caller's refused API request (403, or 404 on a path naming something):
/// probing for other people's groups and posts must leave a trace. Runs inside
/// `run_to_completion`, so the row is written even if the client has gone.
async fn audit_refusals(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let caller = extract::Caller::default();
    request.extensions_mut().insert(caller.clone());
    let ip = {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        proxy::client_ip(peer, request.headers(), &state.settings.trusted_proxies)
    };
    // Cheap to clone (shared bytes); parsed for ids only when refused.
    let uri = request.uri().clone();
    let response = next.run(request).await;
    let refused = matches!(
        response.status(),
        axum::http::StatusCode::FORBIDDEN | axum::http::StatusCode::NOT_FOUND
    ) && response.extensions().get::<error::NotARefusal>().is_none();
    if let (true, Some(user)) = (refused, caller.get()) {
        let ids = path_ids(uri.path());
        let mut entry =
            crate::audit::Entry::new(crate::audit::Action::AccessRefused, Some(user), ip);
        if let Some(group) = ids.group {
            entry = entry.group(group);
        }
        if let Some(target) = ids.target {
            entry = entry.target(target);
        }
        if let Err(e) = state.store.audit(entry).await {
            // The refusal stands; only its record failed, which the operator must see.
            tracing::error!(error = %e, "auditing a refused request failed");
        }
    }
    response
}

/// The ids an API path names: the group (`/groups/{id}`) and the last other id.
#[derive(Debug, Default, PartialEq)]
struct PathIds {
    group: Option<uuid::Uuid>,
    target: Option<uuid::Uuid>,
}

fn path_ids(path: &str) -> PathIds {
    let mut ids = PathIds::default();
    let mut previous = "";
    for segment in path.split('/') {
        if let Ok(id) = uuid::Uuid::parse_str(segment) {
            if previous == "groups" && ids.group.is_none() {
                ids.group = Some(id);
            } else {
                ids.target = Some(id);
            }
        }
        previous = segment;
    }
    ids
}

/// The span of one request: method and the route template (`/api/v1/join/{token}`), never the
/// path or query, which carry family-link tokens and search text. Paths no API route matched
/// (the SPA's, unknown ones) are logged as one of two kinds for the same reason: the SPA's own
/// routes hold tokens too.
fn request_span(request: &Request) -> tracing::Span {
    let route = match request.extensions().get::<MatchedPath>() {
        Some(path) => path.as_str(),
        None if is_api_path(request.uri().path()) => "(unknown api path)",
        None => "(spa)",
    };
    tracing::info_span!("request", method = %request.method(), route)
}

fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Unknown API paths answer a problem; everything else is the SPA's (or 404 without one).
async fn fallback(spa: Option<Router>, request: Request) -> Response {
    if is_api_path(request.uri().path()) {
        return Error::NotFound.into_response();
    }
    match spa {
        Some(spa) => {
            let Ok(response) = tower::ServiceExt::oneshot(spa, request).await;
            response
        }
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

/// What `security_headers` adds beyond the fixed headers.
struct HeaderPolicy {
    /// The served `index.html`, whose inline code the SPA's CSP allows by hash.
    /// The SPA's build folder, whose pages' inline scripts the CSP allows.
    dist: Option<PathBuf>,
    connect_src: Vec<String>,
    /// The SPA's CSP and the modification time of the `index.html` it was computed from:
    /// computed at start, and again when a deploy replaces the file, so a new build's loader
    /// is not blocked until a restart.
    spa_csp: Mutex<(Option<SystemTime>, HeaderValue)>,
    trusted_proxies: TrustedProxies,
}

/// API responses are data, never documents: nothing may load, run or frame them.
const API_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// A file opened on its own (a PDF, an SVG disguised as something else) runs nothing and
/// reaches nothing: sandboxed, no scripts, no origin.
const MEDIA_CSP: &str =
    "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'";

/// One year; no `includeSubDomains`, since other hosts of a care provider's domain are not ours
/// to force onto HTTPS.
const HSTS: &str = "max-age=31536000";

impl HeaderPolicy {
    fn new(settings: &Settings) -> Self {
        let mut policy = Self {
            dist: settings.dist.clone(),
            connect_src: settings.connect_src.clone(),
            spa_csp: Mutex::new((None, HeaderValue::from_static(API_CSP))),
            trusted_proxies: settings.trusted_proxies.clone(),
        };
        let modified = policy.index_modified();
        let csp = policy.compute_spa_csp();
        *policy
            .spa_csp
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = (modified, csp);
        policy
    }

    /// The latest modification time of the SPA's pages (`index.html` and a second build's).
    fn index_modified(&self) -> Option<SystemTime> {
        let dist = self.dist.as_ref()?;
        spa::pages(dist)
            .iter()
            .filter_map(|page| std::fs::metadata(page).and_then(|m| m.modified()).ok())
            .max()
    }

    fn compute_spa_csp(&self) -> HeaderValue {
        let mut html = String::new();
        for page in self.dist.as_deref().map(spa::pages).unwrap_or_default() {
            match std::fs::read_to_string(&page) {
                Ok(text) => html.push_str(&text),
                Err(e) => {
                    tracing::warn!(error = %e, page = %page.display(), "cannot read a page of the SPA; its inline scripts will be blocked");
                }
            }
        }
        let csp = spa::content_security_policy(&html, &self.connect_src);
        // Origins are validated at parsing and hashes are base64, so this cannot fail; the API
        // policy is the safe fallback anyway.
        HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static(API_CSP))
    }

    fn spa_csp(&self) -> HeaderValue {
        let modified = self.index_modified();
        let mut cached = self.spa_csp.lock().unwrap_or_else(PoisonError::into_inner);
        if cached.0 != modified {
            *cached = (modified, self.compute_spa_csp());
        }
        cached.1.clone()
    }
}

async fn security_headers(policy: Arc<HeaderPolicy>, request: Request, next: Next) -> Response {
    let api = is_api_path(request.uri().path());
    // Files keep the caching and sandbox their handler set (see `media.rs`).
    let media = request.uri().path().starts_with("/api/v1/media/");
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    // HSTS only means something over HTTPS (browsers ignore it on plain HTTP), and we see
    // HTTPS only through a proxy we trust to say so.
    let https = proxy::forwarded_https(peer, request.headers(), &policy.trusted_proxies);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    if media && headers.contains_key(header::CACHE_CONTROL) {
        // A file: cached privately by the browser (its bytes never change), never by proxies.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(MEDIA_CSP),
        );
    } else if api {
        // Patient data must not linger in browser or proxy caches.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(API_CSP),
        );
    } else {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy.spa_csp());
    }
    response
}

/// Response extension marking a body that carries a secret (the session token). Such bodies
/// are not compressed: compressing a secret next to attacker-influenced bytes is what
/// BREACH-style attacks exploit.
#[derive(Debug, Clone, Copy)]
pub struct SecretBody;

/// Response extension of a file: sent as stored, so byte ranges mean the stored bytes.
#[derive(Debug, Clone, Copy)]
pub struct Uncompressed;

#[derive(Debug, Clone, Copy)]
struct NotSecret;

impl Predicate for NotSecret {
    fn should_compress<B>(&self, response: &axum::http::Response<B>) -> bool
    where
        B: axum::body::HttpBody,
    {
        response.extensions().get::<SecretBody>().is_none()
            && response.extensions().get::<Uncompressed>().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_ids_name_the_group_and_the_last_other_id() {
        let g = "0190a6c2-1f00-7000-8000-000000000001";
        let p = "0190a6c2-1f00-7000-8000-000000000002";
        assert_eq!(
            path_ids(&format!("/api/v1/groups/{g}/posts/{p}/history")),
            PathIds {
                group: Some(g.parse().unwrap()),
                target: Some(p.parse().unwrap()),
            }
        );
        assert_eq!(
            path_ids(&format!("/api/v1/invitations/{p}/approve")),
            PathIds {
                group: None,
                target: Some(p.parse().unwrap()),
            }
        );
        assert_eq!(path_ids("/api/v1/groups/not-an-id"), PathIds::default());
    }
}
