//! The audit log on SQLite.

use sqlx::{SqliteConnection, SqliteExecutor};

use crate::audit::Entry;
use crate::domain::audit_chain::{ChainRow, GENESIS};
use crate::store::rows::{AuditRow, SELECT_AUDIT_CHAIN};
use crate::time::now_ms;

/// Appends an entry, inside the caller's transaction (writes record their entry atomically
/// with the change; reads queue theirs through the writer's batches).
pub async fn record(db: &mut SqliteConnection, entry: Entry) -> Result<(), sqlx::Error> {
    record_at(db, entry, now_ms()).await
}

/// Appends an entry stamped `at_ms` (when it happened, not when a batch wrote it).
pub async fn record_at(
    db: &mut SqliteConnection,
    entry: Entry,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    append_all(db, [(entry, at_ms)]).await
}

/// Appends entries in order, each chained to the one before: the chain's tail is read once,
/// then carried from entry to entry. Every caller holds the one write connection's
/// transaction, so nothing can append between reading the tail and inserting.
pub async fn append_all(
    db: &mut SqliteConnection,
    entries: impl IntoIterator<Item = (Entry, i64)>,
) -> Result<(), sqlx::Error> {
    let mut entries = entries.into_iter().peekable();
    if entries.peek().is_none() {
        return Ok(());
    }
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
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(at_ms)
        .bind(entry.user_id.map(|u| u.hyphenated()))
        .bind(entry.action.as_str())
        .bind(entry.group_id.map(|u| u.hyphenated()))
        .bind(entry.target_id.map(|u| u.hyphenated()))
        .bind(client_ip)
        .bind(&prev)
        .bind(&hash)
        .execute(&mut *db)
        .await?;
        prev = hash;
    }
    Ok(())
}

/// Up to `limit` entries after `after_id`, in id order, for `audit verify`.
pub async fn chain_page(
    db: impl SqliteExecutor<'_>,
    after_id: i64,
    limit: i64,
) -> Result<Vec<ChainRow>, sqlx::Error> {
    let rows: Vec<AuditRow> = sqlx::query_as(&format!(
        "{SELECT_AUDIT_CHAIN} FROM audit_log WHERE id > ? ORDER BY id LIMIT ?"
    ))
    .bind(after_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(AuditRow::into_chain_row).collect())
}
