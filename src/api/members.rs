//! Client calls of a group's members.

use gloo_net::http::Method;
use tsunagu_api::{AddMember, Invitation, Member, MemberList, MemberRole, MemberUpdate};
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

impl Client {
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
