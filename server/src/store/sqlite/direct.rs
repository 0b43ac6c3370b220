//! Direct messages: one group per pair of people.

use tsunagu_api::{Group, GroupChange, LiveEvent};
use uuid::Uuid;

use super::groups::fetch_group;
use super::write_tx::WriteTx;
use super::SqliteStore;
use crate::audit::Entry;
use crate::store::StoreError;
use crate::time::now_ms;

/// The pair's key: both ids in order, so either side finds the same DM.
fn direct_key(a: Uuid, b: Uuid) -> String {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    format!("{}|{}", a.hyphenated(), b.hyphenated())
}

impl SqliteStore {
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
        // On the write connection: two people opening their DM at once find one group.
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let existing: Option<String> =
            sqlx::query_scalar("SELECT id FROM groups WHERE direct_key = ?")
                .bind(&key)
                .fetch_optional(tx.conn())
                .await?;
        let (group_id, created) = match existing {
            Some(id) => (Uuid::parse_str(&id).map_err(anyhow::Error::from)?, false),
            None => {
                let id = Uuid::now_v7();
                let now = now_ms();
                sqlx::query(
                    "INSERT INTO groups (id, kind, name, created_by, created_at_ms, direct_key)
                     VALUES (?, 'direct', '', ?, ?, ?)",
                )
                .bind(id.hyphenated())
                .bind(me.hyphenated())
                .bind(now)
                .bind(&key)
                .execute(tx.conn())
                .await?;
                for user in [me, peer] {
                    sqlx::query(
                        "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
                         VALUES (?, ?, 'member', ?)",
                    )
                    .bind(id.hyphenated())
                    .bind(user.hyphenated())
                    .bind(now)
                    .execute(tx.conn())
                    .await?;
                }
                // The peer has a new group in their list.
                tx.event(
                    id,
                    None,
                    &LiveEvent::MemberChanged(GroupChange { group_id: id }),
                )
                .await?;
                (id, true)
            }
        };
        tx.audit(audit(group_id)).await?;
        let group = fetch_group(tx.conn(), me, group_id).await?;
        tx.commit().await?;
        Ok(Some((group, created)))
    }
}
