//! Accounts and sessions.

use sqlx::types::uuid::fmt::Hyphenated;
use sqlx::SqliteExecutor;
use tsunagu_api::{Author, Me, Profession};
use uuid::Uuid;

use super::audit;
use super::SqliteStore;
use crate::audit::{Action, Entry};
use crate::domain::audit_chain::ChainRow;
use crate::store::rows::{AuthorRow, SessionRow, UserRow, SELECT_USER};
use crate::store::{LoginUser, NewSession, SessionOwner, StoreError};

/// The account as `/me` shows it, inside another operation's transaction (joining through a
/// link answers with the new account).
pub async fn me_in(db: impl SqliteExecutor<'_>, user_id: Uuid) -> Result<Option<Me>, StoreError> {
    let row: Option<UserRow> = sqlx::query_as(&format!("{SELECT_USER} WHERE u.id = ?"))
        .bind(user_id.hyphenated())
        .fetch_optional(db)
        .await?;
    Ok(row.map(UserRow::into_me))
}

/// A person as posts and events name them.
pub async fn author_in(db: impl SqliteExecutor<'_>, user_id: Uuid) -> Result<Author, StoreError> {
    let row: AuthorRow = sqlx::query_as(
        "SELECT u.id, u.display_name, u.profession, f.name AS facility_name
         FROM users u LEFT JOIN facilities f ON f.id = u.facility_id WHERE u.id = ?",
    )
    .bind(user_id.hyphenated())
    .fetch_one(db)
    .await?;
    Ok(row.into_author())
}

/// A session's owner and times ([`SessionRow`]); append the token hash's bind.
pub const SELECT_SESSION_OWNER: &str =
    "SELECT s.user_id, u.profession, s.last_seen_ms, s.expires_at_ms
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE u.disabled = 0 AND s.token_hash =";

pub fn session_owner(row: SessionRow) -> SessionOwner {
    SessionOwner {
        user_id: row.user_id.into_uuid(),
        is_family: row.profession == Profession::Family.as_str(),
        last_seen_ms: row.last_seen_ms,
        expires_at_ms: row.expires_at_ms,
    }
}

impl SqliteStore {
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    pub async fn audit(&self, entry: Entry) -> Result<(), StoreError> {
        Ok(self.writer.audit(entry).await?)
    }

    /// Returns once every audit row and touch queued so far is committed.
    pub async fn flush(&self) {
        self.writer.flush().await;
    }

    pub async fn audit_chain_page(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<ChainRow>, StoreError> {
        Ok(audit::chain_page(&self.read, after_id, limit).await?)
    }

    pub async fn login_user(&self, login_id: &str) -> Result<Option<LoginUser>, StoreError> {
        // `login_id` is COLLATE NOCASE in the schema.
        let row: Option<UserRow> = sqlx::query_as(&format!(
            "{SELECT_USER} WHERE u.login_id = ? AND u.disabled = 0 AND u.pending_activation = 0"
        ))
        .bind(login_id)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(UserRow::into_login))
    }

    pub async fn user_id_by_login(&self, login_id: &str) -> Result<Option<Uuid>, StoreError> {
        let id: Option<Hyphenated> = sqlx::query_scalar("SELECT id FROM users WHERE login_id = ?")
            .bind(login_id)
            .fetch_optional(&self.read)
            .await?;
        Ok(id.map(Hyphenated::into_uuid))
    }

    pub async fn me(&self, user_id: Uuid) -> Result<Option<Me>, StoreError> {
        me_in(&self.read, user_id).await
    }

    pub async fn create_session(&self, s: NewSession<'_>) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at_ms, last_seen_ms, expires_at_ms)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(s.token_hash)
        .bind(s.user_id.hyphenated())
        .bind(s.now_ms)
        .bind(s.now_ms)
        .bind(s.expires_at_ms)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            Entry::new(Action::SessionCreate, Some(s.user_id), s.client_ip),
        )
        .await?;
        self.writer.commit(tx).await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str, entry: Entry) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        // Logging out ends the device's pushes too; expiry (below) leaves them.
        sqlx::query("DELETE FROM push_subscriptions WHERE session_token_hash = ?")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        audit::record(&mut tx, entry).await?;
        self.writer.commit(tx).await?;
        Ok(())
    }

    pub async fn session_owner(
        &self,
        token_hash: &str,
    ) -> Result<Option<SessionOwner>, StoreError> {
        let row: Option<SessionRow> = sqlx::query_as(&format!("{SELECT_SESSION_OWNER} ?"))
            .bind(token_hash)
            .fetch_optional(&self.read)
            .await?;
        Ok(row.map(session_owner))
    }

    pub async fn expire_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        self.writer.commit(tx).await?;
        Ok(())
    }

    pub fn touch_session(&self, token_hash: &str, at_ms: i64) {
        self.writer.touch_session(token_hash, at_ms);
    }
}
