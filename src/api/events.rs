//! Opening the live event stream, `GET /events` (`text/event-stream`).
//!
//! Not through [`Client::fetch`]: the stream lives as long as the connection manager decides
//! (it has its own abort signal, not the reactive owner's), asks for `text/event-stream` and
//! resumes with `Last-Event-ID`. Failures are reported exactly like `fetch` does, including the
//! lost-session callback on a 401.

use gloo_net::http::{Method, RequestBuilder, Response};
use leptos::prelude::Callable;

use super::{error_from_response, ApiError, Client};

/// Media type of the event stream.
pub const EVENT_STREAM: &str = "text/event-stream";

impl Client {
    /// `GET /events`: opens the stream, resuming after `last_event_id` when given; `signal`
    /// closes it. Returns the response once the server accepted (its body is the stream).
    pub async fn open_events(
        &self,
        last_event_id: Option<&str>,
        signal: &web_sys::AbortSignal,
    ) -> Result<Response, ApiError> {
        let mut builder = RequestBuilder::new(&self.url("/events"))
            .method(Method::GET)
            .header("Accept", EVENT_STREAM)
            // Events must never come from an HTTP cache.
            .cache(web_sys::RequestCache::NoStore)
            .abort_signal(Some(signal));
        if let Some(token) = &self.token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        if let Some(id) = last_event_id {
            builder = builder.header("Last-Event-ID", id);
        }
        let resp = builder
            .build()
            .map_err(|_| ApiError::Network)?
            .send()
            .await
            .map_err(|_| ApiError::Network)?;
        if resp.ok() {
            return Ok(resp);
        }
        let err = error_from_response(&resp).await;
        if err.is_auth_lost() {
            if let (Some(cb), Some(code)) = (&self.on_auth_lost, err.code()) {
                cb.run(code);
            }
        }
        Err(err)
    }
}

#[cfg(test)]
mod tests {
    use crate::api::{posts_query, PostCursor};
    use tsunagu_api::{Importance, Timeline};

    #[test]
    fn the_posts_query_carries_the_importance_filter() {
        assert_eq!(
            posts_query(
                Some(Timeline::Care),
                PostCursor::Newest,
                Some(50),
                Some(Importance::Important)
            ),
            "?timeline=care&limit=50&min_importance=important"
        );
        assert_eq!(
            posts_query(None, PostCursor::Before("a+b".into()), Some(50), None),
            "?limit=50&before=a%2Bb"
        );
    }
}
