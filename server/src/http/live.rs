//! `GET /api/v1/events`: the caller's live events as Server-Sent Events.
//!
//! A stream delivers, in id order, every stored event the caller may see *at delivery time*:
//! of groups they are a member of now, and (family members) only group-level events and the
//! `family` timeline's; and the events addressed to them (a `member.changed` telling a removed
//! member's tabs to drop the group). It wakes when a handler publishes a new event id (see
//! [`crate::events`] for why ids commit in order), sends a heartbeat comment every
//! `settings.sse_heartbeat`, and at each heartbeat checks that its session is still valid —
//! without refreshing the idle timeout, so an open tab alone does not keep a session alive;
//! before each delivery it checks the session too. Each stream holds a ticket in
//! [`crate::events::Live`]'s register, which ends it at once on logout or when newer streams of
//! the same session or user go over the caps.

use std::collections::HashMap;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::watch;
use tokio::time::Instant;
use tsunagu_api::{LiveEvent, Post, ResetInfo};
use uuid::Uuid;

use super::common_responses::SessionErrors;
use super::extract::ClientIp;
use super::{AppState, AuthUser, Error};
use crate::audit::{Action, Entry};
use crate::events::Tick;
use crate::store::{Store, StoreError, StoredEvent};
use crate::time::now_ms;

/// Events read from the database at once.
const BATCH: i64 = 200;

/// Where a new stream starts, from its `Last-Event-ID`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// Deliver events with a greater id.
    After(i64),
    /// Events the client missed are gone (or the id is not one of ours): send `reset`, then
    /// continue after this id (the newest assigned).
    Reset { after: i64, oldest: Option<i64> },
}

/// `last_event_id`: absent (`None`), unparsable (`Some(None)`) or an id. `newest` is the
/// largest id ever assigned (also after pruning), `oldest` the smallest still stored.
fn start(last_event_id: Option<Option<i64>>, newest: i64, oldest: Option<i64>) -> Start {
    let reset = Start::Reset {
        after: newest,
        oldest,
    };
    match last_event_id {
        // Without an id the stream starts at "now".
        None => Start::After(newest),
        Some(Some(id)) if (0..=newest).contains(&id) => {
            // Everything in (id, newest] must still be stored: nothing missed, or the first
            // missed one is the oldest kept.
            let complete = id == newest || oldest.is_some_and(|oldest| oldest <= id + 1);
            if complete {
                Start::After(id)
            } else {
                reset
            }
        }
        Some(_) => reset,
    }
}

/// One open stream's state.
struct Feed {
    store: Store,
    user_id: Uuid,
    token_hash: String,
    idle_ms: i64,
    heartbeat: Duration,
    /// Every event up to this id has been delivered or is not for this caller.
    last: i64,
    rx: watch::Receiver<Tick>,
    next_check: Instant,
    first: Option<Event>,
}

impl Feed {
    /// The next events to send; `None` ends the stream.
    async fn next(&mut self) -> Option<Vec<Event>> {
        if let Some(first) = self.first.take() {
            return Some(vec![first]);
        }
        loop {
            let now = Instant::now();
            if now >= self.next_check {
                match self.session_valid().await {
                    Ok(true) => {}
                    Ok(false) => return None,
                    Err(e) => {
                        tracing::error!(error = %e, "event stream: session check failed");
                        return None;
                    }
                }
                self.next_check = now + self.heartbeat;
                return Some(vec![Event::default().comment("heartbeat")]);
            }
            let tick = *self.rx.borrow_and_update();
            if tick.closing {
                return None;
            }
            if tick.latest > self.last {
                // Nothing is delivered past the session's end: a disabled account or an
                // expired session stops here, not at the next heartbeat.
                match self.session_valid().await {
                    Ok(true) => {}
                    Ok(false) => return None,
                    Err(e) => {
                        tracing::error!(error = %e, "event stream: session check failed");
                        return None;
                    }
                }
                match self.fetch(tick.latest).await {
                    Ok(events) if events.is_empty() => continue,
                    Ok(events) => return Some(events),
                    Err(e) => {
                        tracing::error!(error = %e, "event stream: reading events failed");
                        return None;
                    }
                }
            }
            tokio::select! {
                changed = self.rx.changed() => {
                    if changed.is_err() {
                        return None;
                    }
                }
                () = tokio::time::sleep_until(self.next_check) => {}
            }
        }
    }

    /// The same test as the authentication of a request, without touching `last_seen`.
    async fn session_valid(&self) -> Result<bool, StoreError> {
        let owner = self.store.session_owner(&self.token_hash).await?;
        let now = now_ms();
        Ok(owner.is_some_and(|s| {
            s.user_id == self.user_id
                && s.last_seen_ms + self.idle_ms >= now
                && s.expires_at_ms > now
        }))
    }

    /// Events in (`last`, `upto`] the caller may see now, as SSE events; advances `last`.
    async fn fetch(&mut self, upto: i64) -> Result<Vec<Event>, StoreError> {
        let rows = self
            .store
            .events_for(self.user_id, self.last, upto, BATCH)
            .await?;
        // A short batch covered the whole range, including events not for this caller.
        self.last = if (rows.len() as i64) < BATCH {
            upto
        } else {
            rows.last().map_or(upto, |r| r.id)
        };
        let current = self.current_posts(&rows).await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let data = if row.name.starts_with("post.") {
                    // What the post is now, as this caller sees it — never the text it had when
                    // the event was written (since edited or deleted: a tombstone).
                    current.get(&post_id_of(&row.data)?)?.clone()
                } else {
                    row.data
                };
                Some(
                    Event::default()
                        .id(row.id.to_string())
                        .event(row.name)
                        .data(data),
                )
            })
            .collect())
    }

    /// The posts these events are about, rendered from their current rows for this caller
    /// (one query per batch).
    /// Keyed by post id, each serialised once however many events name it.
    async fn current_posts(
        &self,
        rows: &[StoredEvent],
    ) -> Result<HashMap<Uuid, String>, StoreError> {
        let mut ids: Vec<Uuid> = rows
            .iter()
            .filter(|r| r.name.starts_with("post."))
            .filter_map(|r| post_id_of(&r.data))
            .collect();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        ids.sort_unstable();
        ids.dedup();
        let posts = self.store.posts_by_id(self.user_id, &ids).await?;
        Ok(posts
            .into_iter()
            .filter_map(|post: Post| Some((post.id, serde_json::to_string(&post).ok()?)))
            .collect())
    }
}

/// The `id` of the post a stored post event is about.
fn post_id_of(data: &str) -> Option<Uuid> {
    #[derive(serde::Deserialize)]
    struct Id {
        id: Uuid,
    }
    serde_json::from_str::<Id>(data).ok().map(|p| p.id)
}

fn reset_event(after: i64, oldest: Option<i64>) -> Event {
    let reset = LiveEvent::Reset(ResetInfo { oldest_id: oldest });
    Event::default()
        .id(after.to_string())
        .event(reset.name())
        .data(reset.data_json())
}

/// The caller's live events (`text/event-stream`).
///
/// Each event has `id:` (increasing), `event:` (`post.created`, `post.updated`,
/// `post.deleted`, `read.updated`, `ack.updated`, `member.changed`, `reset`) and `data:` (its
/// JSON, see `LiveEvent`). Only events of groups the caller belongs to at delivery time, and of
/// timelines the caller may read. Reconnect with `Last-Event-ID` to receive every later event;
/// if some were already discarded (events are kept 7 days) or the id is unknown, the stream
/// starts with `event: reset` and the client reloads. Without `Last-Event-ID` it starts now.
/// A `: heartbeat` comment comes every 15 seconds; the stream ends when the session does
/// (it does not keep the session alive). A session may hold 6 streams open and a user 12 (by
/// default); opening another ends the oldest.
#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "events",
    security(("bearer" = [])),
    params(
        ("Last-Event-ID" = Option<String>, Header, description = "The `id` of the last event received, to resume after it"),
    ),
    responses(
        (status = 200, description = "An endless stream of Server-Sent Events", body = String, content_type = "text/event-stream"),
        SessionErrors,
    )
)]
pub async fn event_stream(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let last_event_id = headers
        .get("last-event-id")
        .map(|v| v.to_str().ok().and_then(|s| s.trim().parse::<i64>().ok()));
    // Subscribed before reading the newest id: an event committed in between is then both
    // after the start and announced to this receiver.
    let rx = state.live.subscribe();
    let (newest, oldest) = state.store.event_bounds().await?;
    state
        .store
        .audit(Entry::new(Action::EventsSubscribe, Some(auth.user_id), ip))
        .await?;

    let (last, first) = match start(last_event_id, newest, oldest) {
        Start::After(id) => (id, None),
        Start::Reset { after, oldest } => (after, Some(reset_event(after, oldest))),
    };
    // Registered before the session is checked again below: a logout either finds this stream
    // in the register and ends it, or has already deleted the session.
    let ticket = state.live.open_stream(auth.user_id, &auth.token_hash);
    let heartbeat = state.settings.sse_heartbeat;
    let feed = Feed {
        store: state.store.clone(),
        user_id: auth.user_id,
        token_hash: auth.token_hash,
        idle_ms: i64::try_from(state.settings.session_idle_timeout.as_millis())
            .unwrap_or(i64::MAX / 2),
        heartbeat,
        last,
        rx,
        next_check: Instant::now() + heartbeat,
        first,
    };
    if !feed.session_valid().await? {
        return Err(Error::Unauthenticated);
    }
    // Ends at once, whatever the feed is doing, when the ticket says so (logout, a disabled
    // account, or newer streams over the caps).
    let mut response = Sse::new(events(feed).take_until(ticket)).into_response();
    // Reverse proxies (nginx) must pass each event on at once, not buffer the stream.
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

fn events(feed: Feed) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(feed, |mut feed| async move {
        let batch = feed.next().await?;
        Some((batch, feed))
    })
    .flat_map(|batch| stream::iter(batch.into_iter().map(Ok)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_resumes_or_resets_by_what_is_still_stored() {
        // No Last-Event-ID: from now.
        assert_eq!(start(None, 40, Some(10)), Start::After(40));
        // Everything after 20 is still there (oldest 10), or nothing came after 40.
        assert_eq!(start(Some(Some(20)), 40, Some(10)), Start::After(20));
        assert_eq!(start(Some(Some(9)), 40, Some(10)), Start::After(9));
        assert_eq!(start(Some(Some(40)), 40, None), Start::After(40));
        // 5..=9 were pruned: reset, then from now.
        let reset = Start::Reset {
            after: 40,
            oldest: Some(10),
        };
        assert_eq!(start(Some(Some(4)), 40, Some(10)), reset);
        // Unknown ids (future, negative, garbage) reset too.
        assert_eq!(start(Some(Some(41)), 40, Some(10)), reset);
        assert_eq!(start(Some(Some(-1)), 40, Some(10)), reset);
        assert_eq!(start(Some(None), 40, Some(10)), reset);
        // Everything pruned and something missed.
        assert_eq!(
            start(Some(Some(3)), 40, None),
            Start::Reset {
                after: 40,
                oldest: None
            }
        );
        // A fresh database: id 0 is "nothing yet", not unknown.
        assert_eq!(start(Some(Some(0)), 0, None), Start::After(0));
    }
}
