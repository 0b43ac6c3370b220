//! Accounts, sessions and the audit log.

use sqlx::PgExecutor;
use tsunagu_api::{Author, Me, Profession};
use uuid::Uuid;

use super::PgStore;
use crate::audit::{Action, Entry};
use crate::store::rows::{AuthorRow, SessionRow, UserRow, SELECT_USER};
use crate::store::{LoginUser, NewSession, SessionOwner, StoreError};
use crate::time::now_ms;

/// Appends an audit entry.
pub async fn record_audit(db: impl PgExecutor<'_>, entry: Entry) -> Result<(), sqlx::Error> {
    record_audit_at(db, entry, now_ms()).await
}

/// Appends an entry stamped `at_ms` (when it happened, not when a batch wrote it).
pub async fn record_audit_at(
    db: impl PgExecutor<'_>,
    entry: Entry,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at_ms, user_id, action, group_id, target_id, client_ip)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(at_ms)
    .bind(entry.user_id)
    .bind(entry.action.as_str())
    .bind(entry.group_id)
    .bind(entry.target_id)
    .bind(entry.client_ip.map(|ip| ip.to_string()))
    .execute(db)
    .await?;
    Ok(())
}

/// The account as `/me` shows it, inside another operation's transaction.
pub async fn me_in(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<Option<Me>, StoreError> {
    let row: Option<UserRow> = sqlx::query_as(&format!("{SELECT_USER} WHERE u.id = $1"))
        .bind(user_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(UserRow::into_me))
}

/// A person as posts and events name them.
pub async fn author_in(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<Author, StoreError> {
    let row: AuthorRow = sqlx::query_as(
        "SELECT u.id, u.display_name, u.profession, f.name AS facility_name
         FROM users u LEFT JOIN facilities f ON f.id = u.facility_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_one(db)
    .await?;
    Ok(row.into_author())
}

impl PgStore {
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn audit(&self, entry: Entry) -> Result<(), StoreError> {
        Ok(self.batch.audit(entry).await?)
    }

    pub async fn login_user(&self, login_id: &str) -> Result<Option<LoginUser>, StoreError> {
        // An index lookup on `users_login_key` (ASCII case folded, as SQLite's NOCASE).
        let row: Option<UserRow> = sqlx::query_as(&format!(
            "{SELECT_USER} WHERE login_key(u.login_id) = login_key($1) AND NOT u.disabled"
        ))
        .bind(login_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(UserRow::into_login))
    }

    pub async fn user_id_by_login(&self, login_id: &str) -> Result<Option<Uuid>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM users WHERE login_key(login_id) = login_key($1)")
                .bind(login_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn me(&self, user_id: Uuid) -> Result<Option<Me>, StoreError> {
        me_in(&self.pool, user_id).await
    }

    pub async fn create_session(&self, s: NewSession<'_>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at_ms, last_seen_ms, expires_at_ms)
             VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(s.token_hash)
        .bind(s.user_id)
        .bind(s.now_ms)
        .bind(s.expires_at_ms)
        .execute(&mut *tx)
        .await?;
        record_audit(
            &mut *tx,
            Entry::new(Action::SessionCreate, Some(s.user_id), s.client_ip),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str, entry: Entry) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        record_audit(&mut *tx, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn session_owner(
        &self,
        token_hash: &str,
    ) -> Result<Option<SessionOwner>, StoreError> {
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT s.user_id, u.profession, s.last_seen_ms, s.expires_at_ms
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND NOT u.disabled",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| SessionOwner {
            user_id: r.user_id.into_uuid(),
            is_family: r.profession == Profession::Family.as_str(),
            last_seen_ms: r.last_seen_ms,
            expires_at_ms: r.expires_at_ms,
        }))
    }

    pub async fn expire_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records the session's use in the next batch; skipped when the queue is full (the next
    /// request touches again).
    pub fn touch_session(&self, token_hash: &str, at_ms: i64) {
        self.batch.touch_session(token_hash, at_ms);
    }

    /// Returns once every audit row and touch queued so far is committed.
    pub async fn flush(&self) {
        self.batch.flush().await;
    }
}
