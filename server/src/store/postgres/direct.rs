//! Direct messages on PostgreSQL: one group per pair of people, which the unique index
//! `groups_direct_key` guarantees.

use tsunagu_api::{Group, GroupChange, LiveEvent};
use uuid::Uuid;

use super::groups::fetch_group;
use super::write_tx::WriteTx;
use super::PgStore;
use crate::audit::Entry;
use crate::store::StoreError;
use crate::time::now_ms;

/// The pair's key: both ids in order, so either side finds the same DM (as on SQLite).
fn direct_key(a: Uuid, b: Uuid) -> String {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    format!("{}|{}", a.hyphenated(), b.hyphenated())
}

impl PgStore {
    /// See [`crate::store::Store::open_direct`]. Two opens of the same pair at once both try
    /// to insert; `ON CONFLICT DO NOTHING` on `groups_direct_key` makes the second wait for
    /// the first to commit and insert nothing (rather than fail with 23505, which would abort
    /// the transaction), and it then reads the winner's group, so both answer the same one.
    pub async fn open_direct(
        &self,
        me: Uuid,
        peer: Uuid,
        audit: impl FnOnce(Uuid) -> Entry + Send,
    ) -> Result<Option<(Group, bool)>, StoreError> {
        if !self.is_any_professional(peer).await? {
            return Ok(None);
        }
        let key = direct_key(me, peer);
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        let id = Uuid::now_v7();
        let now = now_ms();
        let created = sqlx::query(
            "INSERT INTO groups (id, kind, name, created_by, created_at_ms, direct_key)
             VALUES ($1, 'direct', '', $2, $3, $4)
             ON CONFLICT (direct_key) WHERE direct_key IS NOT NULL DO NOTHING",
        )
        .bind(id)
        .bind(me)
        .bind(now)
        .bind(&key)
        .execute(tx.conn())
        .await?
        .rows_affected()
            == 1;
        let group_id = if created {
            for user in [me, peer] {
                sqlx::query(
                    "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
                     VALUES ($1, $2, 'member', $3)",
                )
                .bind(id)
                .bind(user)
                .bind(now)
                .execute(tx.conn())
                .await?;
            }
            // The peer has a new group in their list.
            tx.event(
                id,
                None,
                &LiveEvent::MemberChanged(GroupChange { group_id: id }),
            );
            id
        } else {
            // Committed by whoever won: this statement's snapshot is taken after the insert
            // above waited for them (READ COMMITTED).
            sqlx::query_scalar("SELECT id FROM groups WHERE direct_key = $1")
                .bind(&key)
                .fetch_one(tx.conn())
                .await?
        };
        tx.audit(audit(group_id)).await?;
        let group = fetch_group(tx.conn(), me, group_id).await?;
        tx.commit().await?;
        Ok(Some((group, created)))
    }
}
