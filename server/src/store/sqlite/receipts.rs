//! Read receipts and acknowledgements (既読・見ました), and the urgent posts waiting for a
//! caller's acknowledgement.

use tsunagu_api::{AckUpdate, LiveEvent, Post, PostReceipts, UrgentItem};
use uuid::Uuid;

use super::audit;
use super::posts::{
    fetch_post, require_writer, select_posts_with, PostInGroupRow, GROUP_NAME_COLUMN,
};
use super::write_tx::WriteTx;
use super::SqliteStore;
use crate::audit::Entry;
use crate::domain::membership::{Denied, Membership};
use crate::store::rows::ReceiptRow;
use crate::store::{Refusal, StoreError};
use crate::time::{from_ms, now_ms};

/// Most urgent posts listed at once.
const MAX_URGENT: i64 = 100;

/// Who did it (`table` is `post_reads` or `post_acks`, `at` its time column), oldest first.
fn done_sql(table: &str, at: &str) -> String {
    format!(
        "SELECT u.id, u.display_name, u.profession, f.name AS facility_name, x.{at} AS at_ms
         FROM {table} x
         JOIN users u ON u.id = x.user_id
         LEFT JOIN facilities f ON f.id = u.facility_id
         WHERE x.post_id = ?
         ORDER BY x.{at}, u.id"
    )
}

/// Current members who may read the post's timeline, other than its author, who have not done
/// it. Binds: group, timeline, author, post.
fn not_done_sql(table: &str) -> String {
    format!(
        "SELECT u.id, u.display_name, u.profession, f.name AS facility_name, NULL AS at_ms
         FROM group_members m
         JOIN users u ON u.id = m.user_id
         LEFT JOIN facilities f ON f.id = u.facility_id
         WHERE m.group_id = ? AND (m.role <> 'family' OR ? = 'family') AND m.user_id <> ?
           AND NOT EXISTS (SELECT 1 FROM {table} x WHERE x.post_id = ? AND x.user_id = m.user_id)
         ORDER BY u.display_name_kana, u.id"
    )
}

/// The urgent list; binds: viewer (group name), viewer (`acked_by_me`), caller (membership).
/// Per group of the caller's, a range of the partial index posts_urgent; then the few urgent
/// posts are sorted.
fn urgent_sql() -> String {
    format!(
        "{} JOIN groups g ON g.id = p.group_id
         JOIN group_members m ON m.group_id = p.group_id AND m.user_id = ?
         WHERE p.importance = 'urgent' AND p.deleted_at_ms IS NULL
           AND p.author_id <> m.user_id AND (m.role <> 'family' OR p.timeline = 'family')
           AND NOT EXISTS (SELECT 1 FROM post_acks ua
                           WHERE ua.post_id = p.id AND ua.user_id = m.user_id)
         ORDER BY p.created_at_ms, p.id LIMIT {MAX_URGENT}",
        select_posts_with(GROUP_NAME_COLUMN)
    )
}

impl SqliteStore {
    /// Who read and who acknowledged a post, and who has not yet, as one snapshot (one
    /// transaction: the four lists describe one moment), audited.
    pub async fn post_receipts(
        &self,
        me: &Membership,
        group_id: Uuid,
        post_id: Uuid,
        audit: Entry,
    ) -> Result<PostReceipts, StoreError> {
        let mut tx = self.writer.begin().await?;
        let row = fetch_post(&mut *tx, None, group_id, post_id)
            .await?
            .ok_or(Denied::NotFound)?;
        let timeline = row.timeline();
        me.require_timeline(timeline)?;
        let author = row.author_id();
        let mut lists = Vec::new();
        for (table, at) in [("post_reads", "read_at_ms"), ("post_acks", "acked_at_ms")] {
            let done: Vec<ReceiptRow> = sqlx::query_as(&done_sql(table, at))
                .bind(post_id.hyphenated())
                .fetch_all(&mut *tx)
                .await?;
            let missing: Vec<ReceiptRow> = sqlx::query_as(&not_done_sql(table))
                .bind(group_id.hyphenated())
                .bind(timeline.as_str())
                .bind(author.hyphenated())
                .bind(post_id.hyphenated())
                .fetch_all(&mut *tx)
                .await?;
            lists.push((done, missing));
        }
        audit::record(&mut tx, audit).await?;
        self.writer.commit(tx).await?;
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

    /// Acknowledges a post for `user`; idempotent, `ack.updated` the first time. Checked on
    /// the write connection, so a concurrent delete cannot slip in between check and insert.
    pub async fn ack_post(
        &self,
        me: &Membership,
        group_id: Uuid,
        post_id: Uuid,
        user: Uuid,
        audit: Entry,
    ) -> Result<Post, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
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
        require_writer(tx.conn(), group_id, user).await?;
        let timeline = row.timeline();
        let now = now_ms();
        let inserted = sqlx::query(
            "INSERT INTO post_acks (post_id, user_id, acked_at_ms) VALUES (?, ?, ?)
             ON CONFLICT (post_id, user_id) DO NOTHING",
        )
        .bind(post_id.hyphenated())
        .bind(user.hyphenated())
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
                user: super::author_in(tx.conn(), user).await?,
                ack_count: post.ack_count,
                at: from_ms(now),
            };
            tx.event(group_id, Some(timeline), &LiveEvent::AckUpdated(update))
                .await?;
        }
        tx.audit(audit).await?;
        tx.commit().await?;
        Ok(post)
    }

    /// Urgent posts waiting for `user`'s acknowledgement across their groups (see
    /// `urgent_sql`).
    pub async fn urgent_for(&self, user: Uuid) -> Result<Vec<UrgentItem>, StoreError> {
        let me = user.hyphenated();
        let rows: Vec<PostInGroupRow> = sqlx::query_as(&urgent_sql())
            .bind(me)
            .bind(me)
            .bind(me)
            .fetch_all(&self.read)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The urgent list starts from the caller's memberships and reaches posts through the
    /// partial urgent index, never scanning posts.
    #[tokio::test]
    async fn the_urgent_list_uses_the_urgent_index() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let db = crate::db::connect_sqlite(&url).await.unwrap();
        let plan: Vec<String> = sqlx::query_as::<_, (i64, i64, i64, String)>(&format!(
            "EXPLAIN QUERY PLAN {}",
            urgent_sql()
        ))
        .bind("u")
        .bind("u")
        .bind("u")
        .fetch_all(&db.read)
        .await
        .unwrap()
        .into_iter()
        .map(|(.., detail)| detail)
        .collect();
        let plan = plan.join("\n");
        assert!(plan.contains("USING INDEX posts_urgent"), "{plan}");
        assert!(plan.contains("group_members_by_user"), "{plan}");
        assert!(
            !plan.contains("SCAN p\n") && !plan.ends_with("SCAN p"),
            "{plan}"
        );
        assert!(!plan.contains("SCAN ua"), "{plan}");
    }
}
