//! Two-factor login's rows on PostgreSQL (see `two_factor.rs` for the scheme).

use uuid::Uuid;

use super::write_tx::WriteTx;
use super::PgStore;
use crate::audit::Entry;
use crate::store::StoreError;
use crate::time::now_ms;

impl PgStore {
    pub async fn begin_two_factor(&self, user: Uuid, secret: &str) -> Result<bool, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        let set =
            sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2 AND NOT totp_enabled")
                .bind(secret)
                .bind(user)
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
            sqlx::query_as("SELECT totp_secret, totp_enabled FROM users WHERE id = $1")
                .bind(user)
                .fetch_optional(&self.pool)
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
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        let on = sqlx::query(
            "UPDATE users SET totp_enabled = true, totp_last_step = $1
             WHERE id = $2 AND NOT totp_enabled AND totp_secret IS NOT NULL",
        )
        .bind(step)
        .bind(user)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if on != 1 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user)
            .execute(tx.conn())
            .await?;
        for hash in recovery_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user)
                .bind(hash)
                .execute(tx.conn())
                .await?;
        }
        tx.audit(audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn accept_totp_step(&self, user: Uuid, step: i64) -> Result<bool, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        let accepted = sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $3",
        )
        .bind(step)
        .bind(user)
        .bind(step)
        .execute(tx.conn())
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(accepted == 1)
    }

    pub async fn use_recovery_code(&self, user: Uuid, hash: &str) -> Result<bool, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        let used = sqlx::query(
            "UPDATE recovery_codes SET used_at_ms = $1
             WHERE user_id = $2 AND code_hash = $3 AND used_at_ms IS NULL",
        )
        .bind(now_ms())
        .bind(user)
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
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        sqlx::query(
            "INSERT INTO trusted_devices (token_hash, user_id, created_at_ms, expires_at_ms)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user)
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
            "SELECT expires_at_ms FROM trusted_devices WHERE token_hash = $1 AND user_id = $2",
        )
        .bind(token_hash)
        .bind(user)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some_and(|expires| expires > now_ms()))
    }
}
