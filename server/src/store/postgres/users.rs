//! Accounts, sessions and the audit log.

use sqlx::{PgConnection, PgExecutor, PgPool};
use tsunagu_api::{Author, Me, Profession};
use uuid::Uuid;

use super::PgStore;
use crate::audit::{Action, Entry};
use crate::domain::audit_chain::{ChainRow, GENESIS};
use crate::store::rows::{
    AuditRow, AuthorRow, SessionRow, UserRow, SELECT_AUDIT_CHAIN, SELECT_USER,
};
use crate::store::{LoginUser, NewSession, SessionOwner, StoreError};
use crate::time::now_ms;

/// Appends an audit entry, inside the caller's transaction.
pub async fn record_audit(db: &mut PgConnection, entry: Entry) -> Result<(), sqlx::Error> {
    record_audit_at(db, entry, now_ms()).await
}

/// Appends an entry stamped `at_ms` (when it happened, not when a batch wrote it).
pub async fn record_audit_at(
    db: &mut PgConnection,
    entry: Entry,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    append_audit(db, [(entry, at_ms)]).await
}

/// Appends entries in order, each chained to the one before (the tail read once, then carried
/// from entry to entry). Must run in a transaction: the advisory lock it takes is held until
/// that commits or rolls back (a cancelled request's connection is rolled back, which releases
/// it), so a second appender reads the tail only after the first one's rows are visible.
/// Callers append as the last step of their transaction, after any row locks: one that waited
/// for a row lock while holding this one could deadlock with a writer holding that row.
pub async fn append_audit(
    db: &mut PgConnection,
    entries: impl IntoIterator<Item = (Entry, i64)>,
) -> Result<(), sqlx::Error> {
    let mut entries = entries.into_iter().peekable();
    if entries.peek().is_none() {
        return Ok(());
    }
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(AUDIT_CHAIN_LOCK)
        .execute(&mut *db)
        .await?;
    let last: Option<(Option<String>,)> =
        sqlx::query_as("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *db)
            .await?;
    let mut prev = last
        .and_then(|(h,)| h)
        .unwrap_or_else(|| GENESIS.to_owned());
    for (entry, at_ms) in entries {
        let (client_ip, hash) = entry.chained(&prev, at_ms);
        sqlx::query(
            "INSERT INTO audit_log
                 (at_ms, user_id, action, group_id, target_id, client_ip, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(at_ms)
        .bind(entry.user_id)
        .bind(entry.action.as_str())
        .bind(entry.group_id)
        .bind(entry.target_id)
        .bind(client_ip)
        .bind(&prev)
        .bind(&hash)
        .execute(&mut *db)
        .await?;
        prev = hash;
    }
    Ok(())
}

/// Appends an audit entry in a transaction of its own (a refusal that wrote nothing else).
pub async fn record_audit_alone(pool: &PgPool, entry: Entry) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    record_audit(&mut tx, entry).await?;
    tx.commit().await
}

/// The advisory lock key of the audit chain's tail ("tsunagu" "audit" in ASCII, to stay clear
/// of other users of advisory locks on a shared cluster).
const AUDIT_CHAIN_LOCK: i64 = 0x7473_756e_6175_6474;

/// Up to `limit` entries after `after_id`, in id order, for `audit verify`.
pub async fn audit_chain_page(
    db: impl PgExecutor<'_>,
    after_id: i64,
    limit: i64,
) -> Result<Vec<ChainRow>, sqlx::Error> {
    let rows: Vec<AuditRow> = sqlx::query_as(&format!(
        "{SELECT_AUDIT_CHAIN} FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2"
    ))
    .bind(after_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(AuditRow::into_chain_row).collect())
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

    pub async fn audit_chain_page(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<ChainRow>, StoreError> {
        Ok(audit_chain_page(&self.pool, after_id, limit).await?)
    }

    pub async fn login_user(&self, login_id: &str) -> Result<Option<LoginUser>, StoreError> {
        // An index lookup on `users_login_key` (ASCII case folded, as SQLite's NOCASE).
        let row: Option<UserRow> = sqlx::query_as(&format!(
            "{SELECT_USER} WHERE login_key(u.login_id) = login_key($1) AND NOT u.disabled
             AND NOT u.pending_activation"
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
            &mut tx,
            Entry::new(Action::SessionCreate, Some(s.user_id), s.client_ip),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str, entry: Entry) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        // Logging out ends the device's pushes too; expiry (below) leaves them.
        sqlx::query("DELETE FROM push_subscriptions WHERE session_token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        record_audit(&mut tx, entry).await?;
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
