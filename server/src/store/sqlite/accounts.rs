//! Accounts created and reset from the command line (`tsunagu-server admin …`) on SQLite.

use std::net::IpAddr;
use std::path::Path;

use sqlx::{ConnectOptions, Connection};
use uuid::Uuid;

use super::write_tx::WriteTx;
use super::SqliteStore;
use crate::audit::{Action, Entry};
use crate::domain::accounts::may_suspend;
use crate::domain::membership::Denied;
use crate::store::rows::{AccountRolesRow, SELECT_ACCOUNT_ROLES};
use crate::store::{NewOperator, Refusal, StoreError};
use crate::time::now_ms;

impl SqliteStore {
    pub async fn has_operator(&self) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM users WHERE is_operator = 1 AND disabled = 0 LIMIT 1",
        )
        .fetch_optional(&self.read)
        .await?;
        Ok(found.is_some())
    }

    pub async fn create_operator(&self, new: NewOperator<'_>) -> Result<Uuid, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        // `login_id` is COLLATE NOCASE: one account per login ID ignoring ASCII case.
        let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM users WHERE login_id = ?")
            .bind(new.login_id)
            .fetch_optional(tx.conn())
            .await?;
        if taken.is_some() {
            return Err(Refusal::LoginIdTaken.into());
        }
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO users (id, login_id, password_hash, display_name, display_name_kana,
                                profession, facility_id, created_at_ms, is_operator)
             VALUES (?, ?, ?, ?, ?, 'administrative', NULL, ?, 1)",
        )
        .bind(id.hyphenated())
        .bind(new.login_id)
        .bind(new.password_hash)
        .bind(new.display_name)
        .bind(new.display_name_kana)
        .bind(now_ms())
        .execute(tx.conn())
        .await?;
        tx.audit(Entry::new(Action::AccountCreate, None, None).target(id))
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn set_suspended(
        &self,
        actor: Uuid,
        target: Uuid,
        suspended: bool,
        client_ip: Option<IpAddr>,
    ) -> Result<(), StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let sql = format!("{SELECT_ACCOUNT_ROLES} ?");
        let caller: Option<AccountRolesRow> = sqlx::query_as(&format!("{sql} AND disabled = 0"))
            .bind(actor.hyphenated())
            .fetch_optional(tx.conn())
            .await?;
        let account: Option<AccountRolesRow> = sqlx::query_as(&sql)
            .bind(target.hyphenated())
            .fetch_optional(tx.conn())
            .await?;
        let (Some(caller), Some(account)) = (caller, account) else {
            return Err(Denied::NotFound.into());
        };
        may_suspend(&caller.actor(actor), &account.target(target))?;
        sqlx::query("UPDATE users SET disabled = ? WHERE id = ?")
            .bind(suspended)
            .bind(target.hyphenated())
            .execute(tx.conn())
            .await?;
        if suspended {
            for sql in [
                "DELETE FROM push_subscriptions WHERE user_id = ?",
                "DELETE FROM sessions WHERE user_id = ?",
                "DELETE FROM trusted_devices WHERE user_id = ?",
            ] {
                sqlx::query(sql)
                    .bind(target.hyphenated())
                    .execute(tx.conn())
                    .await?;
            }
        }
        let action = if suspended {
            Action::AccountSuspend
        } else {
            Action::AccountReactivate
        };
        tx.audit(Entry::new(action, Some(actor), client_ip).target(target))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn reset_password(
        &self,
        login_id: &str,
        password_hash: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let id: Option<String> = sqlx::query_scalar(
            "UPDATE users SET password_hash = ? WHERE login_id = ? RETURNING id",
        )
        .bind(password_hash)
        .bind(login_id)
        .fetch_optional(tx.conn())
        .await?;
        let Some(id) = id.and_then(|s| Uuid::parse_str(&s).ok()) else {
            return Ok(None);
        };
        // Whoever knew the old password is logged out everywhere; no device gets pushes.
        sqlx::query("DELETE FROM push_subscriptions WHERE user_id = ?")
            .bind(id.hyphenated())
            .execute(tx.conn())
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(id.hyphenated())
            .execute(tx.conn())
            .await?;
        tx.audit(Entry::new(Action::PasswordReset, None, None).target(id))
            .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// A consistent copy of the whole database, taken while the server runs (`VACUUM INTO`
    /// reads one snapshot; writers go on meanwhile). The backup is on record in the copy too.
    pub async fn backup_to(&self, path: &Path) -> Result<(), StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        tx.audit(Entry::new(Action::Backup, None, None)).await?;
        tx.commit().await?;
        let path = path
            .to_str()
            .ok_or_else(|| anyhow::anyhow!("the backup path is not UTF-8"))?;
        // Its own connection: the read pool's are query-only, and the write connection would
        // hold every writer back for as long as the copy takes.
        let options = (*self.read.connect_options())
            .clone()
            .pragma("query_only", "OFF");
        let mut conn = options.connect().await?;
        sqlx::query("VACUUM INTO ?")
            .bind(path)
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        Ok(())
    }
}
