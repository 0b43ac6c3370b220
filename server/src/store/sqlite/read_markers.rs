//! Read markers and the read receipts (既読) they imply.

use sqlx::types::uuid::fmt::Hyphenated;
use tsunagu_api::{LiveEvent, ReadUpdate, Timeline};
use uuid::Uuid;

use super::write_tx::WriteTx;
use super::SqliteStore;
use crate::audit::Entry;
use crate::store::StoreError;
use crate::time::{from_ms, now_ms};

/// The read receipts of the posts a marker moved over. Binds: reader, time, group, timeline,
/// from ms, from ms, from id, to ms, to ms, to id, reader. One range of posts_by_timeline.
pub(super) const INSERT_RECEIPTS: &str =
    "INSERT OR IGNORE INTO post_reads (post_id, user_id, read_at_ms)
    SELECT p.id, ?, ? FROM posts p
    WHERE p.group_id = ? AND p.timeline = ?
      AND p.created_at_ms >= ? AND (p.created_at_ms > ? OR p.id > ?)
      AND p.created_at_ms <= ? AND (p.created_at_ms < ? OR p.id <= ?)
      AND p.system IS NULL AND p.author_id <> ?";

impl SqliteStore {
    /// Moves `reader`'s marker in a timeline forward to `up_to` (never back), gives every post
    /// it passes `reader`'s receipt and appends `read.updated`; `false` if no such post is in
    /// that timeline of the group. One transaction on the write connection: the previous
    /// marker read in it is the one replaced, so two tabs marking at once cannot both report
    /// the same move.
    pub async fn mark_read(
        &self,
        group_id: Uuid,
        timeline: Timeline,
        reader: Uuid,
        up_to: Uuid,
        audit: Entry,
    ) -> Result<bool, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let post_ms: Option<i64> = sqlx::query_scalar(
            "SELECT created_at_ms FROM posts WHERE id = ? AND group_id = ? AND timeline = ?",
        )
        .bind(up_to.hyphenated())
        .bind(group_id.hyphenated())
        .bind(timeline.as_str())
        .fetch_optional(tx.conn())
        .await?;
        let Some(post_ms) = post_ms else {
            return Ok(false);
        };
        let previous: Option<(i64, Hyphenated)> = sqlx::query_as(
            "SELECT up_to_ms, up_to_id FROM read_markers
             WHERE group_id = ? AND user_id = ? AND timeline = ?",
        )
        .bind(group_id.hyphenated())
        .bind(reader.hyphenated())
        .bind(timeline.as_str())
        .fetch_optional(tx.conn())
        .await?;
        let moved = previous.is_none_or(|(ms, id)| (post_ms, up_to) > (ms, id.into_uuid()));
        if moved {
            let now = now_ms();
            sqlx::query(
                "INSERT INTO read_markers (group_id, user_id, timeline, up_to_ms, up_to_id)
                 VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (group_id, user_id, timeline) DO UPDATE
                     SET up_to_ms = excluded.up_to_ms, up_to_id = excluded.up_to_id",
            )
            .bind(group_id.hyphenated())
            .bind(reader.hyphenated())
            .bind(timeline.as_str())
            .bind(post_ms)
            .bind(up_to.hyphenated())
            .execute(tx.conn())
            .await?;
            // One statement for the whole stretch the marker moved over: (previous, up_to] of
            // posts_by_timeline. Posts up to the previous marker got their receipts when it
            // moved there (migration 0003 did it for older markers), so the range starts after
            // it; a post already read is skipped.
            let (from_ms_, from_id) = previous
                .map(|(ms, id)| (ms, id.into_uuid().hyphenated().to_string()))
                .unwrap_or((i64::MIN, String::new()));
            sqlx::query(INSERT_RECEIPTS)
                .bind(reader.hyphenated())
                .bind(now)
                .bind(group_id.hyphenated())
                .bind(timeline.as_str())
                .bind(from_ms_)
                .bind(from_ms_)
                .bind(&from_id)
                .bind(post_ms)
                .bind(post_ms)
                .bind(up_to.hyphenated())
                .bind(reader.hyphenated())
                .execute(tx.conn())
                .await?;
            let update = ReadUpdate {
                group_id,
                timeline,
                reader: super::author_in(tx.conn(), reader).await?,
                previous: previous.map(|(_, id)| id.into_uuid()),
                up_to,
                at: from_ms(now),
            };
            tx.event(group_id, Some(timeline), &LiveEvent::ReadUpdated(update))
                .await?;
        }
        tx.audit(audit).await?;
        tx.commit().await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Moving a marker reads one index range of the timeline, however long the timeline is.
    #[tokio::test]
    async fn receipts_come_from_one_index_range() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let db = crate::db::connect_sqlite(&url).await.unwrap();
        let plan: Vec<String> = sqlx::query_as::<_, (i64, i64, i64, String)>(&format!(
            "EXPLAIN QUERY PLAN {INSERT_RECEIPTS}"
        ))
        .bind("u")
        .bind(1_i64)
        .bind("g")
        .bind("care")
        .bind(1_i64)
        .bind(1_i64)
        .bind("a")
        .bind(2_i64)
        .bind(2_i64)
        .bind("b")
        .bind("u")
        .fetch_all(&db.read)
        .await
        .unwrap()
        .into_iter()
        .map(|(.., detail)| detail)
        .collect();
        let plan = plan.join("\n");
        assert!(
            plan.contains(
                "SEARCH p USING INDEX posts_by_timeline \
                 (group_id=? AND timeline=? AND created_at_ms>? AND created_at_ms<?)"
            ),
            "{plan}"
        );
    }
}
