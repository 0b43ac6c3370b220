//! The server's tests, one binary: each file below was a test binary of its own, and linking
//! forty copies of the server took minutes of every CI run. Each file is a module; shared
//! helpers live in `common` (also used by `media_s3`, which needs the `s3` feature).

#[path = "../common/mod.rs"]
mod common;

mod access_log;
mod admin_cli;
mod audit;
mod audit_chain;
mod authz_matrix;
mod cancel_safety;
mod cli;
mod connections;
mod dashboard;
mod directory;
mod email;
mod event_replay;
mod events;
mod family_links;
mod groups;
mod hardening_edges;
mod health;
mod http;
mod layers;
mod login_hardening;
mod maintenance;
mod media;
mod membership;
mod membership_races;
mod onboarding;
mod openapi;
mod physician_rule;
mod post_changes;
mod post_races;
mod postgres_schema;
mod posts;
mod push;
mod removal_race;
mod search;
mod seed;
mod sessions;
mod shared_throttle;
mod staff_csv;
mod static_assets;
mod suspension;
mod two_factor;
mod unread;
