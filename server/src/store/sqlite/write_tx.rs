//! One write transaction on the write connection, which collects the events it appends and
//! publishes them to the open streams only after it commits: a handler cannot forget to
//! publish, nor publish what was rolled back.

use sqlx::{Sqlite, SqliteConnection, Transaction};
use tsunagu_api::{LiveEvent, Timeline};
use uuid::Uuid;

use super::audit;
use super::events;
use super::writer::Writer;
use crate::audit::Entry;
use crate::events::{EventId, Live};
use crate::store::StoreError;

pub struct WriteTx {
    tx: Transaction<'static, Sqlite>,
    events: Vec<EventId>,
    live: Live,
    writer: Writer,
}

impl WriteTx {
    /// Waits its turn for the write connection (FIFO) and begins.
    pub async fn begin(writer: &Writer, live: &Live) -> Result<Self, StoreError> {
        Ok(Self {
            tx: writer.begin().await?,
            events: Vec::new(),
            live: live.clone(),
            writer: writer.clone(),
        })
    }

    /// The connection, for the operation's own statements.
    pub fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }

    /// Records the operation in the audit log, in this transaction.
    pub async fn audit(&mut self, entry: Entry) -> Result<(), StoreError> {
        audit::record(&mut self.tx, entry).await?;
        Ok(())
    }

    /// Appends an event for the members of a group (of one timeline, or all of them).
    pub async fn event(
        &mut self,
        group_id: Uuid,
        timeline: Option<Timeline>,
        event: &LiveEvent,
    ) -> Result<(), StoreError> {
        let id = events::append(&mut *self.tx, group_id, timeline, event).await?;
        self.events.push(id);
        Ok(())
    }

    /// Publishes, after the commit, an event a shared write helper appended.
    pub fn published(&mut self, id: EventId) {
        self.events.push(id);
    }

    /// Commits, waits until the commit is durable, then wakes the open streams. Dropped
    /// without committing, it rolls back and publishes nothing.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.writer.commit(self.tx).await?;
        self.live.publish_all(self.events);
        Ok(())
    }
}
