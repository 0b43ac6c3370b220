//! Searching posts by a substring of their folded text.

use tsunagu_api::SearchHit;
use uuid::Uuid;

use super::posts::{select_posts_with, PostInGroupRow, GROUP_NAME_COLUMN};
use super::SqliteStore;
use crate::cursor::Cursor;
use crate::store::like_pattern;
use crate::store::StoreError;

/// The search. Binds: viewer (group name), viewer (`acked_by_me`), caller (membership), the
/// LIKE pattern, [group id], [cursor ms, ms, id], limit.
///
/// Only live, person-written posts of groups the caller is in now, in timelines the caller may
/// read: the caller's memberships first, then each group's posts through an index, then the
/// folded bodies compared. The work is bounded by what the caller may read. The trigram index
/// (posts_fts) is not used: it finds matches in every group before membership can filter them,
/// so a common word in other groups made a search slow, and its time told the caller that
/// groups they cannot read contain the word.
fn search_sql(in_group: bool, before: bool) -> String {
    let mut sql = format!(
        "{} JOIN groups g ON g.id = p.group_id
         JOIN group_members m ON m.group_id = p.group_id AND m.user_id = ?
         WHERE COALESCE(p.search_text, p.body) LIKE ? ESCAPE '\\'
           AND p.system IS NULL AND p.deleted_at_ms IS NULL
           AND (m.role <> 'family' OR p.timeline = 'family')",
        select_posts_with(GROUP_NAME_COLUMN)
    );
    if in_group {
        sql.push_str(" AND p.group_id = ?");
    }
    if before {
        sql.push_str(" AND (p.created_at_ms < ? OR (p.created_at_ms = ? AND p.id < ?))");
    }
    sql.push_str(" ORDER BY p.created_at_ms DESC, p.id DESC LIMIT ?");
    sql
}

impl SqliteStore {
    pub async fn search_posts(
        &self,
        user: Uuid,
        folded: &str,
        group_id: Option<Uuid>,
        before: Option<Cursor>,
        limit: i64,
    ) -> Result<Vec<(SearchHit, Cursor)>, StoreError> {
        let sql = search_sql(group_id.is_some(), before.is_some());
        let me = user.hyphenated();
        let mut query = sqlx::query_as(&sql)
            .bind(me)
            .bind(me)
            .bind(me)
            .bind(like_pattern(folded));
        if let Some(group_id) = group_id {
            query = query.bind(group_id.hyphenated());
        }
        if let Some(c) = before {
            query = query.bind(c.ms).bind(c.ms).bind(c.id.hyphenated());
        }
        let rows: Vec<PostInGroupRow> = query.bind(limit).fetch_all(&self.read).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let cursor = r.post.cursor();
                let post = r.post.into_post();
                let hit = SearchHit {
                    group_id: post.group_id,
                    group_name: r.group_name,
                    post,
                };
                (hit, cursor)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn plan(in_group: bool) -> String {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let db = crate::db::connect_sqlite(&url).await.unwrap();
        let sql = format!("EXPLAIN QUERY PLAN {}", search_sql(in_group, true));
        let mut query = sqlx::query_as(&sql)
            .bind("u")
            .bind("u")
            .bind("u")
            .bind("%abc%");
        if in_group {
            query = query.bind("g");
        }
        let rows: Vec<(i64, i64, i64, String)> = query
            .bind(1_i64)
            .bind(1_i64)
            .bind("id")
            .bind(51_i64)
            .fetch_all(&db.read)
            .await
            .unwrap();
        rows.into_iter()
            .map(|(.., detail)| detail)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The search starts from the caller's memberships and reads only their groups' posts,
    /// each group through an index: matches in other groups cost nothing.
    #[tokio::test]
    async fn search_reads_only_the_callers_groups() {
        for in_group in [false, true] {
            let plan = plan(in_group).await;
            // All of the caller's groups, or the one asked for: either way the membership row
            // is found before any post is read.
            let first = plan.lines().next().unwrap_or_default();
            let start = if in_group { "SEARCH g " } else { "SEARCH m " };
            assert!(first.starts_with(start), "{plan}");
            assert!(
                plan.lines()
                    .nth(usize::from(in_group))
                    .unwrap_or_default()
                    .contains("user_id=?"),
                "memberships before posts: {plan}"
            );
            assert!(plan.contains("SEARCH p USING INDEX posts_"), "{plan}");
            assert!(
                !plan.contains("SCAN p\n") && !plan.ends_with("SCAN p"),
                "{plan}"
            );
            assert!(!plan.contains("posts_fts"), "no global index: {plan}");
        }
    }
}
