//! Tsunagu reference backend: the `/api/v1` contract over SQLite, plus the built SPA.

use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

pub mod admin;
pub mod audit;
pub mod config;
pub mod cursor;
pub mod database_url;
pub mod db;
pub mod demo;
pub mod domain;
pub mod email;
pub mod events;
pub mod http;
pub mod listener;
pub mod media;
pub mod openapi;
pub mod password;
pub mod proxy;
pub mod push;
pub mod rate_limit;
pub mod seed_large;
pub mod seed_region;
pub mod store;
pub mod throttles;
pub mod time;
pub mod token;
pub mod two_factor;

pub use http::{app, AppState};

use config::{ConnectionLimits, ServeArgs, Settings};
use events::StreamCaps;

/// How often expired sessions, old idempotency keys, old events and stale throttle entries are
/// dropped.
const MAINTENANCE_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in journald or log files.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

/// Runs the server until SIGINT or SIGTERM.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    // One server per SQLite file, and `admin restore` can tell that one runs.
    let _lock = if db::is_postgres_url(&args.database_url) {
        None
    } else {
        crate::store::sqlite::backup::lock_for_serving(&args.database_url)?
    };
    let db = db::connect(&args.database_url, args.database_max_connections).await?;
    if args.demo {
        if demo::seed(&db).await? {
            tracing::info!("demo data seeded");
        }
        demo::print_logins();
    }
    let dist = if args.dist.is_dir() {
        Some(args.dist.clone())
    } else {
        tracing::warn!(
            dist = %args.dist.display(),
            "SPA directory not found; serving the API only"
        );
        None
    };
    let open_files = listener::raise_open_file_limit();
    let wanted = usize::try_from(args.max_connections).unwrap_or(usize::MAX);
    let max_connections = listener::fit_connections(wanted, open_files);
    if max_connections < wanted {
        tracing::warn!(
            wanted,
            max_connections,
            "--max-connections lowered to fit under the open-file limit"
        );
    }
    tracing::info!(
        open_files = open_files.map_or_else(|| "unknown".to_owned(), |n| n.to_string()),
        max_connections,
        "connection limits"
    );
    let settings = Settings {
        session_idle_timeout: Duration::from_secs(args.session_idle_timeout_secs.into()),
        session_max_lifetime: Duration::from_secs(args.session_max_lifetime_secs.into()),
        idle_lock_seconds: args.idle_lock_secs,
        dist,
        max_concurrent_hashes: args
            .max_concurrent_hashes
            .map_or_else(config::default_max_concurrent_hashes, usize::from),
        trusted_proxies: args.trusted_proxies.clone(),
        connect_src: args.connect_src.clone(),
        request_timeout: Duration::from_secs(args.request_timeout_secs.into()),
        stream_caps: StreamCaps {
            per_session: args.max_streams_per_session as usize,
            per_user: args.max_streams_per_user as usize,
        },
        connections: ConnectionLimits {
            max_connections,
            header_read_timeout: Duration::from_secs(args.header_read_timeout_secs.into()),
        },
        media: media_settings(&args),
        push: args.push_settings(),
        email: args.email_settings(),
        ..Settings::default()
    };
    let state = AppState::new(db.clone(), settings).await?;

    let listener = TcpListener::bind(&args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = listener.local_addr()?;
    tokio::spawn(maintenance(state.clone()));

    // Before the address line: whoever reads up to that line has read this too.
    if !state.store.has_operator().await? {
        // A new deployment: say how it begins (the login page says it too).
        println!(
            "No operator account yet. Create the first one with:\n  \
             tsunagu-server admin create-operator --login-id <ID> --name <NAME>"
        );
    }
    // Printed after binding so it carries the real port (tests and scripts read this line).
    println!("Tsunagu listening on http://{addr}/");
    let live = state.live.clone();
    let store = state.store.clone();
    let limits = state.settings.connections;
    listener::serve(listener, app(state), limits, async move {
        shutdown_signal().await;
        // Event streams never end by themselves; a graceful shutdown would wait for them.
        live.close();
    })
    .await;
    // The audit rows of the last reads are still queued.
    store.flush().await;
    db.close().await;
    tracing::info!("shut down");
    Ok(())
}

/// Periodic housekeeping; the first round runs at once.
/// The media configuration of the command line.
fn media_settings(args: &ServeArgs) -> media::MediaSettings {
    let dir = args
        .media_dir
        .clone()
        .unwrap_or_else(|| media::default_dir(&args.database_url));
    let mut settings = media::MediaSettings::in_dir(dir);
    if let Some(bucket) = &args.media_s3_bucket {
        settings.objects = media::ObjectsConfig::S3 {
            bucket: bucket.clone(),
            endpoint: args.media_s3_endpoint.clone(),
        };
    }
    settings.limits = tsunagu_api::MediaLimits {
        max_video_bytes: args.max_video_bytes,
        max_file_bytes: args.max_file_bytes,
        max_post_bytes: args.max_post_bytes,
        ..tsunagu_api::MediaLimits::default()
    };
    settings.idle_timeout = Duration::from_secs(args.upload_idle_timeout_secs.max(1).into());
    settings
}

async fn maintenance(state: AppState) {
    let mut interval = tokio::time::interval(MAINTENANCE_INTERVAL);
    loop {
        interval.tick().await;
        if let Err(e) = state.store.prune(state.settings.session_idle_timeout).await {
            tracing::error!(error = %e, "pruning expired rows failed");
        }
        // On PostgreSQL each instance prunes the shared rows; the second finds little left.
        if let Err(e) = state.throttles.prune().await {
            tracing::error!(error = ?e, "pruning throttle entries failed");
        }
        if let Err(e) = http::prune_media(&state).await {
            tracing::error!(error = ?e, "pruning unfinished uploads failed");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing open requests");
}
