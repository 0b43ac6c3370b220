//! Posts on PostgreSQL: the select every post read shares, and the timeline queries.

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::store::rows::PostRow;
use crate::store::StoreError;

/// Posts with everything a `Post` shows joined in, so a page is ONE query (see SQLite's
/// twin). `$1` is the viewer (for `acked_by_me`; NULL for nobody): callers bind it first,
/// number their own parameters from `$2`, and append the `WHERE`.
pub const SELECT_POSTS_FROM: &str = "SELECT p.id, p.group_id, p.body, p.created_at_ms,
        u.id AS author_id, u.display_name AS author_name, u.profession AS author_profession,
        f.name AS author_facility_name, p.timeline, p.system,
        su.id AS subject_id, su.display_name AS subject_name,
        su.profession AS subject_profession, sf.name AS subject_facility_name,
        p.importance, p.edited_at_ms, p.deleted_at_ms, p.version,
        rp.id AS reply_id, rpu.display_name AS reply_author_name,
        substr(rp.body, 1, 80) AS reply_excerpt, -- characters, not bytes
        rp.deleted_at_ms IS NOT NULL AS reply_deleted,
        (SELECT COUNT(*) FROM post_reads r
         WHERE r.post_id = p.id AND r.user_id <> p.author_id) AS read_count,
        (SELECT COUNT(*) FROM post_acks a WHERE a.post_id = p.id) AS ack_count,
        EXISTS (SELECT 1 FROM post_acks a WHERE a.post_id = p.id AND a.user_id = $1)
            AS acked_by_me,
        (SELECT COALESCE(json_agg(json_build_object('user_id', mu.id,
                                                    'display_name', mu.display_name)
                                  ORDER BY pm.user_id), '[]')::text
         FROM post_mentions pm JOIN users mu ON mu.id = pm.user_id
         WHERE pm.post_id = p.id) AS mentions
    FROM posts p
    JOIN users u ON u.id = p.author_id
    LEFT JOIN facilities f ON f.id = u.facility_id
    LEFT JOIN users su ON su.id = (p.system::json ->> 'subject_id')::uuid
    LEFT JOIN facilities sf ON sf.id = su.facility_id
    LEFT JOIN posts rp ON rp.id = p.reply_to_id
    LEFT JOIN users rpu ON rpu.id = rp.author_id";

/// The group's name as the viewer (`$1`) sees it (a direct message is named after the other
/// person), for queries that join `groups g`.
pub const GROUP_NAME_COLUMN: &str = "CASE WHEN g.kind = 'direct' THEN
        COALESCE((SELECT ou.display_name FROM group_members o JOIN users ou ON ou.id = o.user_id
                  WHERE o.group_id = g.id AND o.user_id <> $1 LIMIT 1), g.name)
        ELSE g.name END AS group_name";

/// One post of a group as `viewer` sees it (`None`: as nobody in particular, for events).
pub async fn fetch_post(
    db: impl PgExecutor<'_>,
    viewer: Option<Uuid>,
    group_id: Uuid,
    post_id: Uuid,
) -> Result<Option<PostRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "{SELECT_POSTS_FROM} WHERE p.group_id = $2 AND p.id = $3"
    ))
    .bind(viewer)
    .bind(group_id)
    .bind(post_id)
    .fetch_optional(db)
    .await?)
}
