//! The adoption dashboard's aggregate queries and the activity days they count. The SQL is
//! shared with PostgreSQL (`postgres/dashboard.rs` numbers the same `?n` placeholders `$n`):
//! integer arithmetic and `NOT flag` read the same on both. A JST day is
//! `(ms + 32400000) / 86400000` and its week's Monday `day - (day + 3) % 7` (see
//! `domain::dashboard`). Every query groups in the database; each reads through an index (the
//! plan tests below and in `tests/postgres_schema.rs`).

use uuid::Uuid;

use super::SqliteStore;
use crate::domain::dashboard::{Counts, Window};
use crate::store::id::Id;
use crate::store::StoreError;

/// Accounts the dashboard counts as users: activated, not offboarded, not the operator's.
/// Suspended accounts count, as suspended facilities do.
const COUNTED: &str =
    "u.offboarded_at_ms IS NULL AND NOT u.pending_activation AND NOT u.is_operator";

/// Per facility kind: registered, active since day ?1, never active.
pub const FACILITIES: &str = "
SELECT f.kind, COUNT(*),
       SUM(CASE WHEN EXISTS (SELECT 1 FROM users u JOIN activity_days a ON a.user_id = u.id
                             WHERE u.facility_id = f.id AND a.day >= ?1)
                THEN 1 ELSE 0 END),
       SUM(CASE WHEN EXISTS (SELECT 1 FROM users u JOIN activity_days a ON a.user_id = u.id
                             WHERE u.facility_id = f.id)
                THEN 0 ELSE 1 END)
FROM facilities f
GROUP BY f.kind";

/// Per facility kind: counted accounts of its staff.
pub fn facility_users() -> String {
    format!(
        "SELECT f.kind, COUNT(*) FROM users u JOIN facilities f ON f.id = u.facility_id
         WHERE u.facility_id IS NOT NULL AND {COUNTED}
         GROUP BY f.kind"
    )
}

/// Per facility kind of the author: person-written posts since ?1 (ms).
pub const FACILITY_POSTS: &str = "
SELECT f.kind, COUNT(*)
FROM posts p JOIN users u ON u.id = p.author_id JOIN facilities f ON f.id = u.facility_id
WHERE p.system IS NULL AND p.created_at_ms >= ?1
GROUP BY f.kind";

/// Per profession: counted accounts, and of them those active since day ?1.
pub fn professions() -> String {
    format!(
        "SELECT u.profession, COUNT(*),
                SUM(CASE WHEN EXISTS (SELECT 1 FROM activity_days a
                                      WHERE a.user_id = u.id AND a.day >= ?1)
                         THEN 1 ELSE 0 END)
         FROM users u WHERE {COUNTED}
         GROUP BY u.profession"
    )
}

/// Per week (its Monday's day) since day ?1: distinct active accounts, the operator's not.
pub const WEEK_ACTIVE: &str = "
SELECT a.day - (a.day + 3) % 7 AS week, COUNT(DISTINCT a.user_id)
FROM activity_days a JOIN users u ON u.id = a.user_id
WHERE a.day >= ?1 AND NOT u.is_operator
GROUP BY week";

/// Per week since ?1 (ms) and the author's facility kind: person-written posts.
pub const WEEK_POSTS: &str = "
SELECT (p.created_at_ms + 32400000) / 86400000
         - ((p.created_at_ms + 32400000) / 86400000 + 3) % 7 AS week,
       f.kind, COUNT(*)
FROM posts p JOIN users u ON u.id = p.author_id JOIN facilities f ON f.id = u.facility_id
WHERE p.system IS NULL AND p.created_at_ms >= ?1
GROUP BY week, f.kind";

/// Per JST day since ?1 (ms): patient groups created.
pub const GROUP_DAYS: &str = "
SELECT (created_at_ms + 32400000) / 86400000 AS day, COUNT(*)
FROM groups WHERE kind = 'patient' AND created_at_ms >= ?1
GROUP BY day";

/// Facilities none of whose staff ever had an activity day, longest waiting first, ?1 of them.
pub const NEVER_ACTIVE: &str = "
SELECT f.id, f.name, f.kind, f.created_at_ms
FROM facilities f
WHERE NOT EXISTS (SELECT 1 FROM users u JOIN activity_days a ON a.user_id = u.id
                  WHERE u.facility_id = f.id)
ORDER BY f.created_at_ms, f.id
LIMIT ?1";

/// Never-active facility rows into wire rows.
pub fn never_active_rows(
    rows: Vec<(Id, String, String, i64)>,
) -> Vec<tsunagu_api::NeverActiveFacility> {
    rows.into_iter()
        .map(|(id, name, kind, at)| tsunagu_api::NeverActiveFacility {
            id: id.0,
            name,
            kind: tsunagu_api::FacilityKind::parse(&kind),
            registered_at: crate::time::from_ms(at),
        })
        .collect()
}

impl SqliteStore {
    pub fn record_activity(&self, user_id: Uuid, at_ms: i64) {
        self.writer.record_activity(user_id, at_ms);
    }

    pub async fn dashboard_counts(
        &self,
        window: &Window,
        never_active_limit: i64,
    ) -> Result<Counts, StoreError> {
        let db = &self.read;
        Ok(Counts {
            facilities: sqlx::query_as(FACILITIES)
                .bind(window.recent_from_day)
                .fetch_all(db)
                .await?,
            facility_users: sqlx::query_as(&facility_users()).fetch_all(db).await?,
            facility_posts: sqlx::query_as(FACILITY_POSTS)
                .bind(window.recent_from_ms)
                .fetch_all(db)
                .await?,
            professions: sqlx::query_as(&professions())
                .bind(window.recent_from_day)
                .fetch_all(db)
                .await?,
            week_active: sqlx::query_as(WEEK_ACTIVE)
                .bind(window.weeks_from_day)
                .fetch_all(db)
                .await?,
            week_posts: sqlx::query_as(WEEK_POSTS)
                .bind(window.weeks_from_ms)
                .fetch_all(db)
                .await?,
            group_days: sqlx::query_as(GROUP_DAYS)
                .bind(window.months_from_ms)
                .fetch_all(db)
                .await?,
            never_active: never_active_rows(
                sqlx::query_as(NEVER_ACTIVE)
                    .bind(never_active_limit)
                    .fetch_all(db)
                    .await?,
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn plan(db: &sqlx::SqlitePool, sql: &str, params: usize) -> String {
        let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(sql);
        for _ in 0..params {
            query = query.bind(0_i64);
        }
        query
            .fetch_all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.3)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The hot parts read through indexes: no full scan of activity days or posts, and the
    /// per-facility checks are index searches.
    #[tokio::test]
    async fn the_dashboard_reads_through_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let db = crate::db::connect_sqlite(&url).await.unwrap();
        let explain = |sql: &str| format!("EXPLAIN QUERY PLAN {sql}");
        let facilities = plan(&db.read, &explain(FACILITIES), 1).await;
        assert!(
            facilities.contains("USING INDEX users_by_facility"),
            "{facilities}"
        );
        assert!(
            facilities.contains("SEARCH a USING PRIMARY KEY (user_id=? AND day>?)"),
            "{facilities}"
        );
        let posts = plan(&db.read, &explain(FACILITY_POSTS), 1).await;
        assert!(
            posts.contains("INDEX posts_by_time (created_at_ms>?)"),
            "{posts}"
        );
        assert!(!posts.contains("SCAN"), "{posts}");
        let weeks = plan(&db.read, &explain(WEEK_POSTS), 1).await;
        assert!(
            weeks.contains("INDEX posts_by_time (created_at_ms>?)"),
            "{weeks}"
        );
        assert!(!weeks.contains("SCAN"), "{weeks}");
        let active = plan(&db.read, &explain(WEEK_ACTIVE), 1).await;
        assert!(
            active.contains("SEARCH a USING COVERING INDEX activity_days_by_day (day>?)"),
            "{active}"
        );
        assert!(!active.contains("SCAN"), "{active}");
        let professions = plan(&db.read, &explain(&professions()), 1).await;
        assert!(
            professions.contains("SEARCH a USING PRIMARY KEY"),
            "{professions}"
        );
        let groups = plan(&db.read, &explain(GROUP_DAYS), 1).await;
        assert!(groups.contains("groups_patient_by_time"), "{groups}");
        let never = plan(&db.read, &explain(NEVER_ACTIVE), 1).await;
        assert!(
            never.contains("SCAN f USING INDEX facilities_by_time"),
            "{never}"
        );
        assert!(never.contains("USING INDEX users_by_facility"), "{never}");
    }
}
