//! One write transaction, which collects the events it makes and inserts them last, right
//! before `COMMIT` (the events table's lock keeps ids in commit order, see README.md), with a
//! `NOTIFY` that reaches every instance when the commit does; then wakes this instance's
//! streams. A handler cannot forget to publish, nor publish what was rolled back. Its audit
//! entries are appended after the events, for the same reason: the audit chain's lock is held
//! only from there to `COMMIT`, and always taken after the events lock, never before.

use sqlx::{PgConnection, Postgres, Transaction};
use tsunagu_api::{LiveEvent, Timeline};
use uuid::Uuid;

use super::events::{self, NewEvent};
use super::users;
use crate::audit::Entry;
use crate::events::Live;
use crate::store::StoreError;
use crate::time::now_ms;

pub struct WriteTx {
    tx: Transaction<'static, Postgres>,
    events: Vec<NewEvent>,
    /// Audit entries with when they happened, appended at commit.
    audit: Vec<(Entry, i64)>,
    live: Live,
}

impl WriteTx {
    pub async fn begin(pool: &sqlx::PgPool, live: &Live) -> Result<Self, StoreError> {
        Ok(Self {
            tx: pool.begin().await?,
            events: Vec::new(),
            audit: Vec::new(),
            live: live.clone(),
        })
    }

    /// The connection, for the operation's own statements.
    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    /// Records the operation in the audit log, in this transaction (appended at commit,
    /// stamped now).
    pub async fn audit(&mut self, entry: Entry) -> Result<(), StoreError> {
        self.audit.push((entry, now_ms()));
        Ok(())
    }

    /// An event for the members of a group (of one timeline, or all of them), inserted at
    /// commit.
    pub fn event(&mut self, group_id: Uuid, timeline: Option<Timeline>, event: &LiveEvent) {
        self.events
            .push(NewEvent::new(group_id, timeline, None, event));
    }

    /// An event for `user_id` alone, whether or not they are a member of `group_id` (the member
    /// just removed from it), inserted at commit.
    pub fn event_for_user(&mut self, user_id: Uuid, group_id: Uuid, event: &LiveEvent) {
        self.events
            .push(NewEvent::new(group_id, None, Some(user_id), event));
    }

    /// Inserts the events, commits, then wakes this instance's streams. Dropped without
    /// committing, it rolls back and publishes nothing.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        let latest = events::insert_and_notify(&mut self.tx, &self.events).await?;
        users::append_audit(&mut self.tx, self.audit.drain(..)).await?;
        self.tx.commit().await?;
        if let Some(id) = latest {
            self.live.publish(id);
        }
        Ok(())
    }
}
