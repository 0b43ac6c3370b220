//! Restoring a backup (`admin restore`) on SQLite: the backup file checked, then put in the
//! database's place. The server must be stopped: SQLite has no way to swap a database under
//! open connections.

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

/// The write-ahead log and shared-memory files beside `db`: present while a server has it
/// open (SQLite removes them when the last connection closes cleanly).
fn in_use_markers(db: &Path) -> Vec<PathBuf> {
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

/// Checks that `backup` is an intact Tsunagu database, then replaces the database of
/// `database_url` with it (a copy written beside it, synced, then renamed over it: a crash
/// leaves the old or the new database, never half of one). Refuses while the database looks
/// open, unless `force` (after a crash left its `-wal`/`-shm` files; they are removed, since
/// they belong to the database being replaced).
pub async fn restore(database_url: &str, backup: &Path, force: bool) -> anyhow::Result<()> {
    let target = database_file(database_url)?;
    let markers = in_use_markers(&target);
    if !markers.is_empty() && !force {
        bail!(
            "{} looks open (its {} exists): stop the server first, or pass --force if it \
             crashed",
            target.display(),
            markers[0].display()
        );
    }
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
    for marker in markers {
        std::fs::remove_file(&marker)
            .with_context(|| format!("cannot remove {}", marker.display()))?;
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
