//! The one test kit of Tsunagu, shared by the server's tests, the conformance suite and the
//! browser end-to-end tests:
//!
//! - [`client`]: a typed client of `/api/v1` that keeps every response whole (status, headers,
//!   body), so a test checks the exact wire format and not only what a lenient decoder accepts;
//! - [`events`]: the live event stream read incrementally, with the SPA's own SSE parser;
//! - [`server`]: the launcher of the server binary (free port, demo data, killed on drop);
//! - [`database`]: a fresh database per server, on the backend `TSUNAGU_TEST_DATABASE_URL` names;
//! - [`fixtures`]: the demo accounts and a builder of posts;
//! - [`smtp`]: a mail relay on loopback that keeps what it receives.

pub mod check;
pub mod client;
pub mod database;
pub mod events;
pub mod fixtures;
pub mod server;
pub mod smtp;
pub mod totp;

pub use check::Check;
pub use client::{Api, Reply, Req};
pub use events::{EventStream, FrameExt, SseFrame};
pub use fixtures::PostFixture;
pub use server::{Launcher, ServerProcess};
