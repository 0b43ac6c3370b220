//! Live events as stored.

/// A stored live event as a stream sends it: its id (the SSE `id:`), name and JSON as written.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredEvent {
    pub id: i64,
    pub name: String,
    pub data: String,
}
