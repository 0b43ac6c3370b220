//! The request timeout: from a request's headers to its response's headers, reading the body
//! included. A body that has not fully arrived by then fails (so the handler stops waiting for
//! it and the connection closes) and the answer is 408; a handler that is still busy is left to
//! finish on its own task ([`super::run_to_completion`]) and the answer is 503, saying that the
//! request may still take effect.
//!
//! Only the response's headers are timed: an event stream, whose headers come at once, runs on.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use super::Error;

/// Whether the request body arrived, shared between the body and the middleware.
#[derive(Debug)]
struct Progress {
    /// The whole body arrived (or there was none).
    complete: AtomicBool,
    /// The body failed because the deadline passed.
    late: AtomicBool,
}

/// The request body, failing once the deadline passes before it has arrived.
struct DeadlineBody {
    inner: Body,
    deadline: Pin<Box<Sleep>>,
    progress: Arc<Progress>,
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Pending => {
                if this.deadline.as_mut().poll(cx).is_ready() {
                    this.progress.late.store(true, Ordering::Release);
                    return Poll::Ready(Some(Err(axum::Error::new("request body timed out"))));
                }
                Poll::Pending
            }
            Poll::Ready(frame) => {
                if frame.is_none() || this.inner.is_end_stream() {
                    this.progress.complete.store(true, Ordering::Release);
                }
                Poll::Ready(frame)
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Answers 408 or 503 when `request` has no response within `limit`.
pub async fn request_timeout(limit: Duration, request: Request, next: Next) -> Response {
    let deadline = Instant::now() + limit;
    let (parts, body) = request.into_parts();
    let progress = Arc::new(Progress {
        complete: AtomicBool::new(body.is_end_stream()),
        late: AtomicBool::new(false),
    });
    let body = Body::new(DeadlineBody {
        inner: body,
        deadline: Box::pin(tokio::time::sleep_until(deadline)),
        progress: progress.clone(),
    });
    let outcome =
        tokio::time::timeout_at(deadline, next.run(Request::from_parts(parts, body))).await;
    let body_late = progress.late.load(Ordering::Acquire)
        || outcome.is_err() && !progress.complete.load(Ordering::Acquire);
    match outcome {
        Ok(response) if !body_late => response,
        _ if body_late => {
            let mut response = Error::RequestBodyTimeout.into_response();
            // The rest of the body is never read: the connection cannot carry another request.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
        _ => {
            tracing::warn!(timeout = ?limit, "request timed out; the handler runs on");
            Error::Timeout.into_response()
        }
    }
}
