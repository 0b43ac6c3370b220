//! Store operations not yet written for PostgreSQL: each answers an error naming itself, so a
//! PostgreSQL server fails loudly (500) on them instead of doing something else. Issue 9
//! empties this file.

#![allow(unused_variables, clippy::unused_async)]

use std::net::IpAddr;

use tsunagu_api::{
    DirectoryPerson, FacilitySummary, Group, GroupKind, Invitation, Member, MemberList, MemberRole,
    Profession, SearchHit,
};
use uuid::Uuid;

use super::PgStore;
use crate::audit::Entry;
use crate::cursor::Cursor;
use crate::domain::membership::Membership;
use crate::store::{Added, DirectoryQuery, GroupEdit, NewGroupRow, StoreError};

fn not_ported(operation: &str) -> StoreError {
    StoreError::Other(anyhow::anyhow!(
        "{operation} is not available on PostgreSQL yet"
    ))
}

impl PgStore {
    pub async fn groups_of(
        &self,
        user: Uuid,
        kind: Option<GroupKind>,
        before: Option<Cursor>,
        limit: i64,
    ) -> Result<Vec<(Group, Cursor)>, StoreError> {
        Err(not_ported("groups_of"))
    }

    pub async fn is_professional(
        &self,
        user: Uuid,
        profession: Profession,
        group: Option<Uuid>,
    ) -> Result<bool, StoreError> {
        Err(not_ported("is_professional"))
    }

    pub async fn is_any_professional(&self, user: Uuid) -> Result<bool, StoreError> {
        Err(not_ported("is_any_professional"))
    }

    pub async fn create_group(&self, new: NewGroupRow<'_>) -> Result<Group, StoreError> {
        Err(not_ported("create_group"))
    }

    pub async fn update_group(&self, edit: GroupEdit) -> Result<(Group, bool), StoreError> {
        Err(not_ported("update_group"))
    }

    pub async fn add_member(
        &self,
        caller: Uuid,
        group_id: Uuid,
        user: Uuid,
        role: MemberRole,
        needs_approval: bool,
        ip: Option<IpAddr>,
    ) -> Result<Added, StoreError> {
        Err(not_ported("add_member"))
    }

    pub async fn update_member(
        &self,
        caller: Uuid,
        group_id: Uuid,
        user_id: Uuid,
        role: MemberRole,
        ip: Option<IpAddr>,
    ) -> Result<Member, StoreError> {
        Err(not_ported("update_member"))
    }

    pub async fn remove_member(
        &self,
        caller: Uuid,
        group_id: Uuid,
        user_id: Uuid,
        leaving: bool,
        ip: Option<IpAddr>,
    ) -> Result<Option<Invitation>, StoreError> {
        Err(not_ported("remove_member"))
    }

    pub async fn archive_group(
        &self,
        caller: Uuid,
        group_id: Uuid,
        audit: Entry,
    ) -> Result<Group, StoreError> {
        Err(not_ported("archive_group"))
    }

    pub async fn group(&self, user: Uuid, group_id: Uuid) -> Result<Option<Group>, StoreError> {
        Err(not_ported("group"))
    }

    pub async fn membership(
        &self,
        group_id: Uuid,
        user_id: Uuid,
    ) -> Result<Option<Membership>, StoreError> {
        Err(not_ported("membership"))
    }

    pub async fn directory_people(
        &self,
        query: &DirectoryQuery<'_>,
    ) -> Result<Vec<DirectoryPerson>, StoreError> {
        Err(not_ported("directory_people"))
    }

    pub async fn facilities(&self) -> Result<Vec<FacilitySummary>, StoreError> {
        Err(not_ported("facilities"))
    }

    pub async fn search_posts(
        &self,
        user: Uuid,
        folded: &str,
        group_id: Option<Uuid>,
        before: Option<Cursor>,
        limit: i64,
    ) -> Result<Vec<(SearchHit, Cursor)>, StoreError> {
        Err(not_ported("search_posts"))
    }

    pub async fn open_direct(
        &self,
        me: Uuid,
        peer: Uuid,
        audit: impl FnOnce(Uuid) -> Entry + Send,
    ) -> Result<Option<(Group, bool)>, StoreError> {
        Err(not_ported("open_direct"))
    }

    pub async fn members_of(
        &self,
        group_id: Uuid,
        with_pending: bool,
    ) -> Result<MemberList, StoreError> {
        Err(not_ported("members_of"))
    }

    pub async fn waiting_for(&self, user: Uuid) -> Result<Vec<Invitation>, StoreError> {
        Err(not_ported("waiting_for"))
    }

    pub async fn links_of(&self, group_id: Uuid) -> Result<Vec<Invitation>, StoreError> {
        Err(not_ported("links_of"))
    }
}

impl PgStore {
    pub async fn decide_invitation(
        &self,
        decide: crate::store::Decide,
    ) -> Result<Invitation, StoreError> {
        Err(not_ported("decide_invitation"))
    }

    pub async fn create_link(
        &self,
        link: crate::store::NewLink<'_>,
    ) -> Result<Invitation, StoreError> {
        Err(not_ported("create_link"))
    }

    pub async fn revoke_link(
        &self,
        caller: Uuid,
        group_id: Uuid,
        link_id: Uuid,
        ip: Option<IpAddr>,
    ) -> Result<(), StoreError> {
        Err(not_ported("revoke_link"))
    }

    pub async fn open_link(
        &self,
        token_hash: &str,
    ) -> Result<Option<crate::store::OpenLink>, StoreError> {
        Err(not_ported("open_link"))
    }

    pub async fn join_family(
        &self,
        join: crate::store::JoinFamily<'_>,
    ) -> Result<tsunagu_api::Me, StoreError> {
        Err(not_ported("join_family"))
    }
}
