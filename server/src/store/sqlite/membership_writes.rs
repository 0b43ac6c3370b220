//! Writes shared by the membership operations: system entries in the timelines, the
//! `member.changed` event, requests waiting for the physician, and taking someone out of a
//! group. Each runs inside its caller's write transaction and returns the event ids to publish
//! after the commit.

use sqlx::SqliteExecutor;
use tsunagu_api::{GroupChange, LiveEvent, MemberRole, SystemEventKind, Timeline};
use uuid::Uuid;

use super::events;
use crate::events::EventId;
use crate::store::StoreError;
use crate::time::now_ms;

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
) -> Result<EventId, StoreError> {
    let id = Uuid::now_v7();
    let ms = now_ms();
    let system = serde_json::json!({
        "kind": kind.as_str(),
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
) -> Result<EventId, StoreError> {
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
) -> Result<Option<MemberRole>, StoreError> {
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM group_members WHERE group_id = ? AND user_id = ?")
            .bind(group_id.hyphenated())
            .bind(user_id.hyphenated())
            .fetch_optional(db)
            .await?;
    Ok(role.as_deref().map(MemberRole::parse))
}

pub async fn admin_count(db: impl SqliteExecutor<'_>, group_id: Uuid) -> Result<i64, StoreError> {
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
) -> Result<Uuid, StoreError> {
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
) -> Result<Vec<EventId>, StoreError> {
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

/// Closes a family account left in no group (its last tie was removed): it can no longer log
/// in and its sessions end; what it wrote stays. `true` when it was closed.
pub async fn close_family_without_ties(
    conn: &mut sqlx::SqliteConnection,
    user: Uuid,
) -> Result<bool, StoreError> {
    let closed = sqlx::query(
        "UPDATE users SET disabled = 1, offboarded_at_ms = ?
         WHERE id = ? AND profession = 'family' AND offboarded_at_ms IS NULL
           AND NOT EXISTS (SELECT 1 FROM group_members WHERE user_id = users.id)",
    )
    .bind(now_ms())
    .bind(user.hyphenated())
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if closed {
        sqlx::query("DELETE FROM push_subscriptions WHERE user_id = ?")
            .bind(user.hyphenated())
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(user.hyphenated())
            .execute(&mut *conn)
            .await?;
    }
    Ok(closed)
}
