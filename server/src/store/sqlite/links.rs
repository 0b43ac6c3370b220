//! One-time links (family, registration): creating, revoking, opening and joining through them.

use tsunagu_api::{Invitation, Me, MemberRole, SystemEventKind, Timeline};
use uuid::Uuid;

use super::invitations::fetch_invitation;
use super::membership_writes::{member_changed, system_entry};
use super::write_tx::WriteTx;
use super::SqliteStore;
use crate::audit::{Action, Entry};
use crate::domain::membership::Denied;
use crate::store::rows::{LinkRow, SELECT_OPEN_LINK};
use crate::store::{JoinFamily, NewLink, OpenLink, Refusal, StoreError};
use crate::time::now_ms;

impl SqliteStore {
    pub async fn create_link(&self, link: NewLink<'_>) -> Result<Invitation, StoreError> {
        let id = Uuid::now_v7();
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let archived: Option<bool> = sqlx::query_scalar("SELECT archived FROM groups WHERE id = ?")
            .bind(link.group_id.hyphenated())
            .fetch_optional(tx.conn())
            .await?;
        match archived {
            None => return Err(Denied::NotFound.into()),
            Some(true) => return Err(Denied::Archived.into()),
            Some(false) => {}
        }
        let now = now_ms();
        sqlx::query(
            "INSERT INTO invitations (id, group_id, kind, status, role, invited_by, token_hash,
                                      created_at_ms, expires_at_ms)
             VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?)",
        )
        .bind(id.hyphenated())
        .bind(link.group_id.hyphenated())
        .bind(link.kind.as_str())
        .bind(link.role.as_str())
        .bind(link.caller.hyphenated())
        .bind(link.token_hash)
        .bind(now)
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
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let status: String = sqlx::query_scalar(
            "SELECT status FROM invitations
             WHERE id = ? AND group_id = ? AND kind IN ('family', 'registration')",
        )
        .bind(link_id.hyphenated())
        .bind(group_id.hyphenated())
        .fetch_optional(tx.conn())
        .await?
        .ok_or(Denied::NotFound)?;
        match status.as_str() {
            "open" => {
                sqlx::query(
                    "UPDATE invitations SET status = 'revoked', decided_by = ?, decided_at_ms = ?
                     WHERE id = ?",
                )
                .bind(caller.hyphenated())
                .bind(now_ms())
                .bind(link_id.hyphenated())
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
            .fetch_optional(&self.read)
            .await?;
        Ok(row.map(LinkRow::into_open_link))
    }

    pub async fn join_family(&self, join: JoinFamily<'_>) -> Result<Me, StoreError> {
        let link = join.link;
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        // `login_id` is COLLATE NOCASE: one account per login ID ignoring ASCII case.
        let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM users WHERE login_id = ?")
            .bind(join.login_id)
            .fetch_optional(tx.conn())
            .await?;
        if taken.is_some() {
            // The refusal is on record even though nothing else is written.
            tx.audit(
                Entry::new(Action::JoinRefused, None, join.client_ip)
                    .group(link.group_id)
                    .target(link.id),
            )
            .await?;
            tx.commit().await?;
            return Err(Refusal::LoginIdTaken.into());
        }
        let now = now_ms();
        // Single use: only the request that flips the link from open to accepted goes on.
        let claimed = sqlx::query(
            "UPDATE invitations SET status = 'accepted', decided_at_ms = ?
             WHERE id = ? AND status = 'open' AND expires_at_ms > ?",
        )
        .bind(now)
        .bind(link.id.hyphenated())
        .bind(now)
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
             VALUES (?, ?, ?, ?, '', 'family', NULL, ?, ?)",
        )
        .bind(user_id.hyphenated())
        .bind(join.login_id)
        .bind(join.password_hash)
        .bind(join.display_name)
        .bind(now)
        .bind(join.relationship.as_str())
        .execute(tx.conn())
        .await?;
        sqlx::query("UPDATE invitations SET decided_by = ?, invitee_id = ? WHERE id = ?")
            .bind(user_id.hyphenated())
            .bind(user_id.hyphenated())
            .bind(link.id.hyphenated())
            .execute(tx.conn())
            .await?;
        sqlx::query(
            "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
             VALUES (?, ?, ?, ?)",
        )
        .bind(link.group_id.hyphenated())
        .bind(user_id.hyphenated())
        .bind(MemberRole::Family.as_str())
        .bind(now)
        .execute(tx.conn())
        .await?;
        for timeline in [Timeline::Care, Timeline::Family] {
            let id = system_entry(
                tx.conn(),
                link.group_id,
                timeline,
                SystemEventKind::MemberJoined,
                user_id,
                Some(user_id),
                None,
            )
            .await?;
            tx.published(id);
        }
        let id = member_changed(tx.conn(), link.group_id).await?;
        tx.published(id);
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at_ms, last_seen_ms,
                                   expires_at_ms)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(join.session_token_hash)
        .bind(user_id.hyphenated())
        .bind(now)
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
        let user = super::me_in(tx.conn(), user_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the account just created is missing"))?;
        tx.commit().await?;
        Ok(user)
    }
}
