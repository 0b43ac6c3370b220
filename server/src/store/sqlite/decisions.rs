//! Deciding pending requests (member invitations, physician changes and removals).

use sqlx::SqliteConnection;
use tsunagu_api::{ErrorCode, Invitation, InvitationKind, MemberRole, SystemEventKind, Timeline};
use uuid::Uuid;

use super::invitations::fetch_invitation;
use super::membership_writes::{
    admin_count, member_changed, remove_from_group, role_of, system_entry,
};
use super::write_tx::WriteTx;
use super::SqliteStore;
use crate::audit::{Action, Entry};
use crate::domain::invitation::{decidable, Pending};
use crate::store::id::Id;
use crate::store::rows::{RequestRow, SELECT_REQUEST};
use crate::store::{Decide, Refusal, StoreError};
use crate::time::now_ms;

/// The request if `caller` may decide it now.
async fn pending(
    conn: &mut SqliteConnection,
    id: Uuid,
    caller: Uuid,
) -> Result<Pending, StoreError> {
    let row: Option<RequestRow> = sqlx::query_as(SELECT_REQUEST)
        .bind(Id(caller))
        .bind(Id(id))
        .fetch_optional(&mut *conn)
        .await?;
    Ok(decidable(row.map(RequestRow::into_decision), caller)?)
}

impl SqliteStore {
    pub async fn decide_invitation(&self, decide: Decide) -> Result<Invitation, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let pending = pending(tx.conn(), decide.invitation, decide.caller).await?;
        let group_id = pending.group_id;
        let caller = decide.caller;
        let entry = match &decide.decline_reason {
            Some(_) => Some((SystemEventKind::InvitationDeclined, pending.invitee)),
            None => approve(&mut tx, &pending, caller).await?,
        };
        let (status, action) = match decide.decline_reason {
            None => ("accepted", Action::InvitationApprove),
            Some(_) => ("declined", Action::InvitationDecline),
        };
        sqlx::query(
            "UPDATE invitations SET status = ?, decided_by = ?, decided_at_ms = ?,
                 decline_reason = ?
             WHERE id = ?",
        )
        .bind(status)
        .bind(caller.hyphenated())
        .bind(now_ms())
        .bind(decide.decline_reason.as_deref())
        .bind(decide.invitation.hyphenated())
        .execute(tx.conn())
        .await?;
        if let Some((kind, subject)) = entry {
            let id = system_entry(
                tx.conn(),
                group_id,
                Timeline::Care,
                kind,
                caller,
                subject,
                decide.decline_reason.as_deref(),
            )
            .await?;
            tx.published(id);
        }
        // Members or the physician changed (approved), and one pending request fewer either way.
        let id = member_changed(tx.conn(), group_id).await?;
        tx.published(id);
        tx.audit(
            Entry::new(action, Some(caller), decide.client_ip)
                .group(group_id)
                .target(decide.invitation),
        )
        .await?;
        let invitation = fetch_invitation(tx.conn(), decide.invitation).await?;
        tx.commit().await?;
        Ok(invitation)
    }
}

/// Writes what approving does; returns the timeline entry recording the decision if the
/// effect did not write its own.
async fn approve(
    tx: &mut WriteTx,
    pending: &Pending,
    caller: Uuid,
) -> Result<Option<(SystemEventKind, Option<Uuid>)>, StoreError> {
    let group_id = pending.group_id;
    match (pending.kind, pending.invitee) {
        (InvitationKind::PhysicianChange, successor) => {
            if let Some(successor) = successor {
                let still: Option<i64> = sqlx::query_scalar(
                    "SELECT 1 FROM group_members m JOIN users u ON u.id = m.user_id
                     WHERE m.group_id = ? AND m.user_id = ? AND m.role <> 'family'
                       AND u.disabled = 0 AND u.profession = 'physician'",
                )
                .bind(group_id.hyphenated())
                .bind(successor.hyphenated())
                .fetch_optional(tx.conn())
                .await?;
                if still.is_none() {
                    return Err(Refusal::Field("invitee", ErrorCode::FieldInvalid).into());
                }
            }
            sqlx::query("UPDATE groups SET attending_physician_id = ? WHERE id = ?")
                .bind(successor.map(|u| u.hyphenated()))
                .bind(group_id.hyphenated())
                .execute(tx.conn())
                .await?;
            Ok(Some((SystemEventKind::PhysicianChanged, successor)))
        }
        (InvitationKind::PhysicianRemoval, Some(physician)) => {
            // Left meanwhile: approving changes nothing more.
            if let Some(role) = role_of(tx.conn(), group_id, physician).await? {
                if role == MemberRole::Admin && admin_count(tx.conn(), group_id).await? <= 1 {
                    return Err(Refusal::LastAdmin.into());
                }
                // The physician approving their own removal is leaving.
                let kind = if physician == caller {
                    SystemEventKind::MemberLeft
                } else {
                    SystemEventKind::MemberRemoved
                };
                let ids =
                    remove_from_group(tx.conn(), group_id, physician, role, caller, kind).await?;
                for id in ids {
                    tx.published(id);
                }
            }
            Ok(None)
        }
        (_, invitee) => {
            let invitee = invitee.ok_or(crate::domain::membership::Denied::NotFound)?;
            sqlx::query(
                "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
                 VALUES (?, ?, ?, ?)
                 ON CONFLICT (group_id, user_id) DO NOTHING",
            )
            .bind(group_id.hyphenated())
            .bind(invitee.hyphenated())
            .bind(pending.role.as_str())
            .bind(now_ms())
            .execute(tx.conn())
            .await?;
            Ok(Some((SystemEventKind::InvitationApproved, Some(invitee))))
        }
    }
}
