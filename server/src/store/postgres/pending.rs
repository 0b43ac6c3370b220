//! Store operations not yet written for PostgreSQL: each answers an error naming itself, so a
//! PostgreSQL server fails loudly (500) on them instead of doing something else. Issue 9
//! empties this file.

#![allow(unused_variables, clippy::unused_async)]

use std::net::IpAddr;

use tsunagu_api::{DirectoryPerson, FacilitySummary, Invitation, SearchHit};
use uuid::Uuid;

use super::PgStore;
use crate::cursor::Cursor;
use crate::store::{DirectoryQuery, StoreError};

fn not_ported(operation: &str) -> StoreError {
    StoreError::Other(anyhow::anyhow!(
        "{operation} is not available on PostgreSQL yet"
    ))
}

impl PgStore {
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
