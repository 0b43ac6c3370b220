//! The adoption dashboard on PostgreSQL: the SQLite module's queries with `$n` placeholders
//! (see `sqlite/dashboard.rs`), and the activity days in the batch of session touches.

use uuid::Uuid;

use super::PgStore;
use crate::domain::dashboard::{Counts, Window};
use crate::store::sqlite::dashboard as q;
use crate::store::StoreError;

/// `sql` with SQLite's `?n` numbered as PostgreSQL's `$n`.
pub fn pg(sql: &str) -> String {
    sql.replace('?', "$")
}

impl PgStore {
    pub fn record_activity(&self, user_id: Uuid, at_ms: i64) {
        self.batch.record_activity(user_id, at_ms);
    }

    pub async fn dashboard_counts(
        &self,
        window: &Window,
        never_active_limit: i64,
    ) -> Result<Counts, StoreError> {
        let db = &self.pool;
        let (facilities, users, posts, professions, active, week_posts, groups, never) = (
            pg(q::FACILITIES),
            pg(&q::facility_users()),
            pg(q::FACILITY_POSTS),
            pg(&q::professions()),
            pg(q::WEEK_ACTIVE),
            pg(q::WEEK_POSTS),
            pg(q::GROUP_DAYS),
            pg(q::NEVER_ACTIVE),
        );
        // Independent reads, on as many connections at once.
        let (
            facilities,
            facility_users,
            facility_posts,
            professions,
            week_active,
            week_posts,
            group_days,
            never_active,
        ) = tokio::try_join!(
            sqlx::query_as(&facilities)
                .bind(window.recent_from_day)
                .fetch_all(db),
            sqlx::query_as(&users).fetch_all(db),
            sqlx::query_as(&posts)
                .bind(window.recent_from_ms)
                .fetch_all(db),
            sqlx::query_as(&professions)
                .bind(window.recent_from_day)
                .fetch_all(db),
            sqlx::query_as(&active)
                .bind(window.weeks_from_day)
                .fetch_all(db),
            sqlx::query_as(&week_posts)
                .bind(window.weeks_from_ms)
                .fetch_all(db),
            sqlx::query_as(&groups)
                .bind(window.months_from_ms)
                .fetch_all(db),
            sqlx::query_as(&never)
                .bind(never_active_limit)
                .fetch_all(db),
        )?;
        Ok(Counts {
            facilities,
            facility_users,
            facility_posts,
            professions,
            week_active,
            week_posts,
            group_days,
            never_active: q::never_active_rows(never_active),
        })
    }
}
