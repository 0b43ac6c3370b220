//! The accept loop: HTTP/1.1 over TCP with a deadline for request headers, a cap on open
//! connections, and graceful shutdown.
//!
//! `axum::serve` offers neither limit: a client that connected and sent half a request, or
//! nothing, kept its connection and its file descriptor for good, and a few hundred such
//! sockets exhausted the open-file limit so nobody else could connect.
//!
//! - hyper closes a connection whose request headers are not complete within
//!   `header_read_timeout`, counted from accepting it or from the previous response (so an idle
//!   keep-alive connection also closes after that long). Slowly sent bodies and slow handlers
//!   are the request timeout's business (`http::timeout`).
//! - At most `max_connections` are served at once. The loop takes a slot before it accepts,
//!   so when all are taken new connections wait in the kernel's accept queue (and time out
//!   there at the client's pace) instead of costing a descriptor each.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

use crate::config::ConnectionLimits;

/// Descriptors kept for everything but client connections: the database files (one write and
/// eight read connections, each with its WAL), static files being sent, the listener, logs.
const RESERVED_FILES: u64 = 128;

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting, lets the open
/// requests finish (the caller ends event streams) and returns when every connection is
/// closed. Handlers see the peer as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    let mut full = false;
    loop {
        let (slot, stream, peer) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = accept(&listener, &slots, &mut full) => accepted,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(request)
        });
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                // Header timeouts, resets and clients hanging up mid-request.
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// The next connection, once a slot is free.
async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
    full: &mut bool,
) -> (OwnedSemaphorePermit, TcpStream, SocketAddr) {
    let slot = match slots.clone().try_acquire_owned() {
        Ok(slot) => {
            *full = false;
            slot
        }
        Err(_) => {
            if !*full {
                tracing::warn!("connection limit reached; new connections wait until one closes");
            }
            *full = true;
            slots
                .clone()
                .acquire_owned()
                .await
                .expect("the connection semaphore is never closed")
        }
    };
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => return (slot, stream, peer),
            // The client gave up before we got to it.
            Err(e) if is_connection_error(&e) => {}
            Err(e) => {
                // Out of descriptors (EMFILE) or similar: retrying at once would spin. Wait for
                // connections to close.
                tracing::error!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// Raises the soft limit of open files to the hard limit (a default soft limit of 1024 would
/// otherwise cap connections far below what the machine allows) and returns the limit now in
/// force, `None` where it cannot be read.
pub fn raise_open_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        match rlimit::increase_nofile_limit(u64::MAX) {
            Ok(limit) => Some(limit),
            Err(e) => {
                tracing::warn!(error = %e, "cannot raise the open-file limit");
                rlimit::getrlimit(rlimit::Resource::NOFILE)
                    .ok()
                    .map(|(soft, _)| soft)
            }
        }
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// `wanted` connections, lowered to what `open_files` descriptors allow beside the ones the
/// server needs for itself.
pub fn fit_connections(wanted: usize, open_files: Option<u64>) -> usize {
    let Some(open_files) = open_files else {
        return wanted;
    };
    let room = usize::try_from(open_files.saturating_sub(RESERVED_FILES)).unwrap_or(usize::MAX);
    wanted.min(room).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_limit_fits_under_the_open_file_limit() {
        assert_eq!(fit_connections(4096, Some(1024)), 1024 - 128);
        assert_eq!(fit_connections(4096, Some(1_048_576)), 4096);
        assert_eq!(fit_connections(4096, None), 4096);
        assert_eq!(fit_connections(4096, Some(10)), 1);
    }

    #[cfg(unix)]
    #[test]
    fn the_open_file_limit_is_raised_to_the_hard_limit() {
        let (_, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap();
        let raised = raise_open_file_limit().unwrap();
        let (soft, _) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap();
        assert_eq!(raised, soft);
        // macOS caps the soft limit below an unlimited hard limit (OPEN_MAX).
        if cfg!(target_os = "linux") {
            assert_eq!(soft, hard);
        }
    }
}
