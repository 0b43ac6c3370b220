//! Group commit: one fsync of the WAL for every commit that finished before it started.
//!
//! With `synchronous = FULL` each commit fsyncs the WAL itself, inside the write lock: on this
//! project's machines an fsync takes 2.5–3 ms, so posts could not be written faster than ~350 a
//! second however small they were, and every writer queued behind every fsync. So the write
//! connection runs with `synchronous = NORMAL` (a commit only writes the WAL, into the page
//! cache) and a commit is acknowledged only after [`WalSync::durable`] has fsynced the WAL
//! file past it. Commits that finish while an fsync runs share the next one, so under load one
//! fsync makes dozens of commits durable, and no fsync happens under the write lock.
//!
//! Why this is as durable as FULL: SQLite recovers a WAL by replaying every frame up to the last
//! valid commit frame (frames carry checksums and the WAL's salt). Once the file's data is on
//! stable storage up to a commit frame, that commit survives a power cut. Linux's fsync flushes
//! the file (the inode), whichever descriptor asks, so this module opens the WAL by path.
//! Checkpoints fsync the WAL and the database themselves, as with FULL. The one difference: a
//! commit becomes visible to other connections (and live streams) a few milliseconds before it
//! is durable; its author is told only once it is.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Mutex;

pub struct WalSync {
    /// `<database>-wal`; `None` for an in-memory database.
    wal: Option<PathBuf>,
    /// The main database file, synced when the WAL is missing.
    database: PathBuf,
    /// Commits that have finished (each takes the next ticket).
    committed: AtomicU64,
    /// Every ticket up to this is durable.
    synced: AtomicU64,
    /// One fsync at a time; the others wait here in line and usually find their ticket covered.
    syncing: Mutex<()>,
}

impl WalSync {
    pub fn new(database: PathBuf) -> Self {
        let in_memory = database.as_os_str().is_empty() || database.as_os_str() == ":memory:";
        let wal = (!in_memory).then(|| {
            let mut name = database.clone().into_os_string();
            name.push("-wal");
            PathBuf::from(name)
        });
        Self {
            wal,
            database,
            committed: AtomicU64::new(0),
            synced: AtomicU64::new(0),
            syncing: Mutex::new(()),
        }
    }

    /// Called right after a commit returned: returns once that commit is on stable storage.
    pub async fn durable(&self) -> std::io::Result<()> {
        let ticket = self.committed.fetch_add(1, Ordering::SeqCst) + 1;
        let Some(wal) = &self.wal else {
            return Ok(());
        };
        loop {
            if self.synced.load(Ordering::SeqCst) >= ticket {
                return Ok(());
            }
            let _turn = self.syncing.lock().await;
            if self.synced.load(Ordering::SeqCst) >= ticket {
                return Ok(());
            }
            // Every commit that took a ticket has written its frames: this fsync covers them.
            let target = self.committed.load(Ordering::SeqCst);
            let (wal, database) = (wal.clone(), self.database.clone());
            tokio::task::spawn_blocking(move || sync_file(&wal, &database))
                .await
                .map_err(std::io::Error::other)??;
            self.synced.fetch_max(target, Ordering::SeqCst);
        }
    }

    /// Makes the database's directory entries durable (the WAL file's creation), once at start.
    pub fn sync_directory(&self) -> std::io::Result<()> {
        match self.database.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(dir) if self.wal.is_some() => std::fs::File::open(dir)?.sync_all(),
            _ => Ok(()),
        }
    }
}

fn sync_file(wal: &std::path::Path, database: &std::path::Path) -> std::io::Result<()> {
    match std::fs::File::open(wal) {
        Ok(file) => file.sync_data(),
        // No WAL: everything was checkpointed into the database file; sync that instead.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::File::open(database)?.sync_data()
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn concurrent_commits_share_fsyncs_and_all_return() {
        let dir = std::env::temp_dir().join(format!("walsync-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("t.db");
        std::fs::write(&db, b"db").unwrap();
        std::fs::write(dir.join("t.db-wal"), b"wal").unwrap();
        let sync = std::sync::Arc::new(WalSync::new(db));
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let sync = sync.clone();
                tokio::spawn(async move { sync.durable().await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(sync.synced.load(Ordering::SeqCst), 50);
        sync.sync_directory().unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn an_in_memory_database_needs_no_fsync() {
        let sync = WalSync::new(PathBuf::from(":memory:"));
        sync.durable().await.unwrap();
    }
}
