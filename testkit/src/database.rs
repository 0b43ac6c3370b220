//! A fresh database for each server a test starts, on the backend the environment chooses:
//! a SQLite file by default, or a new database on the PostgreSQL cluster that
//! `TSUNAGU_TEST_DATABASE_URL` names (`scripts/with-postgres.sh` starts a throwaway one).

use std::path::Path;

use sqlx::{Connection, PgConnection};
use uuid::Uuid;

/// Names a PostgreSQL cluster to run the tests on (any database of it; each server gets its
/// own). Unset: SQLite.
pub const DATABASE_URL_VAR: &str = "TSUNAGU_TEST_DATABASE_URL";
/// Names a PostgreSQL cluster for tests that need one whatever the backend of the others (the
/// browser test of several instances). `scripts/with-postgres.sh` sets it.
pub const POSTGRES_URL_VAR: &str = "TSUNAGU_TEST_POSTGRES_URL";

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The URL of a fresh, empty database: a new database on the cluster `TSUNAGU_TEST_DATABASE_URL`
/// names, or a SQLite file under `dir` (in a directory that does not exist yet: the server must
/// create it).
pub async fn fresh(dir: &Path) -> String {
    match std::env::var(DATABASE_URL_VAR) {
        Ok(cluster) if is_postgres(&cluster) => new_postgres_database(&cluster).await,
        Ok(other) if !other.is_empty() => {
            panic!("{DATABASE_URL_VAR} must be a postgres:// URL, not {other:?}")
        }
        _ => format!("sqlite://{}", dir.join("data/tsunagu.db").display()),
    }
}

/// The URL of a fresh database on the PostgreSQL cluster of `TSUNAGU_TEST_POSTGRES_URL` (or
/// `TSUNAGU_TEST_DATABASE_URL`); panics, saying how to get one, when neither names a cluster.
pub async fn fresh_postgres() -> String {
    let cluster = [POSTGRES_URL_VAR, DATABASE_URL_VAR]
        .into_iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|url| is_postgres(url))
        .unwrap_or_else(|| {
            panic!(
                "{POSTGRES_URL_VAR} must name a PostgreSQL cluster: run through \
                 scripts/with-postgres.sh (as `make e2e` and `make pg-test` do)"
            )
        });
    new_postgres_database(&cluster).await
}

/// Creates an empty database on the cluster and returns its URL (the cluster is thrown away
/// after the run, so nothing drops it).
pub async fn new_postgres_database(cluster: &str) -> String {
    let name = format!("tsunagu_test_{}", Uuid::now_v7().simple());
    let mut admin = PgConnection::connect(cluster)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL cluster: {e}"));
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let _ = admin.close().await;
    let base = cluster.split_once('?').map_or(cluster, |(base, _)| base);
    let (server, _database) = base.rsplit_once('/').expect("database URL with a path");
    format!("{server}/{name}")
}
