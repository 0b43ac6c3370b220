//! `admin backup` and `admin restore`.

use std::path::Path;

use anyhow::Context;

use crate::database_url::{is_postgres_url, redact};
use crate::store::{postgres, sqlite, Store};

/// Writes a consistent copy while the server runs. Refuses to overwrite an existing file.
pub async fn backup(store: &Store, database_url: &str, to: &Path) -> anyhow::Result<()> {
    if to.exists() {
        anyhow::bail!("{} exists: choose a new file", to.display());
    }
    store
        .backup_to(to, database_url)
        .await
        .with_context(|| format!("backup of {} failed", redact(database_url)))
}

/// Replaces the database with a backup; every server on it must be stopped.
pub async fn restore(database_url: &str, from: &Path, force: bool) -> anyhow::Result<()> {
    if is_postgres_url(database_url) {
        postgres::accounts::restore(database_url, from, force)
            .await
            .map_err(anyhow::Error::from)
    } else {
        sqlite::backup::restore(database_url, from).await
    }
    .with_context(|| format!("restore into {} failed", redact(database_url)))
}
