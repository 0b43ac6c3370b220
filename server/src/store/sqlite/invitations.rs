//! Invitations and requests waiting for the attending physician, and one-time links (rows in
//! `store/rows/invitation.rs`).

use sqlx::SqliteExecutor;
use tsunagu_api::Invitation;
use uuid::Uuid;

use super::SqliteStore;
use crate::domain::membership::Denied;
use crate::store::rows::{InvitationRow, SELECT_INVITATIONS};
use crate::store::StoreError;
use crate::time::now_ms;

pub async fn fetch_invitation(
    db: impl SqliteExecutor<'_>,
    id: Uuid,
) -> Result<Invitation, StoreError> {
    let row: InvitationRow = sqlx::query_as(&format!("{SELECT_INVITATIONS} WHERE i.id = ?"))
        .bind(id.hyphenated())
        .fetch_optional(db)
        .await?
        .ok_or(Denied::NotFound)?;
    Ok(row.into_invitation(now_ms()))
}

/// Invitations of a group waiting for the attending physician.
pub async fn pending_of_group(
    db: impl SqliteExecutor<'_>,
    group_id: Uuid,
) -> Result<Vec<Invitation>, StoreError> {
    let rows: Vec<InvitationRow> = sqlx::query_as(&format!(
        "{SELECT_INVITATIONS} WHERE i.group_id = ? AND i.status = 'pending_physician'
         ORDER BY i.created_at_ms, i.id"
    ))
    .bind(group_id.hyphenated())
    .fetch_all(db)
    .await?;
    let now = now_ms();
    Ok(rows.into_iter().map(|r| r.into_invitation(now)).collect())
}

impl SqliteStore {
    pub async fn waiting_for(&self, user: Uuid) -> Result<Vec<Invitation>, StoreError> {
        let rows: Vec<InvitationRow> = sqlx::query_as(&format!(
            "{SELECT_INVITATIONS}
             WHERE i.status = 'pending_physician' AND g.archived = 0
               AND (g.attending_physician_id = ?
                    OR (EXISTS (SELECT 1 FROM users op WHERE op.id = ? AND op.is_operator = 1)
                        AND EXISTS (SELECT 1 FROM users ph
                                    WHERE ph.id = g.attending_physician_id AND ph.disabled = 1)))
             ORDER BY i.created_at_ms, i.id"
        ))
        .bind(user.hyphenated())
        .bind(user.hyphenated())
        .fetch_all(&self.read)
        .await?;
        let now = now_ms();
        Ok(rows.into_iter().map(|r| r.into_invitation(now)).collect())
    }

    pub async fn links_of(&self, group_id: Uuid) -> Result<Vec<Invitation>, StoreError> {
        let rows: Vec<InvitationRow> = sqlx::query_as(&format!(
            "{SELECT_INVITATIONS} WHERE i.group_id = ? AND i.kind IN ('family', 'registration')
             ORDER BY i.created_at_ms DESC, i.id DESC"
        ))
        .bind(group_id.hyphenated())
        .fetch_all(&self.read)
        .await?;
        let now = now_ms();
        Ok(rows.into_iter().map(|r| r.into_invitation(now)).collect())
    }
}
