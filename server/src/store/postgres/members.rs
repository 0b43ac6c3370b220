//! A group's members on PostgreSQL. Every change takes [`lock_group`] first and then checks
//! the caller and the rows it decides on: two admins adding the same person, or each removing
//! or demoting the other, run one after the other, and the second sees what the first did.

use std::net::IpAddr;

use sqlx::PgExecutor;
use tsunagu_api::{
    ErrorCode, Invitation, Member, MemberList, MemberRole, SystemEventKind, Timeline,
};
use uuid::Uuid;

use super::groups::membership_in;
use super::invitations::{fetch_invitation, pending_of_group};
use super::membership_writes::{
    admin_count, close_family_without_ties, insert_pending, is_unique_violation, lock_group,
    member_changed, remove_from_group, role_of, system_entry,
};
use super::write_tx::WriteTx;
use super::PgStore;
use crate::audit::{Action, Entry};
use crate::domain::membership::{Denied, Membership};
use crate::store::id::Id;
use crate::store::rows::{MemberRow, SELECT_MEMBERS};
use crate::store::{Added, Refusal, StoreError};
use crate::time::now_ms;

/// One member of a group, 404 if they are not in it.
pub async fn fetch_member(
    db: impl PgExecutor<'_>,
    group_id: Uuid,
    user_id: Uuid,
) -> Result<Member, StoreError> {
    let row: MemberRow = sqlx::query_as(&format!(
        "{SELECT_MEMBERS} WHERE m.group_id = $1 AND m.user_id = $2"
    ))
    .bind(group_id)
    .bind(user_id)
    .fetch_optional(db)
    .await?
    .ok_or(Denied::NotFound)?;
    Ok(row.into_member())
}

/// Locks the group and reads the caller's membership under the lock: the handler checked it
/// before the transaction, and it may have changed since (removed, demoted, archived).
async fn lock_as_admin(
    tx: &mut WriteTx,
    group_id: Uuid,
    caller: Uuid,
) -> Result<Membership, StoreError> {
    lock_group(tx, group_id).await?;
    let me = membership_in(tx.conn(), group_id, caller)
        .await?
        .ok_or(Denied::NotFound)?;
    me.require_writable()?;
    me.require_admin()?;
    Ok(me)
}

impl PgStore {
    /// See [`crate::store::Store::members_of`].
    pub async fn members_of(
        &self,
        group_id: Uuid,
        with_pending: bool,
    ) -> Result<MemberList, StoreError> {
        // Kana compared as code points (COLLATE "C"), as SQLite compares text.
        let rows: Vec<MemberRow> = sqlx::query_as(&format!(
            "{SELECT_MEMBERS} WHERE m.group_id = $1
             ORDER BY CASE m.role WHEN 'admin' THEN 0 WHEN 'member' THEN 1 ELSE 2 END,
                      u.display_name_kana COLLATE \"C\", u.id"
        ))
        .bind(group_id)
        .fetch_all(&self.pool)
        .await?;
        let pending = if with_pending {
            pending_of_group(&self.pool, group_id).await?
        } else {
            Vec::new()
        };
        Ok(MemberList {
            items: rows.into_iter().map(MemberRow::into_member).collect(),
            pending,
        })
    }

    /// See [`crate::store::Store::add_member`]. Under [`lock_group`], so of two admins adding
    /// the same person the second finds them a member (`already_member`); the primary key
    /// would refuse the second insert anyway, and a unique violation answers the same.
    pub async fn add_member(
        &self,
        caller: Uuid,
        group_id: Uuid,
        user: Uuid,
        role: MemberRole,
        needs_approval: bool,
        ip: Option<IpAddr>,
    ) -> Result<Added, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        lock_as_admin(&mut tx, group_id, caller).await?;
        if role_of(tx.conn(), group_id, user).await?.is_some() {
            return Err(Refusal::AlreadyMember.into());
        }
        let now = now_ms();
        let entry = Entry::new(Action::MemberAdd, Some(caller), ip)
            .group(group_id)
            .target(user);
        if needs_approval {
            let id = insert_pending(&mut tx, group_id, "member", Some(user), role, caller).await?;
            system_entry(
                &mut tx,
                group_id,
                Timeline::Care,
                SystemEventKind::InvitationPending,
                caller,
                Some(user),
                None,
            )
            .await?;
            // Admins list pending invitations with the members.
            member_changed(&mut tx, group_id);
            tx.audit(entry).await?;
            let invitation: Invitation = fetch_invitation(tx.conn(), id).await?;
            tx.commit().await?;
            return Ok(Added::Pending(Box::new(invitation)));
        }
        let inserted = sqlx::query(
            "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(group_id)
        .bind(user)
        .bind(role.as_str())
        .bind(now)
        .execute(tx.conn())
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(Refusal::AlreadyMember.into()),
            Err(e) => return Err(e.into()),
        }
        system_entry(
            &mut tx,
            group_id,
            Timeline::Care,
            SystemEventKind::MemberAdded,
            caller,
            Some(user),
            None,
        )
        .await?;
        member_changed(&mut tx, group_id);
        tx.audit(entry).await?;
        let member = fetch_member(tx.conn(), group_id, user).await?;
        tx.commit().await?;
        Ok(Added::Member(member))
    }

    /// See [`crate::store::Store::update_member`]. The admin count is read under
    /// [`lock_group`], so two admins demoting each other at once leave one admin.
    pub async fn update_member(
        &self,
        caller: Uuid,
        group_id: Uuid,
        user_id: Uuid,
        role: MemberRole,
        ip: Option<IpAddr>,
    ) -> Result<Member, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        lock_as_admin(&mut tx, group_id, caller).await?;
        let current = role_of(tx.conn(), group_id, user_id)
            .await?
            .ok_or(Denied::NotFound)?;
        if current == MemberRole::Family {
            return Err(Refusal::Field("role", ErrorCode::FieldInvalid).into());
        }
        if current != role {
            if current == MemberRole::Admin && admin_count(tx.conn(), group_id).await? <= 1 {
                return Err(Refusal::LastAdmin.into());
            }
            sqlx::query("UPDATE group_members SET role = $1 WHERE group_id = $2 AND user_id = $3")
                .bind(role.as_str())
                .bind(group_id)
                .bind(user_id)
                .execute(tx.conn())
                .await?;
            system_entry(
                &mut tx,
                group_id,
                Timeline::Care,
                SystemEventKind::RoleChanged,
                caller,
                Some(user_id),
                Some(role.as_str()),
            )
            .await?;
            member_changed(&mut tx, group_id);
        }
        tx.audit(
            Entry::new(Action::MemberUpdate, Some(caller), ip)
                .group(group_id)
                .target(user_id),
        )
        .await?;
        let member = fetch_member(tx.conn(), group_id, user_id).await?;
        tx.commit().await?;
        Ok(member)
    }

    /// See [`crate::store::Store::remove_member`]. Under [`lock_group`]: the admin count, the
    /// current physician and a waiting removal request are read after it, so two admins
    /// removing each other leave one admin, and two removals of the physician file one request.
    pub async fn remove_member(
        &self,
        caller: Uuid,
        group_id: Uuid,
        user_id: Uuid,
        leaving: bool,
        ip: Option<IpAddr>,
    ) -> Result<Option<Invitation>, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        lock_group(&mut tx, group_id).await?;
        let current = membership_in(tx.conn(), group_id, caller)
            .await?
            .ok_or(Denied::NotFound)?;
        current.require_writable()?;
        if !leaving {
            current.require_admin()?;
        }
        let role = role_of(tx.conn(), group_id, user_id)
            .await?
            .ok_or(Denied::NotFound)?;
        if role == MemberRole::Admin && admin_count(tx.conn(), group_id).await? <= 1 {
            return Err(Refusal::LastAdmin.into());
        }
        if current.attending_physician_id == Some(user_id) && current.physician_decides(caller) {
            let invitation =
                request_physician_removal(&mut tx, group_id, user_id, role, caller, ip).await?;
            tx.commit().await?;
            return Ok(Some(invitation));
        }
        let (kind, action) = if leaving {
            (SystemEventKind::MemberLeft, Action::MemberLeave)
        } else {
            (SystemEventKind::MemberRemoved, Action::MemberRemove)
        };
        remove_from_group(&mut tx, group_id, user_id, role, caller, kind).await?;
        tx.audit(
            Entry::new(action, Some(caller), ip)
                .group(group_id)
                .target(user_id),
        )
        .await?;
        // A family account exists for its groups: with the last one gone, it closes.
        if role == MemberRole::Family && close_family_without_ties(&mut tx, user_id).await? {
            tx.audit(Entry::new(Action::FamilyAccountClose, Some(caller), ip).target(user_id))
                .await?;
        }
        tx.commit().await?;
        Ok(None)
    }
}

/// Files (or finds, if one is already waiting) the request to remove the attending physician,
/// with its timeline entry and audit row. The caller holds [`lock_group`], so two admins
/// asking at once file one request.
async fn request_physician_removal(
    tx: &mut WriteTx,
    group_id: Uuid,
    physician: Uuid,
    role: MemberRole,
    caller: Uuid,
    ip: Option<IpAddr>,
) -> Result<Invitation, StoreError> {
    let waiting: Option<Id> = sqlx::query_scalar(
        "SELECT id FROM invitations WHERE group_id = $1 AND kind = 'physician_removal'
           AND status = 'pending_physician' AND invitee_id = $2",
    )
    .bind(group_id)
    .bind(physician)
    .fetch_optional(tx.conn())
    .await?;
    if let Some(id) = waiting {
        return fetch_invitation(tx.conn(), id.into_uuid()).await;
    }
    let id = insert_pending(
        tx,
        group_id,
        "physician_removal",
        Some(physician),
        role,
        caller,
    )
    .await?;
    system_entry(
        tx,
        group_id,
        Timeline::Care,
        SystemEventKind::PhysicianChangeRequested,
        caller,
        Some(physician),
        Some("remove"),
    )
    .await?;
    member_changed(tx, group_id);
    tx.audit(
        Entry::new(Action::PhysicianChangeRequest, Some(caller), ip)
            .group(group_id)
            .target(physician),
    )
    .await?;
    fetch_invitation(tx.conn(), id).await
}
