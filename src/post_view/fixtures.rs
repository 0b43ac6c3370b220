//! Posts and people for the tests of the post rules.

use chrono::{DateTime, Utc};
use tsunagu_api::{Author, Importance, Post, Profession, Timeline};
use uuid::Uuid;

/// The reader.
pub const ME: u128 = 10;
/// Someone else in the group.
pub const OTHER: u128 = 11;

pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T05:00:00.000Z")
        .unwrap()
        .with_timezone(&Utc)
}

pub fn author(n: u128, name: &str) -> Author {
    Author {
        id: Uuid::from_u128(n),
        display_name: name.into(),
        profession: Profession::Nurse,
        facility_name: None,
    }
}

pub fn post(id: u128, by: u128) -> Post {
    Post {
        id: Uuid::from_u128(id),
        group_id: Uuid::from_u128(900),
        author: author(by, "田中 美咲"),
        body: "本文".into(),
        created_at: t0(),
        timeline: Timeline::Care,
        system: None,
        importance: Importance::Normal,
        reply_to: None,
        mentions: Vec::new(),
        edited_at: None,
        deleted_at: None,
        version: 1,
        read_count: 0,
        ack_count: 0,
        acked_by_me: false,
        attachments: Vec::new(),
    }
}
