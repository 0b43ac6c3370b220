//! Wire types of the Tsunagu HTTP contract, version 1 (`/api/v1`).
//!
//! One definition serves the SPA (deserialising), the reference server (serialising, and — with
//! the `openapi` feature — generating `api/openapi.yaml`) and the conformance suite. Field names
//! are snake_case, variants are tagged `kind`, ids are UUIDv7 and times RFC 3339 UTC with
//! milliseconds (see `shared/API-CONVENTIONS.md`).
//!
//! One module per resource; everything is re-exported here, so `tsunagu_api::Post` is the path
//! to use.

pub mod kana;
pub mod onboarding_rules;
pub mod password_policy;
pub mod rfc3339_millis;

mod iso_date;
mod wire_enum;

mod access_log;
mod dashboard;
mod directory;
mod email;
mod error;
mod group;
mod invitation;
mod live;
mod media;
mod member;
mod meta;
mod onboarding;
mod person;
mod post;
mod push;
mod receipt;
mod search;
mod session;
pub mod sse;
mod two_factor;

pub use access_log::*;
pub use dashboard::*;
pub use directory::*;
pub use email::*;
pub use error::*;
pub use group::*;
pub use invitation::*;
pub use live::*;
pub use media::*;
pub use member::*;
pub use meta::*;
pub use onboarding::*;
pub use person::*;
pub use post::*;
pub use push::*;
pub use receipt::*;
pub use search::*;
pub use session::*;
pub use two_factor::*;
pub use wire_enum::UnknownWireName;

/// Path prefix of every endpoint of this contract version.
pub const API_PREFIX: &str = "/api/v1";
/// Longest post body accepted, in Unicode scalar values (what a user perceives as characters).
pub const MAX_POST_CHARS: usize = 10_000;
/// Largest page a list endpoint returns; larger `limit`s are clamped.
pub const MAX_PAGE_LIMIT: u32 = 100;
/// Page size used when the client sends no `limit`.
pub const DEFAULT_PAGE_LIMIT: u32 = 50;
/// Media type of every error body (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";
/// Header carrying the client's idempotency key on creating POSTs.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
/// Longest search query, in characters.
pub const MAX_SEARCH_CHARS: usize = 100;
/// Most mentions in one post.
pub const MAX_MENTIONS: usize = 50;
/// Seconds between SSE heartbeat comments.
pub const SSE_HEARTBEAT_SECONDS: u64 = 15;
/// Shortest password accepted while accounts have no second factor (MHLW guideline 6.0: 13+
/// characters mixing kinds without 2FA).
pub const MIN_PASSWORD_CHARS: usize = password_policy::MIN_WITHOUT_TWO_FACTOR;
/// Longest patient notes accepted.
pub const MAX_NOTES_CHARS: usize = 2_000;

/// Longest name (a group's, a patient's or a person's), in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Lifetime of invitation links, in hours.
pub const INVITATION_LINK_HOURS: i64 = 72;
