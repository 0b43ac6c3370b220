//! Live updates: the Server-Sent Events of `GET /api/v1/events`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{rfc3339_millis, Author, Post, Timeline};

/// Server-Sent Events of `GET /api/v1/events`: the `event:` name and the JSON `data:` of each.
/// Each event concerns one group; a client receives only events of groups it belongs to (and of
/// timelines it may read) at the time the event is delivered. `id:` increases monotonically;
/// reconnecting with `Last-Event-ID` delivers every later event. When the id is older than the
/// server keeps (7 days), the stream starts with `event: reset` and the client reloads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "event", content = "data")]
pub enum LiveEvent {
    /// A new post or system entry (`data` is the post as the receiver sees it; `acked_by_me`
    /// is false).
    #[serde(rename = "post.created")]
    PostCreated(Post),
    /// A post was edited (`data` is the new state).
    #[serde(rename = "post.updated")]
    PostUpdated(Post),
    /// A post was deleted (`data` is the tombstone: empty body, `deleted_at` set).
    #[serde(rename = "post.deleted")]
    PostDeleted(Post),
    /// A member's read marker moved forward.
    #[serde(rename = "read.updated")]
    ReadUpdated(ReadUpdate),
    /// A member acknowledged a post.
    #[serde(rename = "ack.updated")]
    AckUpdated(AckUpdate),
    /// The group's membership or profile changed; reload the group (and members). Also sent,
    /// once, to a member just removed (or who left): reloading then answers 404, and the client
    /// stops showing the group.
    #[serde(rename = "member.changed")]
    MemberChanged(GroupChange),
    /// The `Last-Event-ID` is too old or unknown: reload everything, then continue.
    #[serde(rename = "reset")]
    Reset(ResetInfo),
}

/// `read.updated`: `reader` has now read everything in `timeline` up to `up_to`; before, up to
/// `previous` (`null`: nothing). Posts by `reader` are not counted. A client adds one to the
/// `read_count` of every post it holds in (`previous`, `up_to`] not written by `reader`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReadUpdate {
    pub group_id: Uuid,
    pub timeline: Timeline,
    pub reader: Author,
    pub previous: Option<Uuid>,
    pub up_to: Uuid,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: DateTime<Utc>,
}

/// `ack.updated`: `user` acknowledged `post_id`; `ack_count` is the new total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AckUpdate {
    pub group_id: Uuid,
    pub timeline: Timeline,
    pub post_id: Uuid,
    pub user: Author,
    pub ack_count: u32,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: DateTime<Utc>,
}

/// `member.changed`: reload this group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GroupChange {
    pub group_id: Uuid,
}

/// `reset`: nothing to carry; the client reloads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResetInfo {
    /// The oldest event id the server still has.
    pub oldest_id: Option<i64>,
}

impl LiveEvent {
    /// The SSE `event:` name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::PostCreated(_) => "post.created",
            Self::PostUpdated(_) => "post.updated",
            Self::PostDeleted(_) => "post.deleted",
            Self::ReadUpdated(_) => "read.updated",
            Self::AckUpdated(_) => "ack.updated",
            Self::MemberChanged(_) => "member.changed",
            Self::Reset(_) => "reset",
        }
    }

    /// Rebuilds an event from the SSE `event:` name and `data:` text, with serde_json.
    pub fn from_sse(name: &str, data: &str) -> Result<Self, serde_json::Error> {
        Self::from_sse_with(name, data, &SerdeJson)
    }

    /// [`LiveEvent::from_sse`] with the caller's JSON reader (the SPA uses the browser's
    /// `JSON.parse`). Parses `data` straight into the payload the name selects, never through a
    /// `Value`: the SPA then shares the `Post` parser with its API responses instead of carrying
    /// two more (from a `Value`, and from serde's buffer for adjacently tagged enums).
    pub fn from_sse_with<R: ReadJson>(name: &str, data: &str, json: &R) -> Result<Self, R::Error> {
        Ok(match name {
            "post.created" => Self::PostCreated(json.read(data)?),
            "post.updated" => Self::PostUpdated(json.read(data)?),
            "post.deleted" => Self::PostDeleted(json.read(data)?),
            "read.updated" => Self::ReadUpdated(json.read(data)?),
            "ack.updated" => Self::AckUpdated(json.read(data)?),
            "member.changed" => Self::MemberChanged(json.read(data)?),
            "reset" => Self::Reset(json.read(data)?),
            _ => return Err(json.unknown_event()),
        })
    }

    /// The SSE `data:` text.
    pub fn data_json(&self) -> String {
        let value = serde_json::to_value(self).expect("events serialise");
        value["data"].to_string()
    }
}

/// Reads JSON text as a wire type: [`LiveEvent::from_sse_with`] takes one, so a client chooses
/// its parser.
pub trait ReadJson {
    /// Why a text could not be read.
    type Error;
    /// `text` as a `T`.
    fn read<T: serde::de::DeserializeOwned>(&self, text: &str) -> Result<T, Self::Error>;
    /// The error for an event name this crate does not know.
    fn unknown_event(&self) -> Self::Error;
}

/// [`ReadJson`] with serde_json.
pub struct SerdeJson;

impl ReadJson for SerdeJson {
    type Error = serde_json::Error;

    fn read<T: serde::de::DeserializeOwned>(&self, text: &str) -> Result<T, Self::Error> {
        serde_json::from_str(text)
    }

    fn unknown_event(&self) -> Self::Error {
        serde::de::Error::custom("unknown event")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_events_round_trip_through_sse_name_and_data() {
        let event = LiveEvent::MemberChanged(GroupChange {
            group_id: Uuid::from_u128(7),
        });
        assert_eq!(event.name(), "member.changed");
        let data = event.data_json();
        assert_eq!(
            data,
            r#"{"group_id":"00000000-0000-0000-0000-000000000007"}"#
        );
        assert_eq!(LiveEvent::from_sse(event.name(), &data).unwrap(), event);
        assert!(LiveEvent::from_sse("post.created", &data).is_err());
        assert!(LiveEvent::from_sse("post.moved", &data).is_err());
    }
}
