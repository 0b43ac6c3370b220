//! Client calls of invitations: the physician's inbox, one-time links, joining by link.

use gloo_net::http::Method;
use tsunagu_api::{
    DeclineInvitation, Invitation, InvitationKind, InvitationLink, InvitationList, JoinAsFamily,
    JoinInfo, NewInvitationLink, Session,
};
use uuid::Uuid;

use super::{encode_query_value, to_json, ApiError, Client};

/// `GET /invitations` read for its length only.
#[derive(serde::Deserialize)]
struct InvitationCount {
    items: Vec<serde::de::IgnoredAny>,
}

impl Client {
    /// How many invitations wait for my approval (`GET /invitations`, counted without reading
    /// them: the nurse's app shows only the number, and carries no parser for invitations).
    pub async fn invitation_count(&self) -> Result<usize, ApiError> {
        let list: InvitationCount = self.get_json("/invitations").await?;
        Ok(list.items.len())
    }

    /// `GET /invitations`: waiting for my approval as attending physician.
    pub async fn invitations(&self) -> Result<InvitationList, ApiError> {
        self.get_json("/invitations").await
    }

    /// `POST /invitations/{id}/approve`.
    pub async fn approve_invitation(&self, id: Uuid) -> Result<Invitation, ApiError> {
        self.send_json(Method::POST, &format!("/invitations/{id}/approve"), None)
            .await
    }

    /// `POST /invitations/{id}/decline` with the reason.
    pub async fn decline_invitation(&self, id: Uuid, reason: &str) -> Result<Invitation, ApiError> {
        let body = to_json(&DeclineInvitation {
            reason: reason.to_owned(),
        })?;
        self.send_json(
            Method::POST,
            &format!("/invitations/{id}/decline"),
            Some(body),
        )
        .await
    }

    /// `POST /groups/{id}/invitation-links` (admins).
    pub async fn create_link(
        &self,
        group: Uuid,
        kind: InvitationKind,
    ) -> Result<InvitationLink, ApiError> {
        self.send_json(
            Method::POST,
            &format!("/groups/{group}/invitation-links"),
            Some(to_json(&NewInvitationLink { kind })?),
        )
        .await
    }

    /// `GET /groups/{id}/invitation-links` (admins).
    pub async fn links(&self, group: Uuid) -> Result<InvitationList, ApiError> {
        self.get_json(&format!("/groups/{group}/invitation-links"))
            .await
    }

    /// `DELETE /groups/{id}/invitation-links/{invitation}` (admins).
    pub async fn revoke_link(&self, group: Uuid, invitation: Uuid) -> Result<(), ApiError> {
        self.send_empty(
            Method::DELETE,
            &format!("/groups/{group}/invitation-links/{invitation}"),
            None,
        )
        .await
    }

    /// `GET /join/{token}` (no login).
    pub async fn join_info(&self, token: &str) -> Result<JoinInfo, ApiError> {
        self.get_json(&format!("/join/{}", encode_query_value(token)))
            .await
    }

    /// `POST /join/{token}` (no login): creates the family account and logs in.
    pub async fn join_as_family(
        &self,
        token: &str,
        req: &JoinAsFamily,
    ) -> Result<Session, ApiError> {
        self.send_json(
            Method::POST,
            &format!("/join/{}", encode_query_value(token)),
            Some(to_json(req)?),
        )
        .await
    }
}
