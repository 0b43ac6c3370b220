//! Changing a post after the fact on PostgreSQL: edit, soft delete, and the history that keeps
//! every version. Concurrent changes of one post are decided by a conditional `UPDATE` on its
//! version (see README.md, *Check-then-insert under concurrency*).

use sqlx::PgConnection;
use tsunagu_api::{Importance, LiveEvent, MemberRole, Post, PostRevision};
use uuid::Uuid;

use super::posts::{
    check_mentions, fetch_post, lock_group_for_write, refuse_nul, store_mentions, GroupLock,
};
use super::write_tx::WriteTx;
use super::PgStore;
use crate::audit::Entry;
use crate::domain::membership::{Denied, Membership};
use crate::store::rows::{PostRow, RevisionRow, SELECT_REVISIONS};
use crate::store::{EditPost, Refusal, StoreError, Versions};
use crate::time::now_ms;

/// The post in this group whose timeline the caller may read, as the caller sees it.
async fn readable_post(
    db: &mut PgConnection,
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

/// The versions a change may replace, as the conditional `UPDATE` binds them (`NULL`: any).
fn allowed_versions(versions: &Versions) -> Option<&[i64]> {
    match versions {
        Versions::Absent | Versions::Any => None,
        Versions::OneOf(list) => Some(list),
    }
}

impl PgStore {
    /// See [`crate::store::Store::edit_post`]. The checks run on the post as read; the write
    /// is `UPDATE … WHERE version = ANY(If-Match) AND deleted_at_ms IS NULL`, which PostgreSQL
    /// re-evaluates on the newest row version after waiting for a concurrent writer of the
    /// post, so the version compared is the version replaced: of two edits against the same
    /// version one succeeds, the other matches no row and is refused (412, or 409 if the post
    /// was deleted). The group's share lock keeps archiving and membership changes out until
    /// commit.
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
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        let group = lock_group_for_write(tx.conn(), group_id, author, GroupLock::Share).await?;
        group.require_member()?;
        let row = readable_post(tx.conn(), me, author, group_id, post_id).await?;
        require_author(&row, author)?;
        if *versions == Versions::Absent {
            return Err(Refusal::PreconditionRequired.into());
        }
        me.require_writable()?;
        group.require_writable()?;
        if row.is_deleted() {
            return Err(Refusal::PostDeleted.into());
        }
        if !versions.allows(row.version()) {
            return Err(Refusal::PreconditionFailed.into());
        }
        tsunagu_api::validate_post_body(&edit.body).map_err(|code| Refusal::Field("body", code))?;
        refuse_nul("body", &edit.body)?;
        let timeline = row.timeline();
        let mentions = match &edit.mentions {
            Some(list) => Some(check_mentions(tx.conn(), group_id, timeline, list).await?),
            None => None,
        };
        // The version bump makes the trigger store the revision (kind `edited`).
        let updated = sqlx::query(
            "UPDATE posts SET body = $2, search_text = $3, importance = COALESCE($4, importance),
                 edited_at_ms = $5, version = version + 1
             WHERE id = $1 AND deleted_at_ms IS NULL
               AND ($6::bigint[] IS NULL OR version = ANY($6))",
        )
        .bind(post_id)
        .bind(&edit.body)
        .bind(crate::db::search_text(&edit.body))
        .bind(edit.importance.map(Importance::as_str))
        .bind(now_ms())
        .bind(allowed_versions(versions))
        .execute(tx.conn())
        .await?
        .rows_affected();
        if updated == 0 {
            // Changed by someone else since we read it.
            let now = readable_post(tx.conn(), me, author, group_id, post_id).await?;
            return Err(if now.is_deleted() {
                Refusal::PostDeleted
            } else {
                Refusal::PreconditionFailed
            }
            .into());
        }
        if let Some(mentions) = mentions {
            store_mentions(tx.conn(), post_id, &mentions).await?;
        }
        let row = readable_post(tx.conn(), me, author, group_id, post_id).await?;
        let (post, shared) = views(row);
        tx.event(group_id, Some(timeline), &LiveEvent::PostUpdated(shared));
        tx.audit(audit).await?;
        tx.commit().await?;
        Ok(post)
    }

    /// See [`crate::store::Store::delete_post`]. Decided like [`Self::edit_post`] by a
    /// conditional `UPDATE`: a concurrent delete that got there first leaves no row to match,
    /// and this one answers the tombstone (as a retried delete does).
    pub async fn delete_post(
        &self,
        me: &Membership,
        author: Uuid,
        group_id: Uuid,
        post_id: Uuid,
        versions: &Versions,
        audit: Entry,
    ) -> Result<Post, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        let group = lock_group_for_write(tx.conn(), group_id, author, GroupLock::Share).await?;
        group.require_member()?;
        let row = readable_post(tx.conn(), me, author, group_id, post_id).await?;
        require_author(&row, author)?;
        me.require_writable()?;
        group.require_writable()?;
        if row.is_deleted() {
            // A retried delete: the tombstone again, nothing written.
            return Ok(row.into_post());
        }
        if !versions.allows(row.version()) {
            return Err(Refusal::PreconditionFailed.into());
        }
        // The text goes from the row (so no reader, preview or search can show it) but stays
        // in post_revisions; the version bump makes the trigger store the `deleted` revision.
        let updated = sqlx::query(
            "UPDATE posts SET body = '', deleted_at_ms = $2, version = version + 1
             WHERE id = $1 AND deleted_at_ms IS NULL
               AND ($3::bigint[] IS NULL OR version = ANY($3))",
        )
        .bind(post_id)
        .bind(now_ms())
        .bind(allowed_versions(versions))
        .execute(tx.conn())
        .await?
        .rows_affected();
        let row = readable_post(tx.conn(), me, author, group_id, post_id).await?;
        if updated == 0 {
            // Changed by someone else since we read it: deleted (its tombstone), or edited.
            return if row.is_deleted() {
                Ok(row.into_post())
            } else {
                Err(Refusal::PreconditionFailed.into())
            };
        }
        let timeline = row.timeline();
        let (post, shared) = views(row);
        tx.event(group_id, Some(timeline), &LiveEvent::PostDeleted(shared));
        tx.audit(audit).await?;
        tx.commit().await?;
        Ok(post)
    }

    /// See [`crate::store::Store::post_history`].
    pub async fn post_history(
        &self,
        me: &Membership,
        caller: Uuid,
        group_id: Uuid,
        post_id: Uuid,
        audit: Entry,
    ) -> Result<Vec<PostRevision>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let row = readable_post(&mut conn, me, caller, group_id, post_id).await?;
        if me.role != MemberRole::Admin && row.author_id() != caller {
            return Err(Denied::Forbidden.into());
        }
        let rows: Vec<RevisionRow> = sqlx::query_as(&format!(
            "{SELECT_REVISIONS} WHERE r.post_id = $1 ORDER BY r.version"
        ))
        .bind(post_id)
        .fetch_all(&mut *conn)
        .await?;
        drop(conn);
        self.audit(audit).await?;
        Ok(rows.into_iter().map(RevisionRow::into_revision).collect())
    }
}
