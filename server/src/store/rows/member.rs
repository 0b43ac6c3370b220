//! A group's members.

use tsunagu_api::{Author, Member, MemberRole, Profession, Relationship};

use crate::store::id::Id;
use crate::time::from_ms;

/// [`MemberRow`]'s select, the same on both backends; callers append the `WHERE` (on
/// `m.group_id`, and `m.user_id` for one member).
pub const SELECT_MEMBERS: &str = "SELECT u.id, u.display_name, u.display_name_kana,
        u.profession, f.name AS facility_name, m.role, u.relationship, m.joined_at_ms
    FROM group_members m
    JOIN users u ON u.id = m.user_id
    LEFT JOIN facilities f ON f.id = u.facility_id";

/// A member with their account and facility.
#[derive(Debug, sqlx::FromRow)]
pub struct MemberRow {
    id: Id,
    display_name: String,
    display_name_kana: String,
    profession: String,
    facility_name: Option<String>,
    role: String,
    relationship: Option<String>,
    joined_at_ms: i64,
}

impl MemberRow {
    pub fn into_member(self) -> Member {
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
