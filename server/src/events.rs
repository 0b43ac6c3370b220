//! The event log behind `GET /api/v1/events`: handlers append events in the transaction that
//! makes the change, and after committing wake the open streams through [`Live`].
//!
//! Ordering: SQLite lets one writer at a time hold the database, and a transaction keeps the
//! write lock from its first write until it commits. Event ids come from AUTOINCREMENT inside
//! those transactions, so ids are assigned — and committed — in increasing order: once a reader
//! sees event N, every event below N is committed too (or was rolled back and never existed).
//! A stream may therefore remember "everything up to N delivered" and ask only for `id > N`.
//! On PostgreSQL, with writers in parallel, a trigger on `events` gives the same guarantee (see
//! `store/postgres/README.md`, *Event ids a reader never skips*).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use tokio::sync::{oneshot, watch};
use uuid::Uuid;

/// How long events are kept; a `Last-Event-ID` older than this gets `event: reset`.
pub const EVENT_RETENTION_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// The id of an appended event. Must be handed to [`Live::publish`] after the transaction
/// commits, or open streams learn of the event only with the next one.
#[must_use = "publish the event id after committing, or open streams are not woken"]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventId(pub i64);

/// What open streams watch: the newest committed event id, and whether the server is
/// shutting down (streams end then, so a graceful shutdown does not wait for them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tick {
    pub latest: i64,
    pub closing: bool,
}

/// Wakes the open event streams, and keeps the register of them that caps how many one
/// session and one user may hold. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Live {
    tx: watch::Sender<Tick>,
    streams: Arc<Streams>,
}

impl Live {
    pub fn starting_at(latest: i64, caps: StreamCaps) -> Self {
        Self {
            tx: watch::Sender::new(Tick {
                latest,
                closing: false,
            }),
            streams: Arc::new(Streams {
                caps,
                open: Mutex::new(Register::default()),
            }),
        }
    }

    /// Announces committed events up to `id`. Handlers may publish out of order (two commits
    /// racing to notify); the value only grows, and streams read the database anyway.
    pub fn publish(&self, id: EventId) {
        self.tx.send_if_modified(|tick| {
            if id.0 > tick.latest {
                tick.latest = id.0;
                true
            } else {
                false
            }
        });
    }

    /// Publishes the largest of several ids (a handler that appended more than one event).
    pub fn publish_all(&self, ids: impl IntoIterator<Item = EventId>) {
        if let Some(max) = ids.into_iter().max() {
            self.publish(max);
        }
    }

    /// Ends every open stream (server shutdown).
    pub fn close(&self) {
        self.tx.send_modify(|tick| tick.closing = true);
    }

    /// Whether the server is shutting down.
    pub fn is_closing(&self) -> bool {
        self.tx.borrow().closing
    }

    pub fn subscribe(&self) -> watch::Receiver<Tick> {
        self.tx.subscribe()
    }

    /// Registers a new stream of the session `token_hash` of `user_id`. Beyond the caps the
    /// oldest streams of the session, then of the user, end: a stream left behind by a tab
    /// that went to sleep or a dead connection must not lock its user out, and one account
    /// cannot hold an unbounded number of connections. The stream ends when the returned
    /// ticket resolves and must drop the ticket when it ends.
    pub fn open_stream(&self, user_id: Uuid, token_hash: &str) -> StreamTicket {
        let (stop, ended) = oneshot::channel();
        let mut register = self.streams.lock();
        register.next_id += 1;
        let id = register.next_id;
        let per_session = self.streams.caps.per_session.max(1);
        let per_user = self.streams.caps.per_user.max(1);
        let open = register.by_user.entry(user_id).or_default();
        // Oldest first: ids only grow and entries are appended.
        let same_session = open.iter().filter(|s| s.token_hash == token_hash).count();
        let mut evict_session = (same_session + 1).saturating_sub(per_session);
        open.retain(|s| {
            let evict = evict_session > 0 && s.token_hash == token_hash;
            evict_session -= usize::from(evict);
            !evict
        });
        let evict_user = (open.len() + 1).saturating_sub(per_user);
        open.drain(..evict_user);
        if same_session >= per_session || evict_user > 0 {
            tracing::info!(%user_id, "event stream cap reached, closing the oldest stream");
        }
        open.push(OpenStream {
            id,
            token_hash: token_hash.to_owned(),
            _stop: stop,
        });
        StreamTicket {
            ended,
            _registration: Registration {
                streams: self.streams.clone(),
                user_id,
                id,
            },
        }
    }

    /// Ends the open streams of one session at once (logout).
    pub fn close_session(&self, user_id: Uuid, token_hash: &str) {
        let mut register = self.streams.lock();
        if let Some(open) = register.by_user.get_mut(&user_id) {
            open.retain(|s| s.token_hash != token_hash);
            if open.is_empty() {
                register.by_user.remove(&user_id);
            }
        }
    }

    /// Ends every open stream of a user at once (the account was disabled).
    pub fn close_user(&self, user_id: Uuid) {
        self.streams.lock().by_user.remove(&user_id);
    }

    /// How many streams are open (for tests and diagnostics).
    pub fn open_streams(&self) -> usize {
        self.streams.lock().by_user.values().map(Vec::len).sum()
    }
}

/// How many event streams may be open at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamCaps {
    /// Per session (one token: the tabs of one browser share it).
    pub per_session: usize,
    /// Per user, over all their sessions.
    pub per_user: usize,
}

impl Default for StreamCaps {
    fn default() -> Self {
        Self {
            // A browser shares one session among its tabs, each with a stream, and opens at most
            // six connections to a host over HTTP/1.1. Fewer would make a seventh tab and an
            // older one push each other out in turn, reconnecting every second.
            per_session: 6,
            // Two devices' worth.
            per_user: 12,
        }
    }
}

#[derive(Debug)]
struct Streams {
    caps: StreamCaps,
    open: Mutex<Register>,
}

impl Streams {
    fn lock(&self) -> std::sync::MutexGuard<'_, Register> {
        // Every update leaves the register consistent, so a panic elsewhere cannot corrupt it.
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Debug, Default)]
struct Register {
    next_id: u64,
    /// Each user's open streams, oldest first.
    by_user: HashMap<Uuid, Vec<OpenStream>>,
}

#[derive(Debug)]
struct OpenStream {
    id: u64,
    token_hash: String,
    /// Dropping it (removing the entry) ends the stream.
    _stop: oneshot::Sender<()>,
}

/// An open stream's place in the register: resolves when the stream must end (its session
/// logged out, its user disabled, or newer streams pushed it over a cap), and leaves the
/// register when dropped.
#[derive(Debug)]
pub struct StreamTicket {
    ended: oneshot::Receiver<()>,
    _registration: Registration,
}

impl Future for StreamTicket {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // The sender is never used: it is only dropped.
        Pin::new(&mut self.ended).poll(cx).map(|_| ())
    }
}

#[derive(Debug)]
struct Registration {
    streams: Arc<Streams>,
    user_id: Uuid,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut register = self.streams.lock();
        if let Some(open) = register.by_user.get_mut(&self.user_id) {
            open.retain(|s| s.id != self.id);
            if open.is_empty() {
                register.by_user.remove(&self.user_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};

    use super::*;

    fn ended(ticket: &mut StreamTicket) -> bool {
        let mut cx = Context::from_waker(Waker::noop());
        matches!(Pin::new(ticket).poll(&mut cx), Poll::Ready(()))
    }

    #[test]
    fn the_oldest_streams_beyond_the_caps_end() {
        let live = Live::starting_at(
            0,
            StreamCaps {
                per_session: 2,
                per_user: 3,
            },
        );
        let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
        let mut a1 = live.open_stream(alice, "a");
        let mut a2 = live.open_stream(alice, "a");
        let mut b = live.open_stream(bob, "b");
        assert!(!ended(&mut a1) && !ended(&mut a2));
        // A third stream of session "a": its oldest ends.
        let mut a3 = live.open_stream(alice, "a");
        assert!(ended(&mut a1));
        assert!(!ended(&mut a2) && !ended(&mut a3));
        // Another session of the same user: within the user's cap of three.
        let mut c1 = live.open_stream(alice, "c");
        assert!(!ended(&mut a2) && !ended(&mut a3) && !ended(&mut c1));
        // A fourth for the user: the user's oldest (a2) ends, whichever session it is of.
        let mut c2 = live.open_stream(alice, "c");
        assert!(ended(&mut a2));
        assert!(!ended(&mut a3) && !ended(&mut c1) && !ended(&mut c2));
        // Other users are not touched.
        assert!(!ended(&mut b));
        drop(a1);
        drop(a2);
        assert_eq!(live.open_streams(), 4);
    }

    #[test]
    fn logout_and_disabling_end_streams_and_dropped_streams_leave() {
        let live = Live::starting_at(0, StreamCaps::default());
        let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
        let mut a = live.open_stream(alice, "a");
        let mut a_other = live.open_stream(alice, "a2");
        let mut b = live.open_stream(bob, "b");
        live.close_session(alice, "a");
        assert!(ended(&mut a));
        assert!(!ended(&mut a_other) && !ended(&mut b));
        live.close_user(alice);
        assert!(ended(&mut a_other));
        assert!(!ended(&mut b));
        assert_eq!(live.open_streams(), 1);
        drop(b);
        assert_eq!(live.open_streams(), 0);
        // A stream that ended by itself does not count against the caps.
        for _ in 0..20 {
            let mut s = live.open_stream(bob, "b");
            assert!(!ended(&mut s));
        }
        assert_eq!(live.open_streams(), 0);
    }
}
