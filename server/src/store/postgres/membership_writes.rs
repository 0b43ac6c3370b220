//! Writes shared by the membership operations on PostgreSQL: the group lock that serialises
//! them, system entries in the timelines, the `member.changed` event, requests waiting for the
//! physician, and taking someone out of a group. Each runs inside its caller's [`WriteTx`],
//! whose commit inserts the events they queue.

use sqlx::PgExecutor;
use tsunagu_api::{GroupChange, LiveEvent, MemberRole, SystemEventKind, Timeline};
use uuid::Uuid;

use super::write_tx::WriteTx;
use crate::domain::membership::Denied;
use crate::store::StoreError;
use crate::time::now_ms;

/// Locks the group's row until the transaction ends; 404 if there is no such group. Every
/// writer of a group's membership, roles, profile or requests takes this lock first, so they
/// run one at a time per group and each decides on the rows the previous one committed
/// (README.md, *Check-then-insert under concurrency*).
///
/// `FOR NO KEY UPDATE`, not `FOR UPDATE`: the latter also conflicts with the `KEY SHARE` lock
/// a foreign key check takes, so any transaction inserting a row that references the group
/// (a post, an ack's event) would wait for us. One that waits there while holding the events
/// lock (its events are inserted last, under an advisory lock) would deadlock with us waiting
/// for that lock at our commit. `NO KEY UPDATE` conflicts with itself and with `UPDATE groups`
/// (a new post's `last_post_at_ms`), which is all the serialisation these invariants need.
pub async fn lock_group(tx: &mut WriteTx, group_id: Uuid) -> Result<(), StoreError> {
    let found: Option<bool> =
        sqlx::query_scalar("SELECT true FROM groups WHERE id = $1 FOR NO KEY UPDATE")
            .bind(group_id)
            .fetch_optional(tx.conn())
            .await?;
    found.map(|_| ()).ok_or_else(|| Denied::NotFound.into())
}

/// A system entry (membership change) in one timeline: a post with an empty body, authored by
/// the actor, carrying `{kind, actor_id, subject_id, detail}`; queues its `post.created`.
pub async fn system_entry(
    tx: &mut WriteTx,
    group_id: Uuid,
    timeline: Timeline,
    kind: SystemEventKind,
    actor: Uuid,
    subject: Option<Uuid>,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    let id = Uuid::now_v7();
    let ms = now_ms();
    let system = serde_json::json!({
        "kind": kind.as_str(),
        "actor_id": actor.hyphenated().to_string(),
        "subject_id": subject.map(|s| s.hyphenated().to_string()),
        "detail": detail,
    });
    // No search_text: system entries are not searched (the schema allows NULL for them only).
    sqlx::query(
        "INSERT INTO posts (id, group_id, author_id, body, created_at_ms, timeline, system)
         VALUES ($1, $2, $3, '', $4, $5, $6)",
    )
    .bind(id)
    .bind(group_id)
    .bind(actor)
    .bind(ms)
    .bind(timeline.as_str())
    .bind(system.to_string())
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "UPDATE groups SET last_post_at_ms = GREATEST(COALESCE(last_post_at_ms, 0), $1)
         WHERE id = $2",
    )
    .bind(ms)
    .bind(group_id)
    .execute(tx.conn())
    .await?;
    let post = super::posts::fetch_post(tx.conn(), None, group_id, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the inserted system entry is missing"))?
        .into_post();
    tx.event(group_id, Some(timeline), &LiveEvent::PostCreated(post));
    Ok(())
}

/// Queues `member.changed` for a group: its membership, invitations or profile changed, and
/// every member's client reloads it.
pub fn member_changed(tx: &mut WriteTx, group_id: Uuid) {
    tx.event(
        group_id,
        None,
        &LiveEvent::MemberChanged(GroupChange { group_id }),
    );
}

/// The member's role, if `user_id` is in the group.
pub async fn role_of(
    db: impl PgExecutor<'_>,
    group_id: Uuid,
    user_id: Uuid,
) -> Result<Option<MemberRole>, StoreError> {
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM group_members WHERE group_id = $1 AND user_id = $2")
            .bind(group_id)
            .bind(user_id)
            .fetch_optional(db)
            .await?;
    Ok(role.as_deref().map(MemberRole::parse))
}

/// How many admins the group has (decide on it only under [`lock_group`]).
pub async fn admin_count(db: impl PgExecutor<'_>, group_id: Uuid) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM group_members WHERE group_id = $1 AND role = 'admin'",
    )
    .bind(group_id)
    .fetch_one(db)
    .await?)
}

/// Stores a request that waits for the attending physician (a member invitation, or a change
/// of the physician) and returns its id.
pub async fn insert_pending(
    tx: &mut WriteTx,
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
         VALUES ($1, $2, $3, 'pending_physician', $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(group_id)
    .bind(kind)
    .bind(invitee)
    .bind(role.as_str())
    .bind(requested_by)
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    Ok(id)
}

/// Takes `user` (whose role is `role`) out of a group: the membership row, the profile fields
/// that named them, the requests about them, the system entries (`kind` is `MemberRemoved` or
/// `MemberLeft`, by `actor`), and the events that tell every client, the removed person's
/// too. The caller holds [`lock_group`].
pub async fn remove_from_group(
    tx: &mut WriteTx,
    group_id: Uuid,
    user: Uuid,
    role: MemberRole,
    actor: Uuid,
    kind: SystemEventKind,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
        .bind(group_id)
        .bind(user)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "UPDATE groups SET
             attending_physician_id = CASE WHEN attending_physician_id = $1 THEN NULL
                                           ELSE attending_physician_id END,
             care_manager_id = CASE WHEN care_manager_id = $1 THEN NULL ELSE care_manager_id END
         WHERE id = $2",
    )
    .bind(user)
    .bind(group_id)
    .execute(tx.conn())
    .await?;
    // Requests about the person that can no longer take effect.
    sqlx::query(
        "UPDATE invitations SET status = 'revoked', decided_at_ms = $1
         WHERE group_id = $2 AND status = 'pending_physician'
           AND kind IN ('physician_change', 'physician_removal') AND invitee_id = $3",
    )
    .bind(now_ms())
    .bind(group_id)
    .bind(user)
    .execute(tx.conn())
    .await?;
    // Families see who joined and left among them; professionals see everything.
    let mut timelines = vec![Timeline::Care];
    if role == MemberRole::Family {
        timelines.push(Timeline::Family);
    }
    for timeline in timelines {
        system_entry(tx, group_id, timeline, kind, actor, Some(user), None).await?;
    }
    member_changed(tx, group_id);
    // No longer a member, they get no group event: this one tells their open tabs to let go.
    tx.event_for_user(
        user,
        group_id,
        &LiveEvent::MemberChanged(GroupChange { group_id }),
    );
    Ok(())
}

/// Whether a database error is a unique violation (SQLSTATE 23505): a constraint decided that
/// the row is already there.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.code().as_deref() == Some("23505"))
}

/// Closes a family account left in no group (its last tie was removed): it can no longer log
/// in and its sessions end; what it wrote stays. `true` when it was closed.
pub async fn close_family_without_ties(tx: &mut WriteTx, user: Uuid) -> Result<bool, StoreError> {
    let closed = sqlx::query(
        "UPDATE users SET disabled = true, offboarded_at_ms = $1
         WHERE id = $2 AND profession = 'family' AND offboarded_at_ms IS NULL
           AND NOT EXISTS (SELECT 1 FROM group_members WHERE user_id = users.id)",
    )
    .bind(crate::time::now_ms())
    .bind(user)
    .execute(tx.conn())
    .await?
    .rows_affected()
        == 1;
    if closed {
        sqlx::query("DELETE FROM push_subscriptions WHERE user_id = $1")
            .bind(user)
            .execute(tx.conn())
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user)
            .execute(tx.conn())
            .await?;
    }
    Ok(closed)
}
