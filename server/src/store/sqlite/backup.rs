//! Restoring a backup (`admin restore`) on SQLite: the backup file checked, then put in the
//! database's place. The server must be stopped (SQLite has no way to swap a database under
//! open connections): a serving server holds a lock file beside the database that tells.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{bail, Context};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

/// The database file a `sqlite://` URL names.
pub fn database_file(database_url: &str) -> anyhow::Result<PathBuf> {
    let options = SqliteConnectOptions::from_str(database_url)
        .with_context(|| format!("invalid database URL {database_url:?}"))?;
    Ok(options.get_filename().to_path_buf())
}

/// The write-ahead log and shared-memory files beside `db`: they belong to the database they
/// were written for, so they go when another database takes its place.
fn wal_files(db: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm"]
        .iter()
        .map(|suffix| {
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        })
        .filter(|p| p.exists())
        .collect()
}

/// The file a serving server holds locked beside its database (`<db>.lock`).
fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Held by `serve` for as long as it runs: the operating system releases it when the process
/// ends, however it ends, so `admin restore` can tell a running server from a stopped or
/// crashed one (the `-wal` file cannot: it stays after a crash, and even after some clean
/// stops).
#[derive(Debug)]
pub struct ServerLock(#[allow(dead_code)] std::fs::File);

/// Takes the lock of the database `database_url` names; fails when another server holds it.
pub fn lock_for_serving(database_url: &str) -> anyhow::Result<Option<ServerLock>> {
    let db = database_file(database_url)?;
    if db == Path::new(":memory:") {
        return Ok(None);
    }
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create directory {}", dir.display()))?;
    }
    let path = lock_path(&db);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(ServerLock(file))),
        Err(std::fs::TryLockError::WouldBlock) => {
            bail!("another server is running on {}", db.display())
        }
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

/// Checks that `backup` is an intact Tsunagu database, then replaces the database of
/// `database_url` with it (a copy written beside it, synced, then renamed over it: a crash
/// leaves the old or the new database, never half of one). Refuses while a server runs on the
/// database (it holds the lock [`lock_for_serving`] takes), and holds that lock meanwhile so
/// none starts.
pub async fn restore(database_url: &str, backup: &Path) -> anyhow::Result<()> {
    let target = database_file(database_url)?;
    let _held = lock_for_serving(database_url)
        .map_err(|e| anyhow::anyhow!("{e}: stop the server first"))?;
    check_backup(backup).await?;
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let staged = dir.join(".tsunagu-restore.tmp");
    std::fs::copy(backup, &staged)
        .with_context(|| format!("cannot copy {} to {}", backup.display(), staged.display()))?;
    std::fs::File::open(&staged)?.sync_all()?;
    for stale in wal_files(&target) {
        std::fs::remove_file(&stale)
            .with_context(|| format!("cannot remove {}", stale.display()))?;
    }
    std::fs::rename(&staged, &target)
        .with_context(|| format!("cannot put the backup in place of {}", target.display()))?;
    if let Ok(dir) = std::fs::File::open(dir) {
        // The rename itself survives a power cut once the directory is synced.
        let _ = dir.sync_all();
    }
    Ok(())
}

/// The backup opens read-only, passes SQLite's integrity check and holds Tsunagu's schema.
async fn check_backup(backup: &Path) -> anyhow::Result<()> {
    if !backup.is_file() {
        bail!("{} is not a file", backup.display());
    }
    let mut conn = SqliteConnectOptions::new()
        .filename(backup)
        .read_only(true)
        .connect()
        .await
        .with_context(|| format!("{} is not a SQLite database", backup.display()))?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .with_context(|| format!("{} is not a SQLite database", backup.display()))?;
    if integrity != "ok" {
        bail!("{} is damaged: {integrity}", backup.display());
    }
    let migrations: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&mut conn)
        .await
        .with_context(|| format!("{} is not a Tsunagu database", backup.display()))?;
    if migrations.is_none() {
        bail!("{} is not a Tsunagu database", backup.display());
    }
    conn.close().await?;
    Ok(())
}
