//! Two-factor login's rows on SQLite (see `two_factor.rs` for the scheme).

use uuid::Uuid;

use super::write_tx::WriteTx;
use super::SqliteStore;
use crate::audit::Entry;
use crate::store::StoreError;
use crate::time::now_ms;

impl SqliteStore {
    pub async fn begin_two_factor(&self, user: Uuid, secret: &str) -> Result<bool, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let set = sqlx::query("UPDATE users SET totp_secret = ? WHERE id = ? AND totp_enabled = 0")
            .bind(secret)
            .bind(user.hyphenated())
            .execute(tx.conn())
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(set == 1)
    }

    pub async fn two_factor_secret(
        &self,
        user: Uuid,
    ) -> Result<Option<(String, bool)>, StoreError> {
        let row: Option<(Option<String>, bool)> =
            sqlx::query_as("SELECT totp_secret, totp_enabled FROM users WHERE id = ?")
                .bind(user.hyphenated())
                .fetch_optional(&self.read)
                .await?;
        Ok(row.and_then(|(secret, on)| secret.map(|s| (s, on))))
    }

    pub async fn enable_two_factor(
        &self,
        user: Uuid,
        step: i64,
        recovery_hashes: &[String],
        audit: Entry,
    ) -> Result<bool, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let on = sqlx::query(
            "UPDATE users SET totp_enabled = 1, totp_last_step = ?
             WHERE id = ? AND totp_enabled = 0 AND totp_secret IS NOT NULL",
        )
        .bind(step)
        .bind(user.hyphenated())
        .execute(tx.conn())
        .await?
        .rows_affected();
        if on != 1 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = ?")
            .bind(user.hyphenated())
            .execute(tx.conn())
            .await?;
        for hash in recovery_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)")
                .bind(user.hyphenated())
                .bind(hash)
                .execute(tx.conn())
                .await?;
        }
        tx.audit(audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn accept_totp_step(&self, user: Uuid, step: i64) -> Result<bool, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let accepted =
            sqlx::query("UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?")
                .bind(step)
                .bind(user.hyphenated())
                .bind(step)
                .execute(tx.conn())
                .await?
                .rows_affected();
        tx.commit().await?;
        Ok(accepted == 1)
    }

    pub async fn use_recovery_code(&self, user: Uuid, hash: &str) -> Result<bool, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let used = sqlx::query(
            "UPDATE recovery_codes SET used_at_ms = ?
             WHERE user_id = ? AND code_hash = ? AND used_at_ms IS NULL",
        )
        .bind(now_ms())
        .bind(user.hyphenated())
        .bind(hash)
        .execute(tx.conn())
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(used == 1)
    }

    pub async fn remember_device(
        &self,
        user: Uuid,
        token_hash: &str,
        expires_at_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        sqlx::query(
            "INSERT INTO trusted_devices (token_hash, user_id, created_at_ms, expires_at_ms)
             VALUES (?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(user.hyphenated())
        .bind(now_ms())
        .bind(expires_at_ms)
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn is_trusted_device(
        &self,
        user: Uuid,
        token_hash: &str,
    ) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT expires_at_ms FROM trusted_devices WHERE token_hash = ? AND user_id = ?",
        )
        .bind(token_hash)
        .bind(user.hyphenated())
        .fetch_optional(&self.read)
        .await?;
        Ok(found.is_some_and(|expires| expires > now_ms()))
    }
}
