//! Posts and system entries of a timeline: writing, editing, history.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::wire_enum::wire_names;
use crate::{rfc3339_millis, Author, ErrorCode, Timeline, MAX_POST_CHARS};

/// Kinds of system entries in a timeline: membership changes, shown to everyone in the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SystemEventKind {
    GroupCreated,
    /// `actor` added `subject` (it took effect).
    MemberAdded,
    /// `actor` invited `subject`; waiting for the attending physician.
    InvitationPending,
    /// The physician (`actor`) approved the invitation of `subject`.
    InvitationApproved,
    /// The physician (`actor`) declined the invitation of `subject`; `detail` is the reason.
    InvitationDeclined,
    /// `subject` joined through a link (family).
    MemberJoined,
    /// `actor` removed `subject`.
    MemberRemoved,
    /// `subject` left.
    MemberLeft,
    /// `actor` made `subject` an admin / a member (`detail` is the new role).
    RoleChanged,
    /// `actor` archived the group.
    GroupArchived,
    /// `actor` edited the patient profile.
    ProfileUpdated,
    /// `actor` asked to change the attending physician; waiting for the physician. `detail`:
    /// `change` (to `subject`), `clear` (no physician) or `remove` (`subject`, the physician,
    /// leaves the group).
    PhysicianChangeRequested,
    /// The attending physician is now `subject` (`null`: none); `actor` handed over or
    /// approved.
    PhysicianChanged,
    /// `actor` (the attending physician) changed the physician rule; `detail` is the new rule.
    PhysicianRuleChanged,
    Unknown,
}

wire_names!(SystemEventKind {
    GroupCreated => "group_created",
    MemberAdded => "member_added",
    InvitationPending => "invitation_pending",
    InvitationApproved => "invitation_approved",
    InvitationDeclined => "invitation_declined",
    MemberJoined => "member_joined",
    MemberRemoved => "member_removed",
    MemberLeft => "member_left",
    RoleChanged => "role_changed",
    GroupArchived => "group_archived",
    ProfileUpdated => "profile_updated",
    PhysicianChangeRequested => "physician_change_requested",
    PhysicianChanged => "physician_changed",
    PhysicianRuleChanged => "physician_rule_changed",
    Unknown => "unknown",
} else Unknown);

/// A system entry's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SystemEvent {
    pub kind: SystemEventKind,
    pub actor: Option<Author>,
    pub subject: Option<Author>,
    pub detail: Option<String>,
}

/// A post in a group's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Post {
    /// UUIDv7; with `created_at` the timeline's sort key.
    pub id: Uuid,
    pub group_id: Uuid,
    pub author: Author,
    pub body: String,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub timeline: Timeline,
    /// Set for system entries (membership changes); their `body` is empty and `author` is the
    /// actor.
    #[serde(default)]
    pub system: Option<SystemEvent>,
    /// `normal`, `important` (重要) or `urgent` (至急).
    #[serde(default)]
    pub importance: Importance,
    /// The post this one replies to, quoted.
    #[serde(default)]
    pub reply_to: Option<ReplyRef>,
    /// Members mentioned with `@display_name` in the body.
    #[serde(default)]
    pub mentions: Vec<Mention>,
    /// Set when the author edited the post (編集済み); the history is kept on the server.
    #[serde(default, with = "rfc3339_millis::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub edited_at: Option<DateTime<Utc>>,
    /// Set when the author deleted the post (削除されました); `body` is then empty, `mentions`
    /// and `reply_to` are cleared. Nothing is physically deleted.
    #[serde(default, with = "rfc3339_millis::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub deleted_at: Option<DateTime<Utc>>,
    /// Revision number, 1 on creation, +1 per edit or deletion. Edits send it back as
    /// `If-Match: "<version>"` (the post's ETag).
    #[serde(default = "one")]
    pub version: u32,
    /// How many members other than the author have read the post (既読 N).
    #[serde(default)]
    pub read_count: u32,
    /// How many members acknowledged the post (見ました).
    #[serde(default)]
    pub ack_count: u32,
    /// Whether the caller acknowledged it.
    #[serde(default)]
    pub acked_by_me: bool,
    /// Photos, videos, audio and documents, in the order the author attached them. Emptied
    /// when the post is deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<crate::Attachment>,
}

fn one() -> u32 {
    1
}

/// How important a post is. Urgent posts stay in every member's banner until that member
/// acknowledges them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Importance {
    #[default]
    Normal,
    /// 重要
    Important,
    /// 至急
    Urgent,
}

wire_names!(Importance {
    Normal => "normal",
    Important => "important",
    Urgent => "urgent",
});

impl Importance {
    /// Parses a wire name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// The quoted post a reply points to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReplyRef {
    pub id: Uuid,
    pub author_name: String,
    /// The first characters of the quoted body (at most 80); empty when it was deleted.
    pub excerpt: String,
    /// The quoted post has been deleted since.
    #[serde(default)]
    pub deleted: bool,
}

/// A member mentioned in a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Mention {
    pub user_id: Uuid,
    pub display_name: String,
}

/// One page of posts. Without a cursor or with `before`, the newest posts first (scrolling back
/// in time); with `after`, the oldest first (catching up).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostPage {
    pub items: Vec<Post>,
    /// Pass as the same direction's cursor to continue; `null` when there is nothing more.
    pub next_cursor: Option<String>,
    /// The caller's read marker in this timeline (the last post read), `null` when nothing has
    /// been read: the client draws "ここから未読" after it.
    #[serde(default)]
    pub read_up_to: Option<Uuid>,
}

/// `POST /api/v1/groups/{group_id}/posts` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewPost {
    /// Post text, up to `limits.max_post_chars` characters; not empty or only whitespace
    /// unless the post has attachments (422 `post_empty`).
    #[cfg_attr(feature = "openapi", schema(max_length = 10_000))]
    pub body: String,
    /// Which timeline; default `care`. Family members may only write to `family`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Timeline>,
    /// Default `normal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importance: Option<Importance>,
    /// A post of the same group and timeline this one replies to; unknown → 422
    /// `field_invalid` on `reply_to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Uuid>,
    /// Members mentioned (at most 50); each must be able to read the timeline, otherwise 422
    /// `field_invalid` on `mentions`. Repeats are ignored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub mentions: Vec<Uuid>,
    /// Finished uploads of this group and timeline by the caller, not yet on a post, at most
    /// `limits.media.max_attachments` and `max_post_bytes` together (422 `field_invalid` on
    /// `attachments` otherwise; 413 `file_too_large` over the sum).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub attachments: Vec<crate::NewAttachment>,
}

/// `PATCH /api/v1/groups/{group_id}/posts/{post_id}` body, sent with `If-Match: "<version>"`
/// (412 `precondition_failed` when the post changed since; 428 `precondition_required`
/// without it). Only the author may edit; deleted posts cannot be edited.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostEdit {
    /// The new text, same rules as a new post.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 10_000))]
    pub body: String,
    /// The new importance; unchanged when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importance: Option<Importance>,
    /// The new mentions (replaces the old list); unchanged when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub mentions: Option<Vec<Uuid>>,
}

/// Why a revision was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RevisionKind {
    Created,
    Edited,
    Deleted,
}

wire_names!(RevisionKind {
    Created => "created",
    Edited => "edited",
    Deleted => "deleted",
});

/// One state of a post, as kept in its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostRevision {
    pub version: u32,
    pub kind: RevisionKind,
    /// Who made this revision (always the author in v1).
    pub by: Author,
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: DateTime<Utc>,
    /// The text as it was in this revision (empty for `deleted`).
    pub body: String,
    pub importance: Importance,
}

/// `GET /api/v1/groups/{group_id}/posts/{post_id}/history`: every revision, oldest first.
/// Visible to the group's admins and to the author; other members get 403 `forbidden`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostHistory {
    pub items: Vec<PostRevision>,
}

/// Counts post length the way the contract does (Unicode scalar values).
pub fn post_chars(body: &str) -> usize {
    body.chars().count()
}

/// Validates a post body as the server does, so the client can refuse early with the same code.
pub fn validate_post_body(body: &str) -> Result<(), ErrorCode> {
    if body.trim().is_empty() {
        Err(ErrorCode::PostEmpty)
    } else if post_chars(body) > MAX_POST_CHARS {
        Err(ErrorCode::PostTooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_validation_counts_characters_not_bytes() {
        // 10,000 kanji are 30,000 bytes of UTF-8 but exactly at the limit.
        assert_eq!(validate_post_body(&"褥".repeat(MAX_POST_CHARS)), Ok(()));
        assert_eq!(
            validate_post_body(&"褥".repeat(MAX_POST_CHARS + 1)),
            Err(ErrorCode::PostTooLong)
        );
        assert_eq!(validate_post_body(" \n\t"), Err(ErrorCode::PostEmpty));
    }

    #[test]
    fn posts_from_an_older_server_get_defaults() {
        let json = r#"{"id":"00000000-0000-0000-0000-000000000001",
            "group_id":"00000000-0000-0000-0000-000000000002",
            "author":{"id":"00000000-0000-0000-0000-000000000003","display_name":"a",
                "profession":"nurse","facility_name":null},
            "body":"x","created_at":"2026-11-24T00:00:00.000Z"}"#;
        let post: Post = serde_json::from_str(json).unwrap();
        assert_eq!(post.importance, Importance::Normal);
        assert_eq!(post.version, 1);
        assert!(post.edited_at.is_none() && post.mentions.is_empty());
    }
}
