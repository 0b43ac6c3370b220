//! The audit log on SQLite.

use sqlx::SqliteExecutor;

use crate::audit::Entry;
use crate::time::now_ms;

/// Appends an entry, inside the caller's transaction (writes record their entry atomically
/// with the change; reads queue theirs through the writer's batches).
pub async fn record(db: impl SqliteExecutor<'_>, entry: Entry) -> Result<(), sqlx::Error> {
    record_at(db, entry, now_ms()).await
}

/// Appends an entry stamped `at_ms` (when it happened, not when a batch wrote it).
pub async fn record_at(
    db: impl SqliteExecutor<'_>,
    entry: Entry,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at_ms, user_id, action, group_id, target_id, client_ip)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(at_ms)
    .bind(entry.user_id.map(|u| u.hyphenated()))
    .bind(entry.action.as_str())
    .bind(entry.group_id.map(|u| u.hyphenated()))
    .bind(entry.target_id.map(|u| u.hyphenated()))
    .bind(entry.client_ip.map(|ip| ip.to_string()))
    .execute(db)
    .await?;
    Ok(())
}
