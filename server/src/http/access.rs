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

    /// Whether a change to the attending physician (replacing, clearing or removing them) by
    /// `caller` must wait for the physician's decision: it does whenever the group has a
    /// physician and the caller is someone else. The physician hands over directly.
    pub fn physician_decides(&self, caller: Uuid) -> bool {
        self.attending_physician_id
            .is_some_and(|physician| physician != caller)
    }

    /// The physician rule constrains admins other than the physician, so only the physician
    /// may change it; a group without a physician has nobody it constrains.
    pub fn require_physician_for_rule(&self, caller: Uuid) -> Result<(), Error> {
        if self.physician_decides(caller) {
            Err(Error::Forbidden)
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

/// The member's role, if `user_id` is in the group.
pub async fn role_of(
    db: impl SqliteExecutor<'_>,
    group_id: Uuid,
    user_id: Uuid,
) -> Result<Option<MemberRole>, Error> {
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM group_members WHERE group_id = ? AND user_id = ?")
            .bind(group_id.hyphenated())
            .bind(user_id.hyphenated())
            .fetch_optional(db)
            .await?;
    Ok(role.as_deref().map(MemberRole::parse))
}

pub async fn admin_count(db: impl SqliteExecutor<'_>, group_id: Uuid) -> Result<i64, Error> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM group_members WHERE group_id = ? AND role = 'admin'",
    )
    .bind(group_id.hyphenated())
    .fetch_one(db)
    .await?)
}

/// Stores a request that waits for the attending physician (a member invitation, or a change
/// of the physician) and returns its id.
pub async fn insert_pending(
    conn: &mut sqlx::SqliteConnection,
    group_id: Uuid,
    kind: &str,
    invitee: Option<Uuid>,
    role: MemberRole,
    requested_by: Uuid,
) -> Result<Uuid, Error> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO invitations (id, group_id, kind, status, invitee_id, role, invited_by,
                                  created_at_ms)
         VALUES (?, ?, ?, 'pending_physician', ?, ?, ?, ?)",
    )
    .bind(id.hyphenated())
    .bind(group_id.hyphenated())
    .bind(kind)
    .bind(invitee.map(|u| u.hyphenated()))
    .bind(role.as_str())
    .bind(requested_by.hyphenated())
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Takes `user` (whose role is `role`) out of a group: the membership row, the profile fields
/// that named them, the system entries (`kind` is `MemberRemoved` or `MemberLeft`, by
/// `actor`), and the events that tell every client, the removed person's too. Returns the
/// event ids to publish after committing.
pub async fn remove_from_group(
    conn: &mut sqlx::SqliteConnection,
    group_id: Uuid,
    user: Uuid,
    role: MemberRole,
    actor: Uuid,
    kind: SystemEventKind,
) -> Result<Vec<EventId>, Error> {
    sqlx::query("DELETE FROM group_members WHERE group_id = ? AND user_id = ?")
        .bind(group_id.hyphenated())
        .bind(user.hyphenated())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE groups SET
             attending_physician_id = CASE WHEN attending_physician_id = ? THEN NULL
                                           ELSE attending_physician_id END,
             care_manager_id = CASE WHEN care_manager_id = ? THEN NULL ELSE care_manager_id END
         WHERE id = ?",
    )
    .bind(user.hyphenated())
    .bind(user.hyphenated())
    .bind(group_id.hyphenated())
    .execute(&mut *conn)
    .await?;
    // Requests about the person that can no longer take effect.
    sqlx::query(
        "UPDATE invitations SET status = 'revoked', decided_at_ms = ?
         WHERE group_id = ? AND status = 'pending_physician'
           AND kind IN ('physician_change', 'physician_removal') AND invitee_id = ?",
    )
    .bind(now_ms())
    .bind(group_id.hyphenated())
    .bind(user.hyphenated())
    .execute(&mut *conn)
    .await?;
    // Families see who joined and left among them; professionals see everything.
    let mut timelines = vec![Timeline::Care];
    if role == MemberRole::Family {
        timelines.push(Timeline::Family);
    }
    let mut published = Vec::new();
    for timeline in timelines {
        published.push(
            system_entry(
                &mut *conn,
                group_id,
                timeline,
                kind,
                actor,
                Some(user),
                None,
            )
            .await?,
        );
    }
    published.push(member_changed(&mut *conn, group_id).await?);
    // No longer a member, they get no group event: this one tells their open tabs to let go.
    published.push(
        events::append_for_user(
            &mut *conn,
            user,
            group_id,
            &LiveEvent::MemberChanged(GroupChange { group_id }),
        )
        .await?,
    );
    Ok(published)
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
