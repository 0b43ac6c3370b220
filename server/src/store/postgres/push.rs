//! Web Push on PostgreSQL: the VAPID key, subscriptions, mutes and urgent reminders (the SQLite
//! twin is `sqlite/push.rs`).

use tsunagu_api::{GroupKind, PushSubscription, Timeline};
use uuid::Uuid;

use super::users::record_audit;
use super::PgStore;
use crate::audit::Entry;
use crate::store::id::Id;
use crate::store::rows;
use crate::store::{PushPost, PushTarget, StoreError};

/// Subscriptions of the members who may be told of a post of timeline `$2` of group `$1`
/// by its author `$3` (see [`rows::post_readers`]). Whether the session that registered one
/// is still live does not matter: a subscription outlives its session's idle expiry. Callers
/// append `AND ...` on `m` (member).
fn targets() -> String {
    format!(
        "SELECT ps.endpoint, ps.p256dh, ps.auth {}",
        rows::post_readers(
            "JOIN push_subscriptions ps ON ps.user_id = m.user_id",
            "$1",
            "$2",
            "$3"
        )
    )
}

#[derive(sqlx::FromRow)]
struct TargetRow {
    endpoint: String,
    p256dh: String,
    auth: String,
}

impl From<TargetRow> for PushTarget {
    fn from(r: TargetRow) -> Self {
        Self {
            endpoint: r.endpoint,
            p256dh: r.p256dh,
            auth: r.auth,
        }
    }
}

#[derive(sqlx::FromRow)]
struct ReminderRow {
    id: Id,
    group_id: Id,
    kind: String,
    timeline: String,
    author_id: Id,
}

impl PgStore {
    pub async fn vapid_private_key(
        &self,
        candidate: &str,
        now_ms: i64,
    ) -> Result<String, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO push_vapid_key (id, private_key, created_at_ms) VALUES (1, $1, $2)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(candidate)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let key: String = sqlx::query_scalar("SELECT private_key FROM push_vapid_key WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(key)
    }

    pub async fn set_push_subscription(
        &self,
        token_hash: &str,
        user: Uuid,
        sub: &PushSubscription,
        now_ms: i64,
        entry: Entry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        // Two registrations of one session at once take turns, so neither trips over the
        // other's row (one subscription per session).
        sqlx::query("SELECT 1 FROM sessions WHERE token_hash = $1 FOR UPDATE")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        // The session's previous device, if it registers another endpoint now.
        sqlx::query(
            "DELETE FROM push_subscriptions WHERE session_token_hash = $1 AND endpoint <> $2",
        )
        .bind(token_hash)
        .bind(&sub.endpoint)
        .execute(&mut *tx)
        .await?;
        // The same endpoint registered again (after a new login on the device, or by another
        // user of a shared one) moves to this user and session.
        sqlx::query(
            "INSERT INTO push_subscriptions
                 (endpoint, user_id, session_token_hash, p256dh, auth, created_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id,
                 session_token_hash = excluded.session_token_hash, p256dh = excluded.p256dh,
                 auth = excluded.auth, created_at_ms = excluded.created_at_ms",
        )
        .bind(&sub.endpoint)
        .bind(Id(user))
        .bind(token_hash)
        .bind(&sub.keys.p256dh)
        .bind(&sub.keys.auth)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        record_audit(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn has_push_subscription(&self, token_hash: &str) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM push_subscriptions WHERE session_token_hash = $1)",
        )
        .bind(token_hash)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn has_push_endpoint(&self, user: Uuid, endpoint: &str) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM push_subscriptions
                            WHERE endpoint = $1 AND user_id = $2)",
        )
        .bind(endpoint)
        .bind(Id(user))
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn delete_push_subscription(
        &self,
        token_hash: &str,
        user: Uuid,
        endpoint: Option<&str>,
        entry: Entry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let deleted = sqlx::query(
            "DELETE FROM push_subscriptions
             WHERE session_token_hash = $1 OR (user_id = $2 AND endpoint = $3)",
        )
        .bind(token_hash)
        .bind(Id(user))
        .bind(endpoint)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if deleted > 0 {
            record_audit(&mut tx, entry).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn drop_push_target(&self, target: &PushTarget) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM push_subscriptions WHERE endpoint = $1 AND p256dh = $2")
            .bind(&target.endpoint)
            .bind(&target.p256dh)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_group_muted(
        &self,
        group_id: Uuid,
        user: Uuid,
        muted: bool,
        entry: Entry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let sql = if muted {
            // Only a member's mute: the foreign key refuses anyone else, and the membership
            // was checked, so a removal racing with this inserts nothing.
            "INSERT INTO group_mutes (group_id, user_id)
             SELECT group_id, user_id FROM group_members WHERE group_id = $1 AND user_id = $2
             ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM group_mutes WHERE group_id = $1 AND user_id = $2"
        };
        sqlx::query(sql)
            .bind(Id(group_id))
            .bind(Id(user))
            .execute(&mut *tx)
            .await?;
        record_audit(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn push_targets(&self, post: &PushPost) -> Result<Vec<PushTarget>, StoreError> {
        let sql = format!("{} AND {}", targets(), rows::not_muted_unless("$4"));
        let rows: Vec<TargetRow> = sqlx::query_as(&sql)
            .bind(Id(post.group_id))
            .bind(post.timeline.as_str())
            .bind(Id(post.author))
            .bind(post.urgent)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub async fn add_push_reminder(
        &self,
        post_id: Uuid,
        next_at_ms: i64,
        rounds: u32,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO push_reminders (post_id, next_at_ms, rounds_left) VALUES ($1, $2, $3)
             ON CONFLICT (post_id) DO NOTHING",
        )
        .bind(Id(post_id))
        .bind(next_at_ms)
        .bind(i64::from(rounds))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn claim_push_reminders(
        &self,
        now_ms: i64,
        every_ms: i64,
        limit: i64,
    ) -> Result<Vec<PushPost>, StoreError> {
        let mut tx = self.pool.begin().await?;
        // Spent reminders and those of deleted posts go first.
        sqlx::query(
            "DELETE FROM push_reminders WHERE rounds_left = 0
                 OR post_id IN (SELECT id FROM posts WHERE deleted_at_ms IS NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
        // Instances running this at once: each locks the rows it takes and skips the others'
        // (the re-checked `next_at_ms` keeps a round from being taken twice).
        let claimed: Vec<Id> = sqlx::query_scalar(
            "UPDATE push_reminders SET next_at_ms = $1 + $2, rounds_left = rounds_left - 1
             WHERE next_at_ms <= $1 AND rounds_left > 0
               AND post_id IN (SELECT post_id FROM push_reminders
                               WHERE next_at_ms <= $1 AND rounds_left > 0
                               ORDER BY next_at_ms LIMIT $3
                               FOR UPDATE SKIP LOCKED)
             RETURNING post_id",
        )
        .bind(now_ms)
        .bind(every_ms)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let mut posts = Vec::with_capacity(claimed.len());
        for id in claimed {
            let row: Option<ReminderRow> = sqlx::query_as(
                "SELECT p.id, p.group_id, g.kind, p.timeline, p.author_id
                 FROM posts p JOIN groups g ON g.id = p.group_id WHERE p.id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            posts.extend(row.map(reminder_post));
        }
        tx.commit().await?;
        Ok(posts)
    }

    pub async fn reminder_targets(&self, post: &PushPost) -> Result<Vec<PushTarget>, StoreError> {
        let unacked: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM group_members m
                 JOIN users u ON u.id = m.user_id AND NOT u.disabled
                 WHERE m.group_id = $1 AND (m.role <> 'family' OR $2 = 'family')
                   AND m.user_id <> $3
                   AND NOT EXISTS (SELECT 1 FROM post_acks a
                                   WHERE a.post_id = $4 AND a.user_id = m.user_id))",
        )
        .bind(Id(post.group_id))
        .bind(post.timeline.as_str())
        .bind(Id(post.author))
        .bind(Id(post.post_id))
        .fetch_one(&self.pool)
        .await?;
        if !unacked {
            // Everyone acknowledged: the reminder is done.
            let mut tx = self.pool.begin().await?;
            sqlx::query("DELETE FROM push_reminders WHERE post_id = $1")
                .bind(Id(post.post_id))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(Vec::new());
        }
        let sql = format!(
            "{} AND NOT EXISTS (SELECT 1 FROM post_acks a
                                      WHERE a.post_id = $4 AND a.user_id = m.user_id)",
            targets()
        );
        let rows: Vec<TargetRow> = sqlx::query_as(&sql)
            .bind(Id(post.group_id))
            .bind(post.timeline.as_str())
            .bind(Id(post.author))
            .bind(Id(post.post_id))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

fn reminder_post(r: ReminderRow) -> PushPost {
    PushPost {
        post_id: r.id.into_uuid(),
        group_id: r.group_id.into_uuid(),
        kind: GroupKind::parse(&r.kind),
        timeline: Timeline::parse(&r.timeline).unwrap_or_default(),
        author: r.author_id.into_uuid(),
        urgent: true,
    }
}
