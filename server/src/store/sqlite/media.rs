//! Uploads and media files on SQLite (see `store::media`).

use std::collections::HashMap;

use sqlx::SqliteConnection;
use tsunagu_api::{MediaItem, MediaKind, NewAttachment, Timeline};
use uuid::Uuid;

use super::write_tx::WriteTx;
use super::SqliteStore;
use crate::audit::Entry;
use crate::cursor::Cursor;
use crate::store::id::Id;
use crate::store::media::{
    plan_attachments, Candidate, MediaItemRow, MediaQuery, MediaRecord, MediaRow, NewMedia,
    NewUpload, Pruned, UploadRow,
};
use crate::store::StoreError;

const SELECT_MEDIA: &str = "SELECT m.id, m.owner_id, m.group_id, m.timeline, m.post_id,
        p.author_id AS post_author, p.deleted_at_ms IS NOT NULL AS post_deleted,
        m.kind, m.content_type, m.name, m.size, m.width, m.height, m.object_key,
        m.thumbnail_key, m.poster_for, m.created_at_ms
    FROM media m LEFT JOIN posts p ON p.id = m.post_id";

#[derive(sqlx::FromRow)]
struct UploadSqlRow {
    id: Id,
    owner_id: Id,
    group_id: Id,
    timeline: String,
    filename: String,
    length: i64,
    offset: i64,
    created_at_ms: i64,
}

impl UploadSqlRow {
    fn into_row(self) -> UploadRow {
        UploadRow {
            id: self.id.into_uuid(),
            owner: self.owner_id.into_uuid(),
            group_id: self.group_id.into_uuid(),
            timeline: Timeline::parse(&self.timeline).unwrap_or_default(),
            filename: self.filename,
            length: self.length as u64,
            offset: self.offset as u64,
            created_at_ms: self.created_at_ms,
        }
    }
}

/// An upload named by a new post: id, owner, group, timeline, already attached, kind, size,
/// width, height, thumbnail key.
type CandidateRow = (
    Id,
    Id,
    Id,
    String,
    bool,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

/// Attaches checked files to a new post inside its transaction (see
/// [`plan_attachments`]); the write connection is held, so nothing else attaches them meanwhile.
pub async fn attach(
    conn: &mut SqliteConnection,
    author: Uuid,
    group_id: Uuid,
    timeline: Timeline,
    post_id: Uuid,
    attachments: &[NewAttachment],
    max_post_bytes: u64,
) -> Result<(), StoreError> {
    if attachments.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = attachments
        .iter()
        .flat_map(|a| std::iter::once(a.upload_id).chain(a.poster_upload_id))
        .collect();
    let ids_json = serde_json::to_string(&ids).map_err(anyhow::Error::from)?;
    let rows: Vec<CandidateRow> = sqlx::query_as(
        "SELECT id, owner_id, group_id, timeline, post_id IS NOT NULL OR poster_for IS NOT NULL,
                    kind, size, width, height, thumbnail_key
             FROM media WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(ids_json)
    .fetch_all(&mut *conn)
    .await?;
    let found: HashMap<Uuid, Candidate> = rows
        .into_iter()
        .map(
            |(id, owner, group, tl, attached, kind, size, w, h, thumb)| {
                (
                    id.into_uuid(),
                    Candidate {
                        owner: owner.into_uuid(),
                        group_id: group.into_uuid(),
                        timeline: Timeline::parse(&tl).unwrap_or_default(),
                        attached,
                        kind: kind.parse::<MediaKind>().unwrap_or_default(),
                        size: size as u64,
                        width: w.map(|w| w as u32),
                        height: h.map(|h| h as u32),
                        thumbnail_key: thumb,
                    },
                )
            },
        )
        .collect();
    let plan = plan_attachments(
        author,
        group_id,
        timeline,
        attachments,
        &found,
        max_post_bytes,
    )?;
    for item in plan {
        sqlx::query("UPDATE media SET post_id = ?, position = ? WHERE id = ?")
            .bind(post_id.hyphenated())
            .bind(item.position)
            .bind(item.id.hyphenated())
            .execute(&mut *conn)
            .await?;
        if let Some(poster) = item.poster {
            sqlx::query("UPDATE media SET post_id = ?, poster_for = ? WHERE id = ?")
                .bind(post_id.hyphenated())
                .bind(item.id.hyphenated())
                .bind(poster.id.hyphenated())
                .execute(&mut *conn)
                .await?;
            sqlx::query("UPDATE media SET thumbnail_key = ?, width = ?, height = ? WHERE id = ?")
                .bind(poster.thumbnail_key)
                .bind(poster.width.map(i64::from))
                .bind(poster.height.map(i64::from))
                .bind(item.id.hyphenated())
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

impl SqliteStore {
    pub async fn create_upload(&self, u: &NewUpload, audit: Entry) -> Result<(), StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        sqlx::query(
            "INSERT INTO uploads (id, owner_id, group_id, timeline, filename, length,
                                  created_at_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(u.id.hyphenated())
        .bind(u.owner.hyphenated())
        .bind(u.group_id.hyphenated())
        .bind(u.timeline.as_str())
        .bind(&u.filename)
        .bind(u.length as i64)
        .bind(u.created_at_ms)
        .execute(tx.conn())
        .await?;
        tx.audit(audit).await?;
        tx.commit().await
    }

    pub async fn upload(&self, id: Uuid, owner: Uuid) -> Result<Option<UploadRow>, StoreError> {
        let row: Option<UploadSqlRow> = sqlx::query_as(
            "SELECT id, owner_id, group_id, timeline, filename, length, \"offset\", created_at_ms
             FROM uploads WHERE id = ? AND owner_id = ?",
        )
        .bind(id.hyphenated())
        .bind(owner.hyphenated())
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(UploadSqlRow::into_row))
    }

    pub async fn advance_upload(
        &self,
        id: Uuid,
        owner: Uuid,
        from: u64,
        to: u64,
    ) -> Result<bool, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let done = sqlx::query(
            "UPDATE uploads SET \"offset\" = ? WHERE id = ? AND owner_id = ? AND \"offset\" = ?",
        )
        .bind(to as i64)
        .bind(id.hyphenated())
        .bind(owner.hyphenated())
        .bind(from as i64)
        .execute(tx.conn())
        .await?
        .rows_affected()
            == 1;
        tx.commit().await?;
        Ok(done)
    }

    pub async fn delete_upload(&self, id: Uuid, owner: Uuid) -> Result<bool, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let done = sqlx::query("DELETE FROM uploads WHERE id = ? AND owner_id = ?")
            .bind(id.hyphenated())
            .bind(owner.hyphenated())
            .execute(tx.conn())
            .await?
            .rows_affected()
            == 1;
        tx.commit().await?;
        Ok(done)
    }

    pub async fn finish_upload(
        &self,
        u: &UploadRow,
        m: &NewMedia,
        audit: Entry,
    ) -> Result<bool, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let gone = sqlx::query("DELETE FROM uploads WHERE id = ? AND owner_id = ?")
            .bind(u.id.hyphenated())
            .bind(u.owner.hyphenated())
            .execute(tx.conn())
            .await?
            .rows_affected()
            == 0;
        if gone {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO media (id, owner_id, group_id, timeline, kind, content_type, name, size,
                                width, height, object_key, thumbnail_key, created_at_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(u.id.hyphenated())
        .bind(u.owner.hyphenated())
        .bind(u.group_id.hyphenated())
        .bind(u.timeline.as_str())
        .bind(m.kind.as_str())
        .bind(&m.content_type)
        .bind(&u.filename)
        .bind(m.size as i64)
        .bind(m.width.map(i64::from))
        .bind(m.height.map(i64::from))
        .bind(&m.object_key)
        .bind(&m.thumbnail_key)
        .bind(crate::time::now_ms())
        .execute(tx.conn())
        .await?;
        tx.audit(audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn media(&self, id: Uuid) -> Result<Option<MediaRecord>, StoreError> {
        let row: Option<MediaRow> = sqlx::query_as(&format!("{SELECT_MEDIA} WHERE m.id = ?"))
            .bind(id.hyphenated())
            .fetch_optional(&self.read)
            .await?;
        Ok(row.map(MediaRow::into_record))
    }

    pub async fn delete_unattached_media(
        &self,
        id: Uuid,
        owner: Uuid,
    ) -> Result<Option<MediaRecord>, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let row: Option<MediaRow> = sqlx::query_as(&format!(
            "{SELECT_MEDIA} WHERE m.id = ? AND m.owner_id = ? AND m.post_id IS NULL"
        ))
        .bind(id.hyphenated())
        .bind(owner.hyphenated())
        .fetch_optional(tx.conn())
        .await?;
        if row.is_some() {
            sqlx::query("DELETE FROM media WHERE id = ?")
                .bind(id.hyphenated())
                .execute(tx.conn())
                .await?;
        }
        tx.commit().await?;
        Ok(row.map(MediaRow::into_record))
    }

    pub async fn group_media(
        &self,
        q: &MediaQuery,
    ) -> Result<Vec<(MediaItem, Cursor)>, StoreError> {
        let timelines: Vec<&str> = q.timelines.iter().map(|t| t.as_str()).collect();
        let timelines = serde_json::to_string(&timelines).map_err(anyhow::Error::from)?;
        let (ms, id) = q.before.map_or((i64::MAX, Uuid::max()), |c| (c.ms, c.id));
        // media_by_group in order; the post and author are primary-key lookups per kept row.
        let rows: Vec<MediaItemRow> = sqlx::query_as(
            "SELECT m.id, m.owner_id, m.group_id, m.timeline, m.post_id,
                    p.author_id AS post_author, p.deleted_at_ms IS NOT NULL AS post_deleted,
                    m.kind, m.content_type, m.name, m.size, m.width, m.height, m.object_key,
                    m.thumbnail_key, m.poster_for, m.created_at_ms,
                    u.display_name AS author_name, u.profession AS author_profession,
                    f.name AS author_facility_name, p.created_at_ms AS post_created_at_ms
             FROM media m
             JOIN posts p ON p.id = m.post_id
             JOIN users u ON u.id = p.author_id
             LEFT JOIN facilities f ON f.id = u.facility_id
             WHERE m.group_id = ?1 AND m.post_id IS NOT NULL AND m.poster_for IS NULL
               AND m.timeline IN (SELECT value FROM json_each(?2))
               AND (?3 IS NULL OR m.kind = ?3)
               AND p.deleted_at_ms IS NULL
               AND m.created_at_ms <= ?4 AND (m.created_at_ms < ?4 OR m.id < ?5)
             ORDER BY m.created_at_ms DESC, m.id DESC
             LIMIT ?6",
        )
        .bind(q.group_id.hyphenated())
        .bind(timelines)
        .bind(q.kind.map(MediaKind::as_str))
        .bind(ms)
        .bind(id.hyphenated())
        .bind(q.limit)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(MediaItemRow::into_item).collect())
    }

    pub async fn prune_media(&self, cutoff_ms: i64) -> Result<Pruned, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let uploads: Vec<Id> =
            sqlx::query_scalar("DELETE FROM uploads WHERE created_at_ms < ? RETURNING id")
                .bind(cutoff_ms)
                .fetch_all(tx.conn())
                .await?;
        let keys: Vec<(String, Option<String>)> = sqlx::query_as(
            "DELETE FROM media WHERE post_id IS NULL AND created_at_ms < ?
             RETURNING object_key, thumbnail_key",
        )
        .bind(cutoff_ms)
        .fetch_all(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(Pruned {
            uploads: uploads.into_iter().map(Id::into_uuid).collect(),
            object_keys: keys
                .into_iter()
                .flat_map(|(o, t)| std::iter::once(o).chain(t))
                .collect(),
        })
    }
}
