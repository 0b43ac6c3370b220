//! Client calls of a group's members.

use gloo_net::http::Method;
use serde::Deserialize;
use tsunagu_api::{AddMember, Author, Invitation, Member, MemberList, MemberRole, MemberUpdate};
use uuid::Uuid;

use super::{decode, to_json, ApiError, Client};

/// What adding a member did: it took effect (201), or it waits for the attending physician
/// (202).
#[derive(Debug, Clone, PartialEq)]
pub enum AddOutcome {
    /// The person is a member now.
    Added(Member),
    /// The invitation waits for the attending physician's approval.
    Pending(Box<Invitation>),
}

/// A member as @-completion reads them from `GET /groups/{id}/members`: only what it needs,
/// so the nurse's app carries no parser for the rest of the list (join dates, the pending
/// invitations), which only the management pages show (docs/performance.md).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MentionMember {
    /// Who.
    pub person: Author,
    /// The reading of the name in kana.
    pub display_name_kana: String,
    /// Their role (family members can't be mentioned in the care timeline).
    pub role: MemberRole,
}

/// `GET /groups/{id}/members` read for its members only.
#[derive(Deserialize)]
struct MentionMembers {
    items: Vec<MentionMember>,
}

impl Client {
    /// `GET /groups/{id}/members`, read for @-completion ([`MentionMember`]).
    pub async fn mention_members(&self, group: Uuid) -> Result<Vec<MentionMember>, ApiError> {
        let list: MentionMembers = self.get_json(&format!("/groups/{group}/members")).await?;
        Ok(list.items)
    }

    /// `GET /groups/{id}/members`.
    pub async fn members(&self, group: Uuid) -> Result<MemberList, ApiError> {
        self.get_json(&format!("/groups/{group}/members")).await
    }

    /// `POST /groups/{id}/members` (admins): 201 with the member, or 202 with the pending
    /// invitation.
    pub async fn add_member(
        &self,
        group: Uuid,
        user_id: Uuid,
        role: MemberRole,
    ) -> Result<AddOutcome, ApiError> {
        let body = to_json(&AddMember { user_id, role })?;
        let resp = self
            .fetch(
                Method::POST,
                &format!("/groups/{group}/members"),
                Some(body),
                None,
            )
            .await?;
        if resp.status() == 202 {
            decode(resp).await.map(|i| AddOutcome::Pending(Box::new(i)))
        } else {
            decode(resp).await.map(AddOutcome::Added)
        }
    }

    /// `PATCH /groups/{id}/members/{user}`: changes a role.
    pub async fn update_member(
        &self,
        group: Uuid,
        user_id: Uuid,
        role: MemberRole,
    ) -> Result<Member, ApiError> {
        self.send_json(
            Method::PATCH,
            &format!("/groups/{group}/members/{user_id}"),
            Some(to_json(&MemberUpdate { role })?),
        )
        .await
    }

    /// `DELETE /groups/{id}/members/{user}`: removes a member (yourself: leave). `true` when
    /// the member is the attending physician and the removal waits for their decision (202).
    pub async fn remove_member(&self, group: Uuid, user_id: Uuid) -> Result<bool, ApiError> {
        let resp = self
            .fetch(
                Method::DELETE,
                &format!("/groups/{group}/members/{user_id}"),
                None,
                None,
            )
            .await?;
        Ok(resp.status() == 202)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use tsunagu_api::{
        GroupKind, GroupRef, InvitationKind, InvitationStatus, Profession, Relationship,
    };

    /// The narrow reading must accept what the server sends, pending invitations and all, and
    /// keep each member's person, reading and role.
    #[test]
    fn mention_members_read_a_full_member_list() {
        let person = |n: u128, name: &str, profession| Author {
            id: Uuid::from_u128(n),
            display_name: name.into(),
            profession,
            facility_name: Some("訪問看護ステーション".into()),
        };
        let at = Utc.timestamp_millis_opt(1_700_000_000_123).unwrap();
        let full = MemberList {
            items: vec![
                Member {
                    person: person(1, "田中 美咲", Profession::Nurse),
                    display_name_kana: "たなか みさき".into(),
                    role: MemberRole::Admin,
                    relationship: None,
                    joined_at: at,
                },
                Member {
                    person: person(2, "山田 花子", Profession::Family),
                    display_name_kana: "やまだ はなこ".into(),
                    role: MemberRole::Family,
                    relationship: Some(Relationship::Child),
                    joined_at: at,
                },
            ],
            pending: vec![Invitation {
                id: Uuid::from_u128(9),
                kind: InvitationKind::Member,
                status: InvitationStatus::PendingPhysician,
                group: GroupRef {
                    id: Uuid::from_u128(10),
                    kind: GroupKind::Patient,
                    name: "山田 太郎 様".into(),
                },
                invitee: Some(person(3, "佐藤 健一", Profession::Physician)),
                role: MemberRole::Member,
                invited_by: person(1, "田中 美咲", Profession::Nurse),
                created_at: at,
                expires_at: None,
                decided_by: None,
                decided_at: None,
                decline_reason: None,
            }],
        };
        let json = serde_json::to_string(&full).unwrap();
        let read: MentionMembers = serde_json::from_str(&json).unwrap();
        let expected: Vec<MentionMember> = full
            .items
            .iter()
            .map(|m| MentionMember {
                person: m.person.clone(),
                display_name_kana: m.display_name_kana.clone(),
                role: m.role,
            })
            .collect();
        assert_eq!(read.items, expected);
    }
}
