//! The live event stream, read incrementally as a browser's streaming fetch reads it, with the
//! SPA's own parser ([`tsunagu_api::sse`]).

use std::collections::VecDeque;
use std::time::Duration;

use serde_json::Value;
pub use tsunagu_api::sse::SseFrame;
use tsunagu_api::sse::{SseParser, COMMENT};

use crate::check::Check;

/// An open `text/event-stream` response.
pub struct EventStream {
    response: reqwest::Response,
    parser: SseParser,
    /// Frames parsed but not yet returned.
    ready: VecDeque<SseFrame>,
    /// The stream ended (the server closed it, or reading failed: see `error`).
    pub ended: bool,
    /// Why reading failed, if it did.
    pub error: Option<String>,
}

impl EventStream {
    /// Reads `response` (already checked to be a 200 event stream). Comments (heartbeats, the
    /// `:ok` on open) are kept: [`next_frame`](Self::next_frame) returns them.
    pub fn new(response: reqwest::Response) -> Self {
        Self {
            response,
            parser: SseParser::new().keeping_comments(),
            ready: VecDeque::new(),
            ended: false,
            error: None,
        }
    }

    /// The next frame, comments included, or `None` if none came within `wait` or the stream
    /// ended (then `ended` is set).
    pub async fn next_frame(&mut self, wait: Duration) -> Option<SseFrame> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(frame) = self.ready.pop_front() {
                return Some(frame);
            }
            if self.ended {
                return None;
            }
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Err(_) => return None,
                Ok(Ok(Some(bytes))) => self.ready.extend(self.parser.feed(&bytes)),
                Ok(Ok(None)) => self.ended = true,
                Ok(Err(e)) => {
                    self.ended = true;
                    self.error = Some(format!("reading the event stream failed: {e}"));
                }
            }
        }
    }

    /// The next event that is not a comment, within `wait`.
    pub async fn next_event(&mut self, wait: Duration) -> Option<SseFrame> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let frame = self.next_frame(left).await?;
            if frame.event != COMMENT {
                return Some(frame);
            }
        }
    }

    /// Every event arriving within `wait` (comments skipped).
    pub async fn drain(&mut self, wait: Duration) -> Vec<SseFrame> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut frames = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_event(left).await {
                Some(frame) => frames.push(frame),
                None => return frames,
            }
        }
    }

    /// [`next_event`](Self::next_event), failing if reading the stream failed.
    pub async fn next(&mut self, wait: Duration) -> Check<Option<SseFrame>> {
        let event = self.next_event(wait).await;
        self.failure()?;
        Ok(event)
    }

    /// [`drain`](Self::drain), failing if reading the stream failed.
    pub async fn try_drain(&mut self, wait: Duration) -> Check<Vec<SseFrame>> {
        let events = self.drain(wait).await;
        self.failure()?;
        Ok(events)
    }

    fn failure(&self) -> Check {
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }
}

/// What tests read from a frame.
pub trait FrameExt {
    /// The data as JSON (panics if it is not).
    fn json(&self) -> Value;
    /// The event id as a number (panics without one).
    fn id_num(&self) -> i64;
}

impl FrameExt for SseFrame {
    fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap_or_else(|e| panic!("{e}: {}", self.data))
    }

    fn id_num(&self) -> i64 {
        self.id
            .as_deref()
            .expect("event has an id")
            .parse()
            .unwrap()
    }
}
