//! Read markers and the read receipts (既読) they imply, on PostgreSQL.

use tsunagu_api::{LiveEvent, ReadUpdate, Timeline};
use uuid::Uuid;

use super::users::author_in;
use super::write_tx::WriteTx;
use super::PgStore;
use crate::audit::Entry;
use crate::store::StoreError;
use crate::time::{from_ms, now_ms};

/// The read receipts of the posts a marker moved over. Binds: reader, time, group, timeline,
/// from ms, from id, to ms, to id. One range of posts_by_timeline.
const INSERT_RECEIPTS: &str = "INSERT INTO post_reads (post_id, user_id, read_at_ms)
    SELECT p.id, $1, $2 FROM posts p
    WHERE p.group_id = $3 AND p.timeline = $4
      AND p.created_at_ms >= $5 AND (p.created_at_ms > $5 OR p.id > $6)
      AND p.created_at_ms <= $7 AND (p.created_at_ms < $7 OR p.id <= $8)
      AND p.system IS NULL AND p.author_id <> $1
    ON CONFLICT (post_id, user_id) DO NOTHING";

/// How often the marker is looked for again when it vanished between the insert that found
/// it and the read that locks it (a membership removal deleting it).
const MARKER_ATTEMPTS: usize = 3;

impl PgStore {
    /// See [`crate::store::Store::mark_read`]. Concurrent marks of one marker (two tabs) run
    /// one after the other on its row: the first marker is an insert `ON CONFLICT DO NOTHING`
    /// (a second one waits for it, then finds the row), and an existing marker is read
    /// `FOR UPDATE`. So the previous marker compared is the one replaced, the marker only
    /// moves forward, and two marks cannot both report the same move.
    pub async fn mark_read(
        &self,
        group_id: Uuid,
        timeline: Timeline,
        reader: Uuid,
        up_to: Uuid,
        audit: Entry,
    ) -> Result<bool, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        let post_ms: Option<i64> = sqlx::query_scalar(
            "SELECT created_at_ms FROM posts WHERE id = $1 AND group_id = $2 AND timeline = $3",
        )
        .bind(up_to)
        .bind(group_id)
        .bind(timeline.as_str())
        .fetch_optional(tx.conn())
        .await?;
        let Some(post_ms) = post_ms else {
            return Ok(false);
        };
        let mut previous = None;
        let mut found = false;
        for _ in 0..MARKER_ATTEMPTS {
            let inserted = sqlx::query(
                "INSERT INTO read_markers (group_id, user_id, timeline, up_to_ms, up_to_id)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (group_id, user_id, timeline) DO NOTHING",
            )
            .bind(group_id)
            .bind(reader)
            .bind(timeline.as_str())
            .bind(post_ms)
            .bind(up_to)
            .execute(tx.conn())
            .await?
            .rows_affected();
            if inserted == 1 {
                found = true;
                break;
            }
            previous = sqlx::query_as::<_, (i64, Uuid)>(
                "SELECT up_to_ms, up_to_id FROM read_markers
                 WHERE group_id = $1 AND user_id = $2 AND timeline = $3
                 FOR UPDATE",
            )
            .bind(group_id)
            .bind(reader)
            .bind(timeline.as_str())
            .fetch_optional(tx.conn())
            .await?;
            if previous.is_some() {
                found = true;
                break;
            }
        }
        if !found {
            return Err(anyhow::anyhow!("the read marker kept vanishing").into());
        }
        // uuid order is PostgreSQL's order, so this compares as the timeline sorts.
        let moved = previous.is_none_or(|(ms, id)| (post_ms, up_to) > (ms, id));
        if moved {
            let now = now_ms();
            if previous.is_some() {
                sqlx::query(
                    "UPDATE read_markers SET up_to_ms = $4, up_to_id = $5
                     WHERE group_id = $1 AND user_id = $2 AND timeline = $3",
                )
                .bind(group_id)
                .bind(reader)
                .bind(timeline.as_str())
                .bind(post_ms)
                .bind(up_to)
                .execute(tx.conn())
                .await?;
            }
            // One statement for the whole stretch the marker moved over: (previous, up_to] of
            // posts_by_timeline; a post already read is skipped.
            let (from_ms_, from_id) = previous.unwrap_or((i64::MIN, Uuid::nil()));
            sqlx::query(INSERT_RECEIPTS)
                .bind(reader)
                .bind(now)
                .bind(group_id)
                .bind(timeline.as_str())
                .bind(from_ms_)
                .bind(from_id)
                .bind(post_ms)
                .bind(up_to)
                .execute(tx.conn())
                .await?;
            let update = ReadUpdate {
                group_id,
                timeline,
                reader: author_in(tx.conn(), reader).await?,
                previous: previous.map(|(_, id)| id),
                up_to,
                at: from_ms(now),
            };
            tx.event(group_id, Some(timeline), &LiveEvent::ReadUpdated(update));
        }
        tx.audit(audit).await?;
        tx.commit().await?;
        Ok(true)
    }
}
