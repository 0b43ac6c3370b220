//! Changing a post after the fact: edit, soft delete, and the history that keeps every
//! version. Only the author changes a post; nothing is physically deleted.

use tsunagu_api::{Importance, LiveEvent, MemberRole, Post, PostRevision};
use uuid::Uuid;

use super::posts::{check_mentions, fetch_post, require_writer, store_mentions, PostRow};
use super::write_tx::WriteTx;
use super::SqliteStore;
use crate::audit::Entry;
use crate::domain::membership::{Denied, Membership};
use crate::store::rows::{RevisionRow, SELECT_REVISIONS};
use crate::store::{EditPost, Refusal, StoreError, Versions};
use crate::time::now_ms;

/// The post in this group whose timeline the caller may read, as the caller sees it.
async fn readable_post(
    db: &mut sqlx::SqliteConnection,
    me: &Membership,
    caller: Uuid,
    group_id: Uuid,
    post_id: Uuid,
) -> Result<PostRow, StoreError> {
    let row = fetch_post(&mut *db, Some(caller), group_id, post_id)
        .await?
        .ok_or(Denied::NotFound)?;
    me.require_timeline(row.timeline())?;
    Ok(row)
}

/// Only the author changes a post; system entries belong to nobody.
fn require_author(row: &PostRow, caller: Uuid) -> Result<(), StoreError> {
    if row.is_system() || row.author_id() != caller {
        Err(Denied::Forbidden.into())
    } else {
        Ok(())
    }
}

/// The caller's post and everyone else's view of it (the event carries no one's ack).
fn views(row: PostRow) -> (Post, Post) {
    let mine = row.into_post();
    let shared = Post {
        acked_by_me: false,
        attachments: Vec::new(),
        ..mine.clone()
    };
    (mine, shared)
}

impl SqliteStore {
    pub async fn edit_post(&self, cmd: EditPost<'_>) -> Result<Post, StoreError> {
        let EditPost {
            me,
            author,
            group_id,
            post_id,
            versions,
            edit,
            audit,
        } = cmd;
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let row = readable_post(tx.conn(), me, author, group_id, post_id).await?;
        require_author(&row, author)?;
        if *versions == Versions::Absent {
            return Err(Refusal::PreconditionRequired.into());
        }
        me.require_writable()?;
        require_writer(tx.conn(), group_id, author).await?;
        if row.is_deleted() {
            return Err(Refusal::PostDeleted.into());
        }
        if !versions.allows(row.version()) {
            return Err(Refusal::PreconditionFailed.into());
        }
        tsunagu_api::validate_post_body(&edit.body).map_err(|code| Refusal::Field("body", code))?;
        let mentions = match &edit.mentions {
            Some(list) => Some(check_mentions(tx.conn(), group_id, row.timeline(), list).await?),
            None => None,
        };
        // The version bump makes the trigger store the revision (kind `edited`).
        sqlx::query(
            "UPDATE posts SET body = ?, search_text = ?, importance = COALESCE(?, importance),
                 edited_at_ms = ?, version = version + 1
             WHERE id = ?",
        )
        .bind(&edit.body)
        .bind(crate::db::search_text(&edit.body))
        .bind(edit.importance.map(Importance::as_str))
        .bind(now_ms())
        .bind(post_id.hyphenated())
        .execute(tx.conn())
        .await?;
        if let Some(mentions) = mentions {
            store_mentions(tx.conn(), post_id, &mentions).await?;
        }
        let row = readable_post(tx.conn(), me, author, group_id, post_id).await?;
        let timeline = row.timeline();
        let (post, shared) = views(row);
        tx.event(group_id, Some(timeline), &LiveEvent::PostUpdated(shared))
            .await?;
        tx.audit(audit).await?;
        tx.commit().await?;
        Ok(post)
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
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let row = readable_post(tx.conn(), me, author, group_id, post_id).await?;
        require_author(&row, author)?;
        me.require_writable()?;
        require_writer(tx.conn(), group_id, author).await?;
        if row.is_deleted() {
            // A retried delete: the tombstone again, nothing written.
            return Ok(row.into_post());
        }
        if !versions.allows(row.version()) {
            return Err(Refusal::PreconditionFailed.into());
        }
        // The text goes from the row (so no reader, preview or search can show it) but stays
        // in post_revisions; the version bump makes the trigger store the `deleted` revision.
        sqlx::query(
            "UPDATE posts SET body = '', deleted_at_ms = ?, version = version + 1 WHERE id = ?",
        )
        .bind(now_ms())
        .bind(post_id.hyphenated())
        .execute(tx.conn())
        .await?;
        let row = readable_post(tx.conn(), me, author, group_id, post_id).await?;
        let timeline = row.timeline();
        let (post, shared) = views(row);
        tx.event(group_id, Some(timeline), &LiveEvent::PostDeleted(shared))
            .await?;
        tx.audit(audit).await?;
        tx.commit().await?;
        Ok(post)
    }

    pub async fn post_history(
        &self,
        me: &Membership,
        caller: Uuid,
        group_id: Uuid,
        post_id: Uuid,
        audit: Entry,
    ) -> Result<Vec<PostRevision>, StoreError> {
        let mut conn = self.read.acquire().await?;
        let row = readable_post(&mut conn, me, caller, group_id, post_id).await?;
        if me.role != MemberRole::Admin && row.author_id() != caller {
            return Err(Denied::Forbidden.into());
        }
        let rows: Vec<RevisionRow> = sqlx::query_as(&format!(
            "{SELECT_REVISIONS} WHERE r.post_id = ? ORDER BY r.version"
        ))
        .bind(post_id.hyphenated())
        .fetch_all(&mut *conn)
        .await?;
        drop(conn);
        self.audit(audit).await?;
        Ok(rows.into_iter().map(RevisionRow::into_revision).collect())
    }
}
