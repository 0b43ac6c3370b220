//! One-time links (family, registration) on PostgreSQL: creating, revoking, opening and joining
//! through them. Writes take the group's lock first ([`lock_group`]), like every membership
//! writer; a link is used once because only the update that flips it from `open` goes on.

use tsunagu_api::{Invitation, Me, MemberRole, SystemEventKind, Timeline};
use uuid::Uuid;

use super::invitations::fetch_invitation;
use super::membership_writes::{is_unique_violation, lock_group, member_changed, system_entry};
use super::users::{me_in, record_audit_alone};
use super::write_tx::WriteTx;
use super::PgStore;
use crate::audit::{Action, Entry};
use crate::domain::membership::Denied;
use crate::store::rows::{LinkRow, SELECT_OPEN_LINK};
use crate::store::{JoinFamily, NewLink, OpenLink, Refusal, StoreError};
use crate::time::now_ms;

/// Whether the group takes writes, read under its lock.
async fn require_writable(tx: &mut WriteTx, group_id: Uuid) -> Result<(), StoreError> {
    lock_group(tx, group_id).await?;
    let archived: bool = sqlx::query_scalar("SELECT archived FROM groups WHERE id = $1")
        .bind(group_id)
        .fetch_one(tx.conn())
        .await?;
    if archived {
        return Err(Denied::Archived.into());
    }
    Ok(())
}

impl PgStore {
    pub async fn create_link(&self, link: NewLink<'_>) -> Result<Invitation, StoreError> {
        let id = Uuid::now_v7();
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        require_writable(&mut tx, link.group_id).await?;
        sqlx::query(
            "INSERT INTO invitations (id, group_id, kind, status, role, invited_by, token_hash,
                                      created_at_ms, expires_at_ms)
             VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(link.group_id)
        .bind(link.kind.as_str())
        .bind(link.role.as_str())
        .bind(link.caller)
        .bind(link.token_hash)
        .bind(link.created_at_ms)
        .bind(link.expires_at_ms)
        .execute(tx.conn())
        .await?;
        tx.audit(
            Entry::new(
                Action::InvitationLinkCreate,
                Some(link.caller),
                link.client_ip,
            )
            .group(link.group_id)
            .target(id),
        )
        .await?;
        let invitation = fetch_invitation(tx.conn(), id).await?;
        tx.commit().await?;
        Ok(invitation)
    }

    pub async fn revoke_link(
        &self,
        caller: Uuid,
        group_id: Uuid,
        link_id: Uuid,
        ip: Option<std::net::IpAddr>,
    ) -> Result<(), StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        lock_group(&mut tx, group_id).await?;
        let status: String = sqlx::query_scalar(
            "SELECT status FROM invitations
             WHERE id = $1 AND group_id = $2 AND kind IN ('family', 'registration')
             FOR UPDATE",
        )
        .bind(link_id)
        .bind(group_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(Denied::NotFound)?;
        match status.as_str() {
            "open" => {
                sqlx::query(
                    "UPDATE invitations SET status = 'revoked', decided_by = $1,
                         decided_at_ms = $2
                     WHERE id = $3",
                )
                .bind(caller)
                .bind(now_ms())
                .bind(link_id)
                .execute(tx.conn())
                .await?;
            }
            "revoked" => {}
            _ => return Err(Refusal::InvitationDecided.into()),
        }
        tx.audit(
            Entry::new(Action::InvitationLinkRevoke, Some(caller), ip)
                .group(group_id)
                .target(link_id),
        )
        .await?;
        tx.commit().await
    }

    pub async fn open_link(&self, token_hash: &str) -> Result<Option<OpenLink>, StoreError> {
        let row: Option<LinkRow> = sqlx::query_as(SELECT_OPEN_LINK)
            .bind(token_hash)
            .bind(now_ms())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(LinkRow::into_open_link))
    }

    /// The login ID's uniqueness is decided by the `users_login_key` index: checked first (to
    /// audit the refusal in the same transaction), and a concurrent join that took the ID
    /// between check and insert fails the insert with a unique violation, answered the same.
    pub async fn join_family(&self, join: JoinFamily<'_>) -> Result<Me, StoreError> {
        let link = join.link;
        let refused = Entry::new(Action::JoinRefused, None, join.client_ip)
            .group(link.group_id)
            .target(link.id);
        match self.join_once(&join).await {
            Err(StoreError::Refused(Refusal::LoginIdTaken)) => {
                // The refusal is on record even though nothing else was written.
                record_audit_alone(&self.pool, refused).await?;
                Err(Refusal::LoginIdTaken.into())
            }
            Err(StoreError::Database(e)) if is_unique_violation(&e) => {
                record_audit_alone(&self.pool, refused).await?;
                Err(Refusal::LoginIdTaken.into())
            }
            other => other,
        }
    }

    async fn join_once(&self, join: &JoinFamily<'_>) -> Result<Me, StoreError> {
        let link = join.link;
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        lock_group(&mut tx, link.group_id).await?;
        let taken: Option<bool> =
            sqlx::query_scalar("SELECT true FROM users WHERE login_key(login_id) = login_key($1)")
                .bind(join.login_id)
                .fetch_optional(tx.conn())
                .await?;
        if taken.is_some() {
            return Err(Refusal::LoginIdTaken.into());
        }
        let now = now_ms();
        // Single use: only the request that flips the link from open to accepted goes on, and
        // only while its group takes writes.
        let claimed = sqlx::query(
            "UPDATE invitations SET status = 'accepted', decided_at_ms = $1
             WHERE id = $2 AND status = 'open' AND expires_at_ms > $1
               AND NOT (SELECT archived FROM groups WHERE id = $3)",
        )
        .bind(now)
        .bind(link.id)
        .bind(link.group_id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if claimed != 1 {
            return Err(Refusal::InvitationInvalid.into());
        }
        let user_id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO users (id, login_id, password_hash, display_name, display_name_kana,
                                profession, facility_id, created_at_ms, relationship)
             VALUES ($1, $2, $3, $4, '', 'family', NULL, $5, $6)",
        )
        .bind(user_id)
        .bind(join.login_id)
        .bind(join.password_hash)
        .bind(join.display_name)
        .bind(now)
        .bind(join.relationship.as_str())
        .execute(tx.conn())
        .await?;
        sqlx::query("UPDATE invitations SET decided_by = $1, invitee_id = $1 WHERE id = $2")
            .bind(user_id)
            .bind(link.id)
            .execute(tx.conn())
            .await?;
        sqlx::query(
            "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(link.group_id)
        .bind(user_id)
        .bind(MemberRole::Family.as_str())
        .bind(now)
        .execute(tx.conn())
        .await?;
        for timeline in [Timeline::Care, Timeline::Family] {
            system_entry(
                &mut tx,
                link.group_id,
                timeline,
                SystemEventKind::MemberJoined,
                user_id,
                Some(user_id),
                None,
            )
            .await?;
        }
        member_changed(&mut tx, link.group_id);
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at_ms, last_seen_ms,
                                   expires_at_ms)
             VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(join.session_token_hash)
        .bind(user_id)
        .bind(now)
        .bind(join.session_expires_at_ms)
        .execute(tx.conn())
        .await?;
        tx.audit(
            Entry::new(Action::JoinAccept, Some(user_id), join.client_ip)
                .group(link.group_id)
                .target(link.id),
        )
        .await?;
        let user = me_in(tx.conn(), user_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the account just created is missing"))?;
        tx.commit().await?;
        Ok(user)
    }
}
