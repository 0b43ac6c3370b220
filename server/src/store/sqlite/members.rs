//! A group's members.

use std::net::IpAddr;

use sqlx::types::uuid::fmt::Hyphenated;
use sqlx::SqliteExecutor;
use tsunagu_api::{
    ErrorCode, Invitation, Member, MemberList, MemberRole, SystemEventKind, Timeline,
};
use uuid::Uuid;

use super::audit;
use super::groups::membership_in;
use super::invitations::{fetch_invitation, pending_of_group};
use super::membership_writes::{
    admin_count, close_family_without_ties, insert_pending, member_changed, remove_from_group,
    role_of, system_entry,
};
use super::write_tx::WriteTx;
use super::SqliteStore;
use crate::audit::{Action, Entry};
use crate::domain::membership::Denied;
use crate::store::rows::{MemberRow, SELECT_MEMBERS};
use crate::store::{Added, Refusal, StoreError};
use crate::time::now_ms;

pub async fn fetch_member(
    db: impl SqliteExecutor<'_>,
    group_id: Uuid,
    user_id: Uuid,
) -> Result<Member, StoreError> {
    let row: MemberRow = sqlx::query_as(&format!(
        "{SELECT_MEMBERS} WHERE m.group_id = ? AND m.user_id = ?"
    ))
    .bind(group_id.hyphenated())
    .bind(user_id.hyphenated())
    .fetch_optional(db)
    .await?
    .ok_or(Denied::NotFound)?;
    Ok(row.into_member())
}

impl SqliteStore {
    pub async fn members_of(
        &self,
        group_id: Uuid,
        with_pending: bool,
    ) -> Result<MemberList, StoreError> {
        let rows: Vec<MemberRow> = sqlx::query_as(&format!(
            "{SELECT_MEMBERS} WHERE m.group_id = ?
             ORDER BY CASE m.role WHEN 'admin' THEN 0 WHEN 'member' THEN 1 ELSE 2 END,
                      u.display_name_kana, u.id"
        ))
        .bind(group_id.hyphenated())
        .fetch_all(&self.read)
        .await?;
        let pending = if with_pending {
            pending_of_group(&self.read, group_id).await?
        } else {
            Vec::new()
        };
        Ok(MemberList {
            items: rows.into_iter().map(MemberRow::into_member).collect(),
            pending,
        })
    }
}

impl SqliteStore {
    pub async fn add_member(
        &self,
        caller: Uuid,
        group_id: Uuid,
        user: Uuid,
        role: MemberRole,
        needs_approval: bool,
        ip: Option<IpAddr>,
    ) -> Result<Added, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        if role_of(tx.conn(), group_id, user).await?.is_some() {
            return Err(Refusal::AlreadyMember.into());
        }
        let now = now_ms();
        let entry = Entry::new(Action::MemberAdd, Some(caller), ip)
            .group(group_id)
            .target(user);
        if needs_approval {
            let id =
                insert_pending(tx.conn(), group_id, "member", Some(user), role, caller).await?;
            let posted = system_entry(
                tx.conn(),
                group_id,
                Timeline::Care,
                SystemEventKind::InvitationPending,
                caller,
                Some(user),
                None,
            )
            .await?;
            // Admins list pending invitations with the members.
            let changed = member_changed(tx.conn(), group_id).await?;
            tx.audit(entry).await?;
            let invitation: Invitation = fetch_invitation(tx.conn(), id).await?;
            tx.published(posted);
            tx.published(changed);
            tx.commit().await?;
            return Ok(Added::Pending(Box::new(invitation)));
        }
        sqlx::query(
            "INSERT INTO group_members (group_id, user_id, role, joined_at_ms) VALUES (?, ?, ?, ?)",
        )
        .bind(group_id.hyphenated())
        .bind(user.hyphenated())
        .bind(role.as_str())
        .bind(now)
        .execute(tx.conn())
        .await?;
        let posted = system_entry(
            tx.conn(),
            group_id,
            Timeline::Care,
            SystemEventKind::MemberAdded,
            caller,
            Some(user),
            None,
        )
        .await?;
        let changed = member_changed(tx.conn(), group_id).await?;
        tx.audit(entry).await?;
        let member = fetch_member(tx.conn(), group_id, user).await?;
        tx.published(posted);
        tx.published(changed);
        tx.commit().await?;
        Ok(Added::Member(member))
    }

    pub async fn update_member(
        &self,
        caller: Uuid,
        group_id: Uuid,
        user_id: Uuid,
        role: MemberRole,
        ip: Option<IpAddr>,
    ) -> Result<Member, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let current = role_of(tx.conn(), group_id, user_id)
            .await?
            .ok_or(Denied::NotFound)?;
        if current == MemberRole::Family {
            return Err(Refusal::Field("role", ErrorCode::FieldInvalid).into());
        }
        let mut published = Vec::new();
        if current != role {
            if current == MemberRole::Admin && admin_count(tx.conn(), group_id).await? <= 1 {
                return Err(Refusal::LastAdmin.into());
            }
            sqlx::query("UPDATE group_members SET role = ? WHERE group_id = ? AND user_id = ?")
                .bind(role.as_str())
                .bind(group_id.hyphenated())
                .bind(user_id.hyphenated())
                .execute(tx.conn())
                .await?;
            published.push(
                system_entry(
                    tx.conn(),
                    group_id,
                    Timeline::Care,
                    SystemEventKind::RoleChanged,
                    caller,
                    Some(user_id),
                    Some(role.as_str()),
                )
                .await?,
            );
            published.push(member_changed(tx.conn(), group_id).await?);
        }
        tx.audit(
            Entry::new(Action::MemberUpdate, Some(caller), ip)
                .group(group_id)
                .target(user_id),
        )
        .await?;
        let member = fetch_member(tx.conn(), group_id, user_id).await?;
        for id in published {
            tx.published(id);
        }
        tx.commit().await?;
        Ok(member)
    }

    pub async fn remove_member(
        &self,
        caller: Uuid,
        group_id: Uuid,
        user_id: Uuid,
        leaving: bool,
        ip: Option<IpAddr>,
    ) -> Result<Option<Invitation>, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let role = role_of(tx.conn(), group_id, user_id)
            .await?
            .ok_or(Denied::NotFound)?;
        if role == MemberRole::Admin && admin_count(tx.conn(), group_id).await? <= 1 {
            return Err(Refusal::LastAdmin.into());
        }
        // Read again inside the write transaction: the physician may have changed meanwhile.
        let current = membership_in(tx.conn(), group_id, caller)
            .await?
            .ok_or(Denied::NotFound)?;
        if current.attending_physician_id == Some(user_id) && current.physician_decides(caller) {
            let (invitation, published) =
                request_physician_removal(tx.conn(), group_id, user_id, role, caller, ip).await?;
            for id in published {
                tx.published(id);
            }
            tx.commit().await?;
            return Ok(Some(invitation));
        }
        let (kind, action) = if leaving {
            (SystemEventKind::MemberLeft, Action::MemberLeave)
        } else {
            (SystemEventKind::MemberRemoved, Action::MemberRemove)
        };
        let published = remove_from_group(tx.conn(), group_id, user_id, role, caller, kind).await?;
        tx.audit(
            Entry::new(action, Some(caller), ip)
                .group(group_id)
                .target(user_id),
        )
        .await?;
        // A family account exists for its groups: with the last one gone, it closes.
        if role == MemberRole::Family && close_family_without_ties(tx.conn(), user_id).await? {
            tx.audit(Entry::new(Action::FamilyAccountClose, Some(caller), ip).target(user_id))
                .await?;
        }
        for id in published {
            tx.published(id);
        }
        tx.commit().await?;
        Ok(None)
    }
}

/// Files (or finds, if one is already waiting) the request to remove the attending physician,
/// with its timeline entry and audit row.
async fn request_physician_removal(
    tx: &mut sqlx::SqliteConnection,
    group_id: Uuid,
    physician: Uuid,
    role: MemberRole,
    caller: Uuid,
    ip: Option<std::net::IpAddr>,
) -> Result<(Invitation, Vec<crate::events::EventId>), StoreError> {
    let waiting: Option<Hyphenated> = sqlx::query_scalar(
        "SELECT id FROM invitations WHERE group_id = ? AND kind = 'physician_removal'
           AND status = 'pending_physician' AND invitee_id = ?",
    )
    .bind(group_id.hyphenated())
    .bind(physician.hyphenated())
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = waiting {
        return Ok((
            fetch_invitation(&mut *tx, id.into_uuid()).await?,
            Vec::new(),
        ));
    }
    let id = insert_pending(
        &mut *tx,
        group_id,
        "physician_removal",
        Some(physician),
        role,
        caller,
    )
    .await?;
    let posted = system_entry(
        &mut *tx,
        group_id,
        Timeline::Care,
        SystemEventKind::PhysicianChangeRequested,
        caller,
        Some(physician),
        Some("remove"),
    )
    .await?;
    let changed = member_changed(&mut *tx, group_id).await?;
    audit::record(
        &mut *tx,
        Entry::new(Action::PhysicianChangeRequest, Some(caller), ip)
            .group(group_id)
            .target(physician),
    )
    .await?;
    Ok((fetch_invitation(&mut *tx, id).await?, vec![posted, changed]))
}
