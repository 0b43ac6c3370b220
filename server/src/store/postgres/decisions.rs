//! Deciding pending requests (member invitations, physician changes and removals) on
//! PostgreSQL. Decided under the group's lock ([`lock_group`]), which every writer of the
//! group's membership and requests takes first: a request is decided once, and the last admin
//! check and the successor check see the rows as they are.

use tsunagu_api::{ErrorCode, Invitation, InvitationKind, MemberRole, SystemEventKind, Timeline};
use uuid::Uuid;

use super::invitations::fetch_invitation;
use super::membership_writes::{
    admin_count, lock_group, member_changed, remove_from_group, role_of, system_entry,
};
use super::write_tx::WriteTx;
use super::PgStore;
use crate::audit::{Action, Entry};
use crate::domain::invitation::{decidable, Pending};
use crate::domain::membership::Denied;
use crate::store::rows::{RequestRow, SELECT_REQUEST};
use crate::store::{Decide, Refusal, StoreError};
use crate::time::now_ms;

async fn request(
    tx: &mut WriteTx,
    id: Uuid,
    caller: Uuid,
) -> Result<Option<RequestRow>, StoreError> {
    Ok(sqlx::query_as(SELECT_REQUEST)
        .bind(caller)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

impl PgStore {
    pub async fn decide_invitation(&self, decide: Decide) -> Result<Invitation, StoreError> {
        let caller = decide.caller;
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        // Which group, to lock it; then the request again, as it is under the lock.
        let group_id = request(&mut tx, decide.invitation, caller)
            .await?
            .ok_or(Denied::NotFound)?
            .group_id();
        lock_group(&mut tx, group_id).await?;
        let row = request(&mut tx, decide.invitation, caller).await?;
        let pending = decidable(row.map(RequestRow::into_decision), caller)?;
        let entry = match &decide.decline_reason {
            Some(_) => Some((SystemEventKind::InvitationDeclined, pending.invitee)),
            None => approve(&mut tx, &pending, caller).await?,
        };
        let (status, action) = match decide.decline_reason {
            None => ("accepted", Action::InvitationApprove),
            Some(_) => ("declined", Action::InvitationDecline),
        };
        sqlx::query(
            "UPDATE invitations SET status = $1, decided_by = $2, decided_at_ms = $3,
                 decline_reason = $4
             WHERE id = $5",
        )
        .bind(status)
        .bind(caller)
        .bind(now_ms())
        .bind(decide.decline_reason.as_deref())
        .bind(decide.invitation)
        .execute(tx.conn())
        .await?;
        if let Some((kind, subject)) = entry {
            system_entry(
                &mut tx,
                group_id,
                Timeline::Care,
                kind,
                caller,
                subject,
                decide.decline_reason.as_deref(),
            )
            .await?;
        }
        // Members or the physician changed (approved), and one pending request fewer either way.
        member_changed(&mut tx, group_id);
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
                let still: Option<bool> = sqlx::query_scalar(
                    "SELECT true FROM group_members m JOIN users u ON u.id = m.user_id
                     WHERE m.group_id = $1 AND m.user_id = $2 AND m.role <> 'family'
                       AND NOT u.disabled AND u.profession = 'physician'",
                )
                .bind(group_id)
                .bind(successor)
                .fetch_optional(tx.conn())
                .await?;
                if still.is_none() {
                    return Err(Refusal::Field("invitee", ErrorCode::FieldInvalid).into());
                }
            }
            sqlx::query("UPDATE groups SET attending_physician_id = $1 WHERE id = $2")
                .bind(successor)
                .bind(group_id)
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
                remove_from_group(tx, group_id, physician, role, caller, kind).await?;
            }
            Ok(None)
        }
        (_, invitee) => {
            let invitee = invitee.ok_or(Denied::NotFound)?;
            sqlx::query(
                "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (group_id, user_id) DO NOTHING",
            )
            .bind(group_id)
            .bind(invitee)
            .bind(pending.role.as_str())
            .bind(now_ms())
            .execute(tx.conn())
            .await?;
            Ok(Some((SystemEventKind::InvitationApproved, Some(invitee))))
        }
    }
}
