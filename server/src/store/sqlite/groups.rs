//! Groups and the caller's membership of them.

use sqlx::types::uuid::fmt::Hyphenated;
use sqlx::SqliteExecutor;
use tsunagu_api::{GroupKind, MemberRole};
use uuid::Uuid;

use super::SqliteStore;
use crate::domain::membership::{parse_rule, Membership};
use crate::store::StoreError;

#[derive(sqlx::FromRow)]
struct MembershipRow {
    role: String,
    kind: String,
    archived: bool,
    physician_rule: Option<String>,
    attending_physician_id: Option<Hyphenated>,
}

/// The caller's membership with what the rules need of the group, inside another operation's
/// transaction (a write decides on the rows as they are in it).
pub async fn membership_in(
    db: impl SqliteExecutor<'_>,
    group_id: Uuid,
    user_id: Uuid,
) -> Result<Option<Membership>, StoreError> {
    let row: Option<MembershipRow> = sqlx::query_as(
        "SELECT m.role, g.kind, g.archived, g.physician_rule, g.attending_physician_id
         FROM group_members m JOIN groups g ON g.id = m.group_id
         WHERE m.group_id = ? AND m.user_id = ?",
    )
    .bind(group_id.hyphenated())
    .bind(user_id.hyphenated())
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| Membership {
        role: MemberRole::parse(&row.role),
        kind: GroupKind::parse(&row.kind),
        archived: row.archived,
        physician_rule: row.physician_rule.as_deref().map(parse_rule),
        attending_physician_id: row.attending_physician_id.map(Hyphenated::into_uuid),
    }))
}

impl SqliteStore {
    pub async fn membership(
        &self,
        group_id: Uuid,
        user_id: Uuid,
    ) -> Result<Option<Membership>, StoreError> {
        membership_in(&self.read, group_id, user_id).await
    }
}
