//! Invitations and requests waiting for the attending physician, and one-time links, on
//! PostgreSQL (rows in `store/rows/invitation.rs`).

use sqlx::PgExecutor;
use tsunagu_api::Invitation;
use uuid::Uuid;

use super::PgStore;
use crate::domain::membership::Denied;
use crate::store::rows::{InvitationRow, SELECT_INVITATIONS};
use crate::store::StoreError;
use crate::time::now_ms;

/// One invitation, 404 if there is none.
pub async fn fetch_invitation(db: impl PgExecutor<'_>, id: Uuid) -> Result<Invitation, StoreError> {
    let row: InvitationRow = sqlx::query_as(&format!("{SELECT_INVITATIONS} WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(Denied::NotFound)?;
    Ok(row.into_invitation(now_ms()))
}

/// Invitations of a group waiting for the attending physician, oldest first.
pub async fn pending_of_group(
    db: impl PgExecutor<'_>,
    group_id: Uuid,
) -> Result<Vec<Invitation>, StoreError> {
    let rows: Vec<InvitationRow> = sqlx::query_as(&format!(
        "{SELECT_INVITATIONS} WHERE i.group_id = $1 AND i.status = 'pending_physician'
         ORDER BY i.created_at_ms, i.id"
    ))
    .bind(group_id)
    .fetch_all(db)
    .await?;
    let now = now_ms();
    Ok(rows.into_iter().map(|r| r.into_invitation(now)).collect())
}

impl PgStore {
    /// See [`crate::store::Store::waiting_for`].
    pub async fn waiting_for(&self, user: Uuid) -> Result<Vec<Invitation>, StoreError> {
        let rows: Vec<InvitationRow> = sqlx::query_as(&format!(
            "{SELECT_INVITATIONS}
             WHERE i.status = 'pending_physician' AND NOT g.archived
               AND (g.attending_physician_id = $1
                    OR (EXISTS (SELECT 1 FROM users op WHERE op.id = $1 AND op.is_operator)
                        AND EXISTS (SELECT 1 FROM users ph
                                    WHERE ph.id = g.attending_physician_id AND ph.disabled)))
             ORDER BY i.created_at_ms, i.id"
        ))
        .bind(user)
        .fetch_all(&self.pool)
        .await?;
        let now = now_ms();
        Ok(rows.into_iter().map(|r| r.into_invitation(now)).collect())
    }

    /// See [`crate::store::Store::links_of`].
    pub async fn links_of(&self, group_id: Uuid) -> Result<Vec<Invitation>, StoreError> {
        let rows: Vec<InvitationRow> = sqlx::query_as(&format!(
            "{SELECT_INVITATIONS} WHERE i.group_id = $1 AND i.kind IN ('family', 'registration')
             ORDER BY i.created_at_ms DESC, i.id DESC"
        ))
        .bind(group_id)
        .fetch_all(&self.pool)
        .await?;
        let now = now_ms();
        Ok(rows.into_iter().map(|r| r.into_invitation(now)).collect())
    }
}
