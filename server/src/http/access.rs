//! Who may do what in a group: the caller's membership, the timelines it opens, and the
//! system entries that record membership changes in the timelines.

use sqlx::types::uuid::fmt::Hyphenated;
use sqlx::SqliteExecutor;
use tsunagu_api::{
    GroupChange, GroupKind, LiveEvent, MemberRole, PhysicianRule, SystemEventKind, Timeline,
};
use uuid::Uuid;

use super::Error;
use crate::events::{self, EventId};
use crate::time::now_ms;

/// The caller's membership of a group, with what the rules need to know about the group.
#[derive(Debug, Clone)]
pub struct Membership {
    pub role: MemberRole,
    pub kind: GroupKind,
    pub archived: bool,
    pub physician_rule: Option<PhysicianRule>,
    pub attending_physician_id: Option<Uuid>,
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    role: String,
    kind: String,
    archived: bool,
    physician_rule: Option<String>,
    attending_physician_id: Option<Hyphenated>,
}

/// The timelines a role may read in a group of this kind, in display order.
pub fn timelines(kind: GroupKind, role: MemberRole) -> Vec<Timeline> {
    match (kind, role) {
        (_, MemberRole::Family) => vec![Timeline::Family],
        (GroupKind::Patient, _) => vec![Timeline::Care, Timeline::Family],
        _ => vec![Timeline::Care],
    }
}

pub fn parse_rule(s: &str) -> PhysicianRule {
    if s == "inform_only" {
        PhysicianRule::InformOnly
    } else {
        PhysicianRule::ApprovalRequired
    }
}

/// The stored (and wire) name of a physician rule.
pub fn rule_str(rule: PhysicianRule) -> &'static str {
    match rule {
        PhysicianRule::ApprovalRequired => "approval_required",
        PhysicianRule::InformOnly => "inform_only",
    }
}

impl Membership {
    pub fn timelines(&self) -> Vec<Timeline> {
        timelines(self.kind, self.role)
    }

    /// A timeline the caller may not read answers 404, like a group they are not in.
    pub fn require_timeline(&self, timeline: Timeline) -> Result<(), Error> {
        if self.timelines().contains(&timeline) {
            Ok(())
        } else {
            Err(Error::NotFound)
        }
    }

    /// Archived groups are read-only.
    pub fn require_writable(&self) -> Result<(), Error> {
        if self.archived {
            Err(Error::GroupArchived)
        } else {
            Ok(())
        }
    }

    /// Admin actions; direct messages have none.
    pub fn require_admin(&self) -> Result<(), Error> {
        if self.kind == GroupKind::Direct || self.role != MemberRole::Admin {
            Err(Error::Forbidden)
        } else {
            Ok(())
        }
    }
}

/// The caller's membership, or 404: a group the caller is not in does not exist for them.
pub async fn membership(
    db: impl SqliteExecutor<'_>,
    group_id: Uuid,
    user_id: Uuid,
) -> Result<Membership, Error> {
    let row: MembershipRow = sqlx::query_as(
        "SELECT m.role, g.kind, g.archived, g.physician_rule, g.attending_physician_id
         FROM group_members m JOIN groups g ON g.id = m.group_id
         WHERE m.group_id = ? AND m.user_id = ?",
    )
    .bind(group_id.hyphenated())
    .bind(user_id.hyphenated())
    .fetch_optional(db)
    .await?
    .ok_or(Error::NotFound)?;
    Ok(Membership {
        role: MemberRole::parse(&row.role),
        kind: GroupKind::parse(&row.kind),
        archived: row.archived,
        physician_rule: row.physician_rule.as_deref().map(parse_rule),
        attending_physician_id: row.attending_physician_id.map(Hyphenated::into_uuid),
    })
}

fn kind_str(kind: SystemEventKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// A system entry (membership change) in one timeline: a post with an empty body, authored by
/// the actor, carrying `{kind, actor_id, subject_id, detail}`. Appends its `post.created`.
pub async fn system_entry(
    conn: &mut sqlx::SqliteConnection,
    group_id: Uuid,
    timeline: Timeline,
    kind: SystemEventKind,
    actor: Uuid,
    subject: Option<Uuid>,
    detail: Option<&str>,
) -> Result<EventId, Error> {
    let id = Uuid::now_v7();
    let ms = now_ms();
    let system = serde_json::json!({
        "kind": kind_str(kind),
        "actor_id": actor.hyphenated().to_string(),
        "subject_id": subject.map(|s| s.hyphenated().to_string()),
        "detail": detail,
    });
    sqlx::query(
        "INSERT INTO posts (id, group_id, author_id, body, created_at_ms, timeline, system)
         VALUES (?, ?, ?, '', ?, ?, ?)",
    )
    .bind(id.hyphenated())
    .bind(group_id.hyphenated())
    .bind(actor.hyphenated())
    .bind(ms)
    .bind(timeline.as_str())
    .bind(system.to_string())
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE groups SET last_post_at_ms = MAX(COALESCE(last_post_at_ms, 0), ?) WHERE id = ?",
    )
    .bind(ms)
    .bind(group_id.hyphenated())
    .execute(&mut *conn)
    .await?;
    let post = super::posts::fetch_post(&mut *conn, None, group_id, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the inserted system entry is missing"))?
        .into_post();
    Ok(events::append(
        &mut *conn,
        group_id,
        Some(timeline),
        &LiveEvent::PostCreated(post),
    )
    .await?)
}

/// Appends `member.changed` for a group: its membership, invitations or profile changed, and
/// every member's client reloads it.
pub async fn member_changed(
    conn: &mut sqlx::SqliteConnection,
    group_id: Uuid,
) -> Result<EventId, Error> {
    Ok(events::append(
        &mut *conn,
        group_id,
        None,
        &LiveEvent::MemberChanged(GroupChange { group_id }),
    )
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_members_read_only_the_family_timeline() {
        assert_eq!(
            timelines(GroupKind::Patient, MemberRole::Family),
            vec![Timeline::Family]
        );
        assert_eq!(
            timelines(GroupKind::Patient, MemberRole::Member),
            vec![Timeline::Care, Timeline::Family]
        );
        assert_eq!(
            timelines(GroupKind::Direct, MemberRole::Member),
            vec![Timeline::Care]
        );
    }
}
