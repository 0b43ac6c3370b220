//! The connection to `GET /api/v1/events`: opened with `fetch()` (an `EventSource` cannot send
//! the bearer token), read chunk by chunk with the body's stream reader, parsed with
//! [`super::sse`], and every event published to the subscribers.
//!
//! One connection per session: it starts when a session exists, stops on logout or when
//! another user logs in. When the stream drops it is reopened with `Last-Event-ID` after a
//! backoff (1 s doubling to 30 s, back to 1 s once a connection succeeded), at once when the
//! browser comes back online; a stream silent for three heartbeats is treated as dropped (a
//! dead TCP connection does not always say so). A 401 goes through the session's lost-session
//! path like any other request.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Promise, Reflect, Uint8Array};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use tsunagu_api::SSE_HEARTBEAT_SECONDS;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::backoff::Backoff;
use super::{Live, LiveStatus};
use crate::api::Client;
use crate::json;
use crate::session::SessionCtx;
use tsunagu_api::sse::SseParser;

/// Longest silence before the stream is considered dead: three missed heartbeats.
const SILENCE_MS: i32 = (SSE_HEARTBEAT_SECONDS * 3 * 1000) as i32;

/// State shared by the session watcher, the running connection and the `online` listener.
#[derive(Default)]
struct Shared {
    /// Incremented on every stop: a connection task whose generation is old ends itself.
    generation: Cell<u64>,
    /// Aborts the current request and its body stream.
    controller: RefCell<Option<web_sys::AbortController>>,
    /// Resolves the current backoff wait early.
    wake: RefCell<Option<js_sys::Function>>,
    /// Id of the last event received, for resuming.
    last_id: RefCell<Option<String>>,
}

impl Shared {
    fn is_current(&self, generation: u64) -> bool {
        self.generation.get() == generation
    }

    /// Ends the current connection (and its waiting) for good.
    fn stop(&self) {
        self.generation.set(self.generation.get().wrapping_add(1));
        if let Some(c) = self.controller.borrow_mut().take() {
            c.abort();
        }
        self.wake_up();
    }

    /// Ends the current backoff wait, so the next attempt starts now.
    fn wake_up(&self) {
        let wake = self.wake.borrow_mut().take();
        if let Some(resolve) = wake {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

/// Keeps the session's event stream connected, publishing into `live`.
pub(super) fn keep_connected(live: Live, session: SessionCtx) {
    let shared = Rc::new(Shared::default());
    // The token, not the session: refreshing the user (`GET /me`) must not reconnect.
    let token = Memo::new(move |_| session.token());

    // Back online: retry at once instead of waiting out the backoff.
    let online = {
        let shared = shared.clone();
        Closure::<dyn Fn()>::new(move || shared.wake_up())
    };
    let window = web_sys::window();
    if let Some(w) = &window {
        let _ = w.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
    }

    let watcher = shared.clone();
    crate::effect::effect(move || {
        let token = token.get();
        watcher.stop();
        // A new session starts at "now"; the old one's position means nothing to it.
        watcher.last_id.replace(None);
        match token {
            Some(_) => {
                let generation = watcher.generation.get();
                leptos::task::spawn_local(run(watcher.clone(), generation, session.client(), live));
            }
            None => live.status.set(LiveStatus::Off),
        }
    });

    let parts = SendWrapper::new((shared, online, window));
    on_cleanup(move || {
        if !parts.valid() {
            return;
        }
        let (shared, online, window) = parts.take();
        shared.stop();
        if let Some(w) = window {
            let _ =
                w.remove_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        }
    });
}

/// How one attempt ended.
enum Ended {
    /// The stream could not be opened or dropped: try again after the backoff.
    Dropped,
    /// The session is gone (401) or the connection was stopped: do not try again.
    Finished,
}

/// Connects, and reconnects after drops, until the generation is stopped.
async fn run(shared: Rc<Shared>, generation: u64, client: Client, live: Live) {
    let mut backoff = Backoff::default();
    let mut failed = false;
    live.status.set(LiveStatus::Connecting);
    // A backend implementing a subset of the contract may have no event stream; asking it
    // again and again would only show a connection problem that is not one. When the question
    // itself fails (offline), connecting is tried anyway and backs off. The same answer says
    // when the screen locks (`Live::idle_lock_seconds`).
    if let Ok(meta) = client.capabilities().await {
        live.idle_lock_seconds.set(meta.idle_lock_seconds());
        if !meta.has_events() {
            if shared.is_current(generation) {
                live.status.set(LiveStatus::Unavailable);
            }
            return;
        }
    }
    while shared.is_current(generation) {
        live.status.set(if failed {
            LiveStatus::Reconnecting
        } else {
            LiveStatus::Connecting
        });
        if let Ended::Finished = stream_once(&shared, generation, &client, live, &mut backoff).await
        {
            return;
        }
        if !shared.is_current(generation) {
            return;
        }
        failed = true;
        live.status.set(LiveStatus::Reconnecting);
        wait(&shared, generation, backoff.next_delay()).await;
    }
}

/// Opens the stream once and reads it until it ends.
async fn stream_once(
    shared: &Shared,
    generation: u64,
    client: &Client,
    live: Live,
    backoff: &mut Backoff,
) -> Ended {
    let Ok(controller) = web_sys::AbortController::new() else {
        return Ended::Finished;
    };
    shared.controller.replace(Some(controller.clone()));
    let ended = read_stream(shared, generation, client, live, backoff, &controller).await;
    // Close this attempt's request whatever happened (a newer generation has its own).
    controller.abort();
    if shared.is_current(generation) {
        shared.controller.replace(None);
    } else {
        return Ended::Finished;
    }
    ended
}

async fn read_stream(
    shared: &Shared,
    generation: u64,
    client: &Client,
    live: Live,
    backoff: &mut Backoff,
    controller: &web_sys::AbortController,
) -> Ended {
    let last_id = shared.last_id.borrow().clone();
    let resp = match client
        .open_events(last_id.as_deref(), &controller.signal())
        .await
    {
        Ok(resp) => resp,
        // The client already reported it; the session watcher stops this connection.
        Err(e) if e.is_auth_lost() => return Ended::Finished,
        Err(_) => return Ended::Dropped,
    };
    if !shared.is_current(generation) {
        return Ended::Finished;
    }
    let Some(body) = resp.body() else {
        return Ended::Dropped;
    };
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    live.status.set(LiveStatus::Open);
    backoff.reset();
    if last_id.is_none() {
        live.fresh_starts.update(|n| *n = n.wrapping_add(1));
    }
    let mut parser = SseParser::resuming(last_id);
    loop {
        let (silence, timer) = timeout(SILENCE_MS);
        let chunk = JsFuture::from(Promise::race(&Array::of2(&reader.read(), &silence))).await;
        if let (Some(w), Some(t)) = (web_sys::window(), timer) {
            w.clear_timeout_with_handle(t);
        }
        if !shared.is_current(generation) {
            return Ended::Finished;
        }
        let chunk = match chunk {
            // The timeout won: nothing, not even a heartbeat, for too long.
            Ok(v) if v.is_undefined() => return Ended::Dropped,
            Ok(v) => v,
            Err(_) => return Ended::Dropped,
        };
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ended::Dropped;
        }
        let Ok(value) = Reflect::get(&chunk, &JsValue::from_str("value")) else {
            return Ended::Dropped;
        };
        let bytes = Uint8Array::new(&value).to_vec();
        for frame in parser.feed(&bytes) {
            if frame.id.is_some() {
                shared.last_id.replace(frame.id.clone());
            }
            match json::live_event(&frame.event, &frame.data) {
                Some(event) => live.publish(&event),
                // A newer server's event this client does not know yet: skip it.
                None => web_sys::console::warn_1(&JsValue::from_str(&format!(
                    "tsunagu: ignored live event {:?}",
                    frame.event
                ))),
            }
            if !shared.is_current(generation) {
                return Ended::Finished;
            }
        }
        if let Some(ms) = parser.retry_ms() {
            backoff.set_initial(ms);
        }
    }
}

/// A promise resolving to `undefined` after `ms`, and its timer handle.
fn timeout(ms: i32) -> (Promise, Option<i32>) {
    let mut handle = None;
    let promise = Promise::new(&mut |resolve, _| {
        handle = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                .ok()
        });
    });
    (promise, handle)
}

/// Waits `ms`, or less when woken (back online, or stopped).
async fn wait(shared: &Shared, generation: u64, ms: u32) {
    let ms = i32::try_from(ms).unwrap_or(i32::MAX);
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
        shared.wake.replace(Some(resolve));
    });
    let _ = JsFuture::from(promise).await;
    if shared.is_current(generation) {
        shared.wake.replace(None);
    }
}
