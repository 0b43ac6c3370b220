//! Read receipts and acknowledgements (既読・見ました) on PostgreSQL, and the urgent posts
//! waiting for a caller's acknowledgement.

use tsunagu_api::{AckUpdate, LiveEvent, Post, PostReceipts, UrgentItem};
use uuid::Uuid;

use super::posts::{
    fetch_post, lock_group_for_write, select_posts_with, GroupLock, GROUP_NAME_COLUMN,
};
use super::users::{author_in, record_audit};
use super::write_tx::WriteTx;
use super::PgStore;
use crate::audit::Entry;
use crate::domain::membership::{Denied, Membership};
use crate::store::rows::{PostInGroupRow, ReceiptRow};
use crate::store::{Refusal, StoreError};
use crate::time::{from_ms, now_ms};

/// Most urgent posts listed at once.
const MAX_URGENT: i64 = 100;

/// Who did it (`table` is `post_reads` or `post_acks`, `at` its time column), oldest first.
/// Bind: the post.
fn done_sql(table: &str, at: &str) -> String {
    format!(
        "SELECT u.id, u.display_name, u.profession, f.name AS facility_name, x.{at} AS at_ms
         FROM {table} x
         JOIN users u ON u.id = x.user_id
         LEFT JOIN facilities f ON f.id = u.facility_id
         WHERE x.post_id = $1
         ORDER BY x.{at}, u.id"
    )
}

/// Current members who may read the post's timeline, other than its author, who have not done
/// it. Binds: group, timeline, author, post. The kana sort bytewise (`COLLATE "C"`), as
/// SQLite's BINARY does, whatever the database's locale.
fn not_done_sql(table: &str) -> String {
    format!(
        "SELECT u.id, u.display_name, u.profession, f.name AS facility_name,
                NULL::bigint AS at_ms
         FROM group_members m
         JOIN users u ON u.id = m.user_id
         LEFT JOIN facilities f ON f.id = u.facility_id
         WHERE m.group_id = $1 AND (m.role <> 'family' OR $2 = 'family') AND m.user_id <> $3
           AND NOT EXISTS (SELECT 1 FROM {table} x WHERE x.post_id = $4 AND x.user_id = m.user_id)
         ORDER BY u.display_name_kana COLLATE \"C\", u.id"
    )
}

/// The urgent list; one bind, the caller (group names, `acked_by_me`, membership). Per group
/// of the caller's, a range of the partial index posts_urgent; then the few urgent posts are
/// sorted.
fn urgent_sql() -> String {
    format!(
        "{} JOIN groups g ON g.id = p.group_id
         JOIN group_members m ON m.group_id = p.group_id AND m.user_id = $1
         WHERE p.importance = 'urgent' AND p.deleted_at_ms IS NULL
           AND p.author_id <> m.user_id AND (m.role <> 'family' OR p.timeline = 'family')
           AND NOT EXISTS (SELECT 1 FROM post_acks ua
                           WHERE ua.post_id = p.id AND ua.user_id = m.user_id)
         ORDER BY p.created_at_ms, p.id LIMIT {MAX_URGENT}",
        select_posts_with(GROUP_NAME_COLUMN)
    )
}

impl PgStore {
    /// See [`crate::store::Store::post_receipts`]. One `REPEATABLE READ` transaction: the four
    /// lists are read from one snapshot, as SQLite's single writer gives.
    pub async fn post_receipts(
        &self,
        me: &Membership,
        group_id: Uuid,
        post_id: Uuid,
        audit: Entry,
    ) -> Result<PostReceipts, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            .execute(&mut *tx)
            .await?;
        let row = fetch_post(&mut *tx, None, group_id, post_id)
            .await?
            .ok_or(Denied::NotFound)?;
        let timeline = row.timeline();
        me.require_timeline(timeline)?;
        let author = row.author_id();
        let mut lists = Vec::new();
        for (table, at) in [("post_reads", "read_at_ms"), ("post_acks", "acked_at_ms")] {
            let done: Vec<ReceiptRow> = sqlx::query_as(&done_sql(table, at))
                .bind(post_id)
                .fetch_all(&mut *tx)
                .await?;
            let missing: Vec<ReceiptRow> = sqlx::query_as(&not_done_sql(table))
                .bind(group_id)
                .bind(timeline.as_str())
                .bind(author)
                .bind(post_id)
                .fetch_all(&mut *tx)
                .await?;
            lists.push((done, missing));
        }
        record_audit(&mut tx, audit).await?;
        tx.commit().await?;
        let (acks, reads) = (lists.pop(), lists.pop());
        let (Some((read, not_read)), Some((acknowledged, not_acknowledged))) = (reads, acks) else {
            return Err(anyhow::anyhow!("receipt lists missing").into());
        };
        Ok(PostReceipts {
            post_id,
            read: read.into_iter().map(ReceiptRow::receipt).collect(),
            acknowledged: acknowledged.into_iter().map(ReceiptRow::receipt).collect(),
            not_read: not_read.into_iter().map(ReceiptRow::author).collect(),
            not_acknowledged: not_acknowledged
                .into_iter()
                .map(ReceiptRow::author)
                .collect(),
        })
    }

    /// See [`crate::store::Store::ack_post`]. The ack is `INSERT … ON CONFLICT DO NOTHING`:
    /// of concurrent acks by one person exactly one inserts, and only that one appends
    /// `ack.updated`. Before checking, it share-locks the group (no archiving until commit)
    /// and locks the post row `FOR NO KEY UPDATE`: a deletion cannot commit between the check
    /// and the insert, and acks of one post by different people commit one after the other,
    /// so each event's `ack_count` counts every ack before it.
    pub async fn ack_post(
        &self,
        me: &Membership,
        group_id: Uuid,
        post_id: Uuid,
        user: Uuid,
        audit: Entry,
    ) -> Result<Post, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        let group = lock_group_for_write(tx.conn(), group_id, user, GroupLock::Share).await?;
        group.require_member()?;
        sqlx::query("SELECT 1 FROM posts WHERE id = $1 AND group_id = $2 FOR NO KEY UPDATE")
            .bind(post_id)
            .bind(group_id)
            .execute(tx.conn())
            .await?;
        let row = fetch_post(tx.conn(), None, group_id, post_id)
            .await?
            .ok_or(Denied::NotFound)?;
        me.require_timeline(row.timeline())?;
        if row.is_system() {
            return Err(Denied::Forbidden.into());
        }
        if row.is_deleted() {
            return Err(Refusal::PostDeleted.into());
        }
        // An archived group is read-only for acknowledgements too.
        me.require_writable()?;
        group.require_writable()?;
        let timeline = row.timeline();
        let now = now_ms();
        let inserted = sqlx::query(
            "INSERT INTO post_acks (post_id, user_id, acked_at_ms) VALUES ($1, $2, $3)
             ON CONFLICT (post_id, user_id) DO NOTHING",
        )
        .bind(post_id)
        .bind(user)
        .bind(now)
        .execute(tx.conn())
        .await?
        .rows_affected();
        let post = fetch_post(tx.conn(), Some(user), group_id, post_id)
            .await?
            .ok_or(Denied::NotFound)?
            .into_post();
        if inserted == 1 {
            let update = AckUpdate {
                group_id,
                timeline,
                post_id,
                user: author_in(tx.conn(), user).await?,
                ack_count: post.ack_count,
                at: from_ms(now),
            };
            tx.event(group_id, Some(timeline), &LiveEvent::AckUpdated(update));
        }
        tx.audit(audit).await?;
        tx.commit().await?;
        Ok(post)
    }

    /// See [`crate::store::Store::urgent_for`].
    pub async fn urgent_for(&self, user: Uuid) -> Result<Vec<UrgentItem>, StoreError> {
        let rows: Vec<PostInGroupRow> = sqlx::query_as(&urgent_sql())
            .bind(user)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| UrgentItem {
                group_name: r.group_name,
                post: r.post.into_post(),
            })
            .collect())
    }
}
