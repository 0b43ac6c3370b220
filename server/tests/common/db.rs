//! The test server's database, on whichever backend `TSUNAGU_TEST_DATABASE_URL` names: a
//! fresh SQLite file by default, or a fresh database on that PostgreSQL cluster. Tests read
//! and change rows through this handle with SQL valid on both (`$1` placeholders, `TRUE`,
//! ids bound as [`Bind::Id`] and read as [`Id`]); where the dialects differ a test asks
//! [`TestDb::is_postgres`].

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, PgPool, Postgres, Sqlite, SqlitePool};
use tsunagu_server::db::{self, Database};
pub use tsunagu_server::store::id::Id;
use uuid::Uuid;

/// A value to bind.
#[derive(Debug, Clone)]
pub enum Bind {
    Id(Uuid),
    Text(String),
    Int(i64),
    Bool(bool),
}

impl From<Uuid> for Bind {
    fn from(id: Uuid) -> Self {
        Self::Id(id)
    }
}

impl From<&str> for Bind {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for Bind {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<i64> for Bind {
    fn from(n: i64) -> Self {
        Self::Int(n)
    }
}

impl From<bool> for Bind {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

/// Binds each value in order.
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match bind {
                Bind::Id(id) => query.bind(Id(*id)),
                Bind::Text(text) => query.bind(text.clone()),
                Bind::Int(n) => query.bind(*n),
                Bind::Bool(b) => query.bind(*b),
            };
        }
        query
    }};
}

/// A connection pool to the test server's database (SQLite: its write connection, since the
/// read pool refuses writes).
#[derive(Clone)]
pub enum TestDb {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A row type both backends decode.
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// A column type both backends decode.
pub trait Value:
    for<'r> sqlx::Decode<'r, Sqlite>
    + sqlx::Type<Sqlite>
    + for<'r> sqlx::Decode<'r, Postgres>
    + sqlx::Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Value for T where
    T: for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>
        + Send
        + Unpin
{
}

impl TestDb {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }

    /// Runs a statement; returns the rows it changed.
    pub async fn execute(&self, sql: &str, binds: &[Bind]) -> Result<u64, sqlx::Error> {
        Ok(match self {
            Self::Sqlite(pool) => bind_all!(sqlx::query(sql), binds)
                .execute(pool)
                .await?
                .rows_affected(),
            Self::Postgres(pool) => bind_all!(sqlx::query(sql), binds)
                .execute(pool)
                .await?
                .rows_affected(),
        })
    }

    /// Runs a statement that must succeed.
    pub async fn exec(&self, sql: &str, binds: &[Bind]) -> u64 {
        self.execute(sql, binds)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The rows of a query.
    pub async fn rows<T: Row>(&self, sql: &str, binds: &[Bind]) -> Vec<T> {
        let result = match self {
            Self::Sqlite(pool) => bind_all!(sqlx::query_as(sql), binds).fetch_all(pool).await,
            Self::Postgres(pool) => bind_all!(sqlx::query_as(sql), binds).fetch_all(pool).await,
        };
        result.unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The one row of a query.
    pub async fn row<T: Row>(&self, sql: &str, binds: &[Bind]) -> T {
        let mut rows = self.rows(sql, binds).await;
        assert_eq!(rows.len(), 1, "{sql}: expected one row");
        rows.remove(0)
    }

    /// The first column of each row.
    pub async fn column<T: Value>(&self, sql: &str, binds: &[Bind]) -> Vec<T> {
        let rows: Vec<(T,)> = self.rows(sql, binds).await;
        rows.into_iter().map(|(v,)| v).collect()
    }

    /// The first column of the one row.
    pub async fn scalar<T: Value>(&self, sql: &str, binds: &[Bind]) -> T {
        let (value,): (T,) = self.row(sql, binds).await;
        value
    }

    /// The first column of the first row, if any.
    pub async fn optional<T: Value>(&self, sql: &str, binds: &[Bind]) -> Option<T> {
        self.column(sql, binds).await.into_iter().next()
    }

    /// `column ->> key` of a JSON text column, as text, in this backend's dialect.
    pub fn json_text(&self, column: &str, key: &str) -> String {
        if self.is_postgres() {
            format!("({column}::json ->> '{key}')")
        } else {
            format!("json_extract({column}, '$.{key}')")
        }
    }
}

/// A fresh database for one test server, on the backend the test kit chooses (see
/// [`tsunagu_testkit::database::fresh`]). Migrated, not seeded.
pub async fn fresh(dir: &std::path::Path) -> (Database, TestDb, String) {
    let url = tsunagu_testkit::database::fresh(dir).await;
    let database = db::connect(&url, 8).await.expect("database");
    let handle = match &database {
        Database::Sqlite(db) => TestDb::Sqlite(db.writer.pool().clone()),
        Database::Postgres(pool) => TestDb::Postgres(pool.clone()),
    };
    (database, handle, url)
}

/// Keeps writes out while held: SQLite's one write connection taken, or
/// a PostgreSQL table locked against inserts. Dropping it lets them through.
pub enum WriteHold {
    Sqlite(sqlx::pool::PoolConnection<Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl TestDb {
    /// Keeps audit rows from being written while held.
    pub async fn hold_audit_writes(&self) -> WriteHold {
        self.hold_inserts_into("audit_log").await
    }

    pub async fn hold_post_writes(&self) -> WriteHold {
        self.hold_inserts_into("posts").await
    }

    /// SQLite's one write connection taken, or PostgreSQL's `table` locked against inserts.
    async fn hold_inserts_into(&self, table: &str) -> WriteHold {
        match self {
            Self::Sqlite(pool) => WriteHold::Sqlite(pool.acquire().await.unwrap()),
            Self::Postgres(pool) => {
                let mut tx = pool.begin().await.unwrap();
                sqlx::query(&format!("LOCK TABLE {table} IN SHARE MODE"))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                WriteHold::Postgres(tx)
            }
        }
    }
}
