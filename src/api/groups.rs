//! Client calls of groups: listing, creating, editing, archiving, direct messages.

use gloo_net::http::Method;
use tsunagu_api::{Group, GroupPage, GroupUpdate, NewGroup, OpenDirect};
use uuid::Uuid;

use super::{query, to_json, ApiError, Client};

impl Client {
    /// `GET /groups`: my groups, latest activity first.
    pub async fn groups(
        &self,
        limit: Option<u32>,
        before: Option<String>,
    ) -> Result<GroupPage, ApiError> {
        let q = query(&[("limit", limit.map(|l| l.to_string())), ("before", before)]);
        self.get_json(&format!("/groups{q}")).await
    }

    /// `GET /groups/{id}`.
    pub async fn group(&self, id: Uuid) -> Result<Group, ApiError> {
        self.get_json(&format!("/groups/{id}")).await
    }

    /// `POST /groups`: creates a group.
    pub async fn create_group(&self, new: &NewGroup) -> Result<Group, ApiError> {
        self.send_json(Method::POST, "/groups", Some(to_json(new)?))
            .await
    }

    /// `PATCH /groups/{id}` (admins).
    pub async fn update_group(&self, group: Uuid, update: &GroupUpdate) -> Result<Group, ApiError> {
        self.send_json(
            Method::PATCH,
            &format!("/groups/{group}"),
            Some(to_json(update)?),
        )
        .await
    }

    /// `POST /groups/{id}/archive` (admins).
    pub async fn archive_group(&self, group: Uuid) -> Result<Group, ApiError> {
        self.send_json(Method::POST, &format!("/groups/{group}/archive"), None)
            .await
    }

    /// `POST /direct`: opens (or reuses) the direct message with a person.
    pub async fn open_direct(&self, user_id: Uuid) -> Result<Group, ApiError> {
        self.send_json(
            Method::POST,
            "/direct",
            Some(to_json(&OpenDirect { user_id })?),
        )
        .await
    }
}
