//! Accounts created and reset from the command line (`tsunagu-server admin …`), and backups,
//! on PostgreSQL.

use std::net::IpAddr;
use std::path::Path;
use std::process::Stdio;

use uuid::Uuid;

use super::membership_writes::is_unique_violation;
use super::users::record_audit_alone;
use super::write_tx::WriteTx;
use super::PgStore;
use crate::audit::{Action, Entry};
use crate::database_url::split_password;
use crate::domain::accounts::may_suspend;
use crate::domain::membership::Denied;
use crate::store::rows::{AccountRolesRow, SELECT_ACCOUNT_ROLES};
use crate::store::{NewOperator, Refusal, StoreError};
use crate::time::now_ms;

impl PgStore {
    pub async fn has_operator(&self) -> Result<bool, StoreError> {
        let found: Option<bool> =
            sqlx::query_scalar("SELECT true FROM users WHERE is_operator AND NOT disabled LIMIT 1")
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }

    /// The login ID's uniqueness is decided by the `users_login_key` index: a concurrent
    /// creation of the same ID fails the insert with a unique violation, answered the same.
    pub async fn create_operator(&self, new: NewOperator<'_>) -> Result<Uuid, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        let id = Uuid::now_v7();
        let inserted = sqlx::query(
            "INSERT INTO users (id, login_id, password_hash, display_name, display_name_kana,
                                profession, facility_id, created_at_ms, is_operator)
             VALUES ($1, $2, $3, $4, $5, 'administrative', NULL, $6, true)",
        )
        .bind(id)
        .bind(new.login_id)
        .bind(new.password_hash)
        .bind(new.display_name)
        .bind(new.display_name_kana)
        .bind(now_ms())
        .execute(tx.conn())
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(Refusal::LoginIdTaken.into()),
            other => other?,
        };
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
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        let sql = format!("{SELECT_ACCOUNT_ROLES} $1");
        let caller: Option<AccountRolesRow> = sqlx::query_as(&format!("{sql} AND NOT disabled"))
            .bind(actor)
            .fetch_optional(tx.conn())
            .await?;
        // Locked: a concurrent suspend and reactivate of one account apply one after the other.
        let account: Option<AccountRolesRow> = sqlx::query_as(&format!("{sql} FOR UPDATE"))
            .bind(target)
            .fetch_optional(tx.conn())
            .await?;
        let (Some(caller), Some(account)) = (caller, account) else {
            return Err(Denied::NotFound.into());
        };
        may_suspend(&caller.actor(actor), &account.target(target))?;
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(suspended)
            .bind(target)
            .execute(tx.conn())
            .await?;
        if suspended {
            for sql in [
                "DELETE FROM push_subscriptions WHERE user_id = $1",
                "DELETE FROM sessions WHERE user_id = $1",
                "DELETE FROM trusted_devices WHERE user_id = $1",
            ] {
                sqlx::query(sql).bind(target).execute(tx.conn()).await?;
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
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        let id: Option<Uuid> = sqlx::query_scalar(
            "UPDATE users SET password_hash = $1 WHERE login_key(login_id) = login_key($2)
             RETURNING id",
        )
        .bind(password_hash)
        .bind(login_id)
        .fetch_optional(tx.conn())
        .await?;
        let Some(id) = id else {
            return Ok(None);
        };
        // Whoever knew the old password is logged out everywhere; no device gets pushes.
        sqlx::query("DELETE FROM push_subscriptions WHERE user_id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
        tx.audit(Entry::new(Action::PasswordReset, None, None).target(id))
            .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// `pg_dump` in its custom format: one consistent snapshot while the server runs, restored
    /// by `pg_restore` (`admin restore`). The backup is on record in the copy too.
    pub async fn backup_to(&self, path: &Path, database_url: &str) -> Result<(), StoreError> {
        record_audit_alone(&self.pool, Entry::new(Action::Backup, None, None)).await?;
        let mut dump = tokio::process::Command::new("pg_dump");
        dump.args(["--format=custom", "--no-owner", "--file"])
            .arg(path);
        run_with_url(dump, database_url).await
    }
}

/// Runs a libpq tool on `database_url` (its password through `PGPASSWORD`, not the command
/// line every user's `ps` shows); its error output becomes the error.
pub async fn run_with_url(
    mut command: tokio::process::Command,
    database_url: &str,
) -> Result<(), StoreError> {
    let (url, password) = split_password(database_url);
    command.arg("--dbname").arg(url);
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let program = command
        .as_std()
        .get_program()
        .to_string_lossy()
        .into_owned();
    let output =
        command.stdin(Stdio::null()).output().await.map_err(|e| {
            anyhow::anyhow!("cannot run {program} (PostgreSQL's client tools): {e}")
        })?;
    if !output.status.success() {
        return Err(anyhow::anyhow!(
            "{program} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )
        .into());
    }
    Ok(())
}

/// Restores a `pg_dump` archive into the database of `database_url` in one transaction
/// (`--clean`: what is there is replaced). Refuses while other sessions use the database (a
/// running server), unless `force`.
pub async fn restore(database_url: &str, backup: &Path, force: bool) -> Result<(), StoreError> {
    if !backup.is_file() {
        return Err(anyhow::anyhow!("{} is not a file", backup.display()).into());
    }
    if !force {
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(database_url).await?;
        let others: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .fetch_one(&mut conn)
        .await?;
        sqlx::Connection::close(conn).await?;
        if others > 0 {
            return Err(anyhow::anyhow!(
                "{others} other sessions use the database: stop every server instance first, \
                 or pass --force"
            )
            .into());
        }
    }
    let mut restore = tokio::process::Command::new("pg_restore");
    restore.args([
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
    ]);
    restore.arg(backup);
    run_with_url(restore, database_url).await
}
