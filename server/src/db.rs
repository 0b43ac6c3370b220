//! The database the server runs on, chosen by the URL: each backend connects and migrates in
//! `store/`.

pub use crate::database_url::{is_postgres_url, redact};
pub use crate::store::sqlite::connect::{connect as connect_sqlite, Db};

pub use crate::store::IDEMPOTENCY_KEY_RETENTION_MS;

/// The database the server runs on, chosen by the URL's scheme.
#[derive(Clone)]
pub enum Database {
    Sqlite(Db),
    Postgres(sqlx::PgPool),
}

impl Database {
    pub async fn close(&self) {
        match self {
            Self::Sqlite(db) => db.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}

/// Connects to the database the URL names (`postgres://…` or `sqlite://…`) and brings its
/// schema up to date. `max_connections` sizes PostgreSQL's pool.
pub async fn connect(database_url: &str, max_connections: u32) -> anyhow::Result<Database> {
    if is_postgres_url(database_url) {
        let pool = crate::store::postgres::connect(database_url, max_connections).await?;
        return Ok(Database::Postgres(pool));
    }
    Ok(Database::Sqlite(connect_sqlite(database_url).await?))
}

/// What the search index holds for a post body: its fold (see migration 0004).
pub fn search_text(body: &str) -> String {
    tsunagu_api::kana::fold(body)
}
