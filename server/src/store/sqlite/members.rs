//! A group's members.

use sqlx::types::uuid::fmt::Hyphenated;
use sqlx::SqliteExecutor;
use tsunagu_api::{Author, Member, MemberList, MemberRole, Profession, Relationship};
use uuid::Uuid;

use super::invitations::pending_of_group;
use super::SqliteStore;
use crate::domain::membership::Denied;
use crate::store::StoreError;
use crate::time::from_ms;

#[derive(Debug, sqlx::FromRow)]
struct MemberRow {
    id: Hyphenated,
    display_name: String,
    display_name_kana: String,
    profession: String,
    facility_name: Option<String>,
    role: String,
    relationship: Option<String>,
    joined_at_ms: i64,
}

impl MemberRow {
    fn into_member(self) -> Member {
        let role = MemberRole::parse(&self.role);
        Member {
            person: Author {
                id: self.id.into_uuid(),
                display_name: self.display_name,
                profession: Profession::parse(&self.profession),
                facility_name: self.facility_name,
            },
            display_name_kana: self.display_name_kana,
            role,
            relationship: (role == MemberRole::Family)
                .then(|| self.relationship.as_deref().map(Relationship::parse))
                .flatten(),
            joined_at: from_ms(self.joined_at_ms),
        }
    }
}

const SELECT_MEMBERS: &str = "SELECT u.id, u.display_name, u.display_name_kana, u.profession,
        f.name AS facility_name, m.role, u.relationship, m.joined_at_ms
    FROM group_members m
    JOIN users u ON u.id = m.user_id
    LEFT JOIN facilities f ON f.id = u.facility_id
    WHERE m.group_id = ?";

pub async fn fetch_member(
    db: impl SqliteExecutor<'_>,
    group_id: Uuid,
    user_id: Uuid,
) -> Result<Member, StoreError> {
    let row: MemberRow = sqlx::query_as(&format!("{SELECT_MEMBERS} AND m.user_id = ?"))
        .bind(group_id.hyphenated())
        .bind(user_id.hyphenated())
        .fetch_optional(db)
        .await?
        .ok_or(Denied::NotFound)?;
    Ok(row.into_member())
}

impl SqliteStore {
    pub async fn members_of(
        &self,
        group_id: Uuid,
        with_pending: bool,
    ) -> Result<MemberList, StoreError> {
        let rows: Vec<MemberRow> = sqlx::query_as(&format!(
            "{SELECT_MEMBERS}
             ORDER BY CASE m.role WHEN 'admin' THEN 0 WHEN 'member' THEN 1 ELSE 2 END,
                      u.display_name_kana, u.id"
        ))
        .bind(group_id.hyphenated())
        .fetch_all(&self.read)
        .await?;
        let pending = if with_pending {
            pending_of_group(&self.read, group_id).await?
        } else {
            Vec::new()
        };
        Ok(MemberList {
            items: rows.into_iter().map(MemberRow::into_member).collect(),
            pending,
        })
    }
}
