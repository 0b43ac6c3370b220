//! Store operations not yet written for PostgreSQL: each answers an error naming itself, so a
//! PostgreSQL server fails loudly (500) on them instead of doing something else. Issue 9
//! empties this file.

#![allow(unused_variables, clippy::unused_async)]

use tsunagu_api::{Importance, Post, PostReceipts, PostRevision, Timeline, UrgentItem};
use uuid::Uuid;

use super::PgStore;
use crate::audit::Entry;
use crate::domain::membership::Membership;
use crate::store::{CreatePost, CreatedPost, EditPost, PageAt, StoreError, TimelinePage, Versions};

fn not_ported(operation: &str) -> StoreError {
    StoreError::Other(anyhow::anyhow!(
        "{operation} is not available on PostgreSQL yet"
    ))
}

impl PgStore {
    pub async fn mark_read(
        &self,
        group_id: Uuid,
        timeline: Timeline,
        reader: Uuid,
        up_to: Uuid,
        audit: Entry,
    ) -> Result<bool, StoreError> {
        Err(not_ported("mark_read"))
    }

    pub async fn post_receipts(
        &self,
        me: &Membership,
        group_id: Uuid,
        post_id: Uuid,
        audit: Entry,
    ) -> Result<PostReceipts, StoreError> {
        Err(not_ported("post_receipts"))
    }

    pub async fn ack_post(
        &self,
        me: &Membership,
        group_id: Uuid,
        post_id: Uuid,
        user: Uuid,
        audit: Entry,
    ) -> Result<Post, StoreError> {
        Err(not_ported("ack_post"))
    }

    pub async fn urgent_for(&self, user: Uuid) -> Result<Vec<UrgentItem>, StoreError> {
        Err(not_ported("urgent_for"))
    }

    pub async fn timeline_page(
        &self,
        viewer: Uuid,
        group_id: Uuid,
        timeline: Timeline,
        at: PageAt,
        min_importance: Importance,
        limit: i64,
    ) -> Result<TimelinePage, StoreError> {
        Err(not_ported("timeline_page"))
    }

    pub async fn post(
        &self,
        viewer: Uuid,
        group_id: Uuid,
        post_id: Uuid,
    ) -> Result<Option<Post>, StoreError> {
        Err(not_ported("post"))
    }

    pub async fn create_post(&self, cmd: CreatePost<'_>) -> Result<CreatedPost, StoreError> {
        Err(not_ported("create_post"))
    }

    pub async fn edit_post(&self, cmd: EditPost<'_>) -> Result<Post, StoreError> {
        Err(not_ported("edit_post"))
    }

    pub async fn delete_post(
        &self,
        me: &Membership,
        author: Uuid,
        group_id: Uuid,
        post_id: Uuid,
        versions: &Versions,
        audit: Entry,
    ) -> Result<Post, StoreError> {
        Err(not_ported("delete_post"))
    }

    pub async fn post_history(
        &self,
        me: &Membership,
        caller: Uuid,
        group_id: Uuid,
        post_id: Uuid,
        audit: Entry,
    ) -> Result<Vec<PostRevision>, StoreError> {
        Err(not_ported("post_history"))
    }
}
