//! Notification mail on SQLite: addresses, codes, modes, the outbox and digests (the
//! PostgreSQL twin is `postgres/email.rs`).

use tsunagu_api::EmailMode;
use uuid::Uuid;

use super::audit;
use super::SqliteStore;
use crate::audit::Entry;
use crate::store::id::Id;
use crate::store::rows;
use crate::store::rows::{
    CodeRow, DigestGroupRow, DueRow, MailGroupRow, OutboxRow, SettingsRow, WindowRow,
};
use crate::store::{
    CodeQueued, DigestDue, DigestEntry, DigestRender, EmailCodeRequest, MailGroup, MailRecipient,
    NewMail, PushPost, QueuedMail, StoreError, StoredEmail,
};

/// Claims due mails: `?1` now, `?2` the stale-claim limit, `?3` how many.
const CLAIM_MAILS: &str = "UPDATE email_outbox SET claimed_at_ms = ?1
     WHERE id IN (SELECT id FROM email_outbox
                  WHERE next_at_ms <= ?1
                    AND (claimed_at_ms IS NULL OR claimed_at_ms < ?2)
                  ORDER BY next_at_ms LIMIT ?3)
     RETURNING id, to_address, subject, body, attempts";

/// Drops due mails of accounts that can no longer log in (suspended or offboarded since the
/// mail was queued): nobody reads them, and a reactivation should not bring old ones. `?1`
/// now.
fn drop_undeliverable_sql() -> String {
    format!(
        "DELETE FROM email_outbox
         WHERE next_at_ms <= ?1 AND claimed_at_ms IS NULL
           AND NOT EXISTS (SELECT 1 FROM users u
                           WHERE u.id = email_outbox.user_id AND {})",
        rows::USER_CAN_LOG_IN
    )
}

/// The members whose digest is due at `?1`, at most `?2`, with the start of their period.
fn due_digests_sql() -> String {
    format!(
        "SELECT ea.user_id, ea.address, COALESCE(ea.digest_since_ms, ?1) AS since_ms
         FROM email_addresses ea JOIN users u ON u.id = ea.user_id AND {}
         WHERE ea.mode = 'digest' AND ea.digest_next_at_ms <= ?1
           AND ea.confirmed = 1 AND ea.address IS NOT NULL
         ORDER BY ea.digest_next_at_ms LIMIT ?2",
        rows::USER_CAN_LOG_IN
    )
}

/// The members to mail about a post at once: `?1` group, `?2` timeline, `?3` author, `?4`
/// urgent.
fn post_recipients_sql() -> String {
    format!(
        "SELECT m.user_id, ea.address {} AND {}",
        rows::post_readers(
            "JOIN email_addresses ea ON ea.user_id = m.user_id AND ea.confirmed = 1
                 AND ea.mode = 'immediate' AND ea.address IS NOT NULL",
            "?1",
            "?2",
            "?3"
        ),
        rows::not_muted_unless("?4")
    )
}

impl SqliteStore {
    pub async fn email_settings(&self, user: Uuid) -> Result<StoredEmail, StoreError> {
        let row: Option<SettingsRow> = sqlx::query_as(
            "SELECT address, confirmed, mode FROM email_addresses WHERE user_id = ?",
        )
        .bind(Id(user))
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(Into::into).unwrap_or_default())
    }

    pub async fn set_email_address(
        &self,
        user: Uuid,
        request: &EmailCodeRequest,
        entry: Entry,
    ) -> Result<CodeQueued, StoreError> {
        let now = request.now_ms;
        let mut tx = self.writer.begin().await?;
        let window: Option<WindowRow> = sqlx::query_as(
            "SELECT codes_window_start_ms, codes_in_window FROM email_addresses
             WHERE user_id = ?",
        )
        .bind(Id(user))
        .fetch_optional(&mut *tx)
        .await?;
        let (start, sent) = match window {
            Some(w) if now - w.codes_window_start_ms < request.window_ms => {
                (w.codes_window_start_ms, w.codes_in_window)
            }
            _ => (now, 0),
        };
        if sent >= i64::from(request.max_per_window) {
            self.writer.commit(tx).await?;
            return Ok(CodeQueued::RateLimited {
                retry_after_ms: start + request.window_ms - now,
            });
        }
        sqlx::query(
            "INSERT INTO email_addresses (user_id, address, confirmed, mode, code_hash,
                 code_expires_at_ms, code_tries_left, codes_window_start_ms, codes_in_window,
                 digest_since_ms, digest_next_at_ms, updated_at_ms)
             VALUES (?1, ?2, 0, 'off', ?3, ?4, ?5, ?6, ?7, NULL, NULL, ?8)
             ON CONFLICT (user_id) DO UPDATE SET address = excluded.address, confirmed = 0,
                 mode = 'off', code_hash = excluded.code_hash,
                 code_expires_at_ms = excluded.code_expires_at_ms,
                 code_tries_left = excluded.code_tries_left,
                 codes_window_start_ms = excluded.codes_window_start_ms,
                 codes_in_window = excluded.codes_in_window, digest_since_ms = NULL,
                 digest_next_at_ms = NULL, updated_at_ms = excluded.updated_at_ms",
        )
        .bind(Id(user))
        .bind(&request.address)
        .bind(&request.code_hash)
        .bind(request.expires_at_ms)
        .bind(i64::from(request.tries))
        .bind(start)
        .bind(sent + 1)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // Mails still waiting (an earlier code, notifications to the previous address) are
        // not sent any more: the member moved on.
        sqlx::query("DELETE FROM email_outbox WHERE user_id = ? AND claimed_at_ms IS NULL")
            .bind(Id(user))
            .execute(&mut *tx)
            .await?;
        insert_mail(
            &mut tx,
            &NewMail {
                user_id: user,
                to: request.address.clone(),
                subject: request.subject.clone(),
                body: request.body.clone(),
            },
            now,
        )
        .await?;
        audit::record(&mut tx, entry).await?;
        self.writer.commit(tx).await?;
        Ok(CodeQueued::Queued)
    }

    pub async fn confirm_email(
        &self,
        user: Uuid,
        code_hash: &str,
        now_ms: i64,
        entry: Entry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin().await?;
        let row: Option<CodeRow> = sqlx::query_as(
            "SELECT code_hash, code_expires_at_ms, code_tries_left FROM email_addresses
             WHERE user_id = ? AND address IS NOT NULL AND confirmed = 0",
        )
        .bind(Id(user))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            self.writer.commit(tx).await?;
            return Ok(false);
        };
        let live = row.code_tries_left > 0 && row.code_expires_at_ms.is_some_and(|at| at > now_ms);
        let right = live && row.code_hash.as_deref() == Some(code_hash);
        if right {
            sqlx::query(
                "UPDATE email_addresses SET confirmed = 1, code_hash = NULL,
                     code_expires_at_ms = NULL, code_tries_left = 0, updated_at_ms = ?2
                 WHERE user_id = ?1",
            )
            .bind(Id(user))
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            audit::record(&mut tx, entry).await?;
        } else if live {
            sqlx::query(
                "UPDATE email_addresses SET code_tries_left = code_tries_left - 1
                 WHERE user_id = ?",
            )
            .bind(Id(user))
            .execute(&mut *tx)
            .await?;
        }
        self.writer.commit(tx).await?;
        Ok(right)
    }

    pub async fn set_email_mode(
        &self,
        user: Uuid,
        mode: EmailMode,
        now_ms: i64,
        digest_every_ms: i64,
        entry: Entry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin().await?;
        let changed = if mode == EmailMode::Off {
            sqlx::query(
                "UPDATE email_addresses SET mode = 'off', digest_since_ms = NULL,
                     digest_next_at_ms = NULL, updated_at_ms = ?2
                 WHERE user_id = ?1",
            )
            .bind(Id(user))
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            true
        } else {
            // Choosing digest again keeps the period running.
            sqlx::query(
                "UPDATE email_addresses SET mode = ?2,
                     digest_since_ms = CASE WHEN ?2 <> 'digest' THEN NULL
                                            WHEN mode = 'digest' THEN digest_since_ms
                                            ELSE ?3 END,
                     digest_next_at_ms = CASE WHEN ?2 <> 'digest' THEN NULL
                                              WHEN mode = 'digest' THEN digest_next_at_ms
                                              ELSE ?3 + ?4 END,
                     updated_at_ms = ?3
                 WHERE user_id = ?1 AND confirmed = 1 AND address IS NOT NULL",
            )
            .bind(Id(user))
            .bind(mode.as_str())
            .bind(now_ms)
            .bind(digest_every_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0
        };
        if changed {
            audit::record(&mut tx, entry).await?;
        }
        self.writer.commit(tx).await?;
        Ok(changed)
    }

    pub async fn forget_email(&self, user: Uuid, entry: Entry) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let forgotten = sqlx::query(
            "UPDATE email_addresses SET address = NULL, confirmed = 0, mode = 'off',
                 code_hash = NULL, code_expires_at_ms = NULL, code_tries_left = 0,
                 digest_since_ms = NULL, digest_next_at_ms = NULL
             WHERE user_id = ? AND address IS NOT NULL",
        )
        .bind(Id(user))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("DELETE FROM email_outbox WHERE user_id = ? AND claimed_at_ms IS NULL")
            .bind(Id(user))
            .execute(&mut *tx)
            .await?;
        if forgotten > 0 {
            audit::record(&mut tx, entry).await?;
        }
        self.writer.commit(tx).await?;
        Ok(())
    }

    pub async fn post_mail_recipients(
        &self,
        post: &PushPost,
    ) -> Result<Option<(MailGroup, Vec<MailRecipient>)>, StoreError> {
        let group: Option<MailGroupRow> =
            sqlx::query_as("SELECT id, kind, name, patient_name FROM groups WHERE id = ?")
                .bind(Id(post.group_id))
                .fetch_optional(&self.read)
                .await?;
        let Some(group) = group else {
            return Ok(None);
        };
        let sql = post_recipients_sql();
        let recipients: Vec<(Id, String)> = sqlx::query_as(&sql)
            .bind(Id(post.group_id))
            .bind(post.timeline.as_str())
            .bind(Id(post.author))
            .bind(post.urgent)
            .fetch_all(&self.read)
            .await?;
        Ok(Some((
            group.into(),
            recipients
                .into_iter()
                .map(|(id, address)| MailRecipient {
                    user_id: id.into_uuid(),
                    address,
                })
                .collect(),
        )))
    }

    pub async fn enqueue_mails(&self, mails: &[NewMail], now_ms: i64) -> Result<(), StoreError> {
        if mails.is_empty() {
            return Ok(());
        }
        let mut tx = self.writer.begin().await?;
        for mail in mails {
            insert_mail(&mut tx, mail, now_ms).await?;
        }
        self.writer.commit(tx).await?;
        Ok(())
    }

    pub async fn claim_mails(
        &self,
        now_ms: i64,
        stale_before_ms: i64,
        limit: i64,
    ) -> Result<Vec<QueuedMail>, StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(&drop_undeliverable_sql())
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        let rows: Vec<OutboxRow> = sqlx::query_as(CLAIM_MAILS)
            .bind(now_ms)
            .bind(stale_before_ms)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        self.writer.commit(tx).await?;
        Ok(rows.into_iter().map(queued).collect())
    }

    pub async fn delete_mail(&self, id: i64) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM email_outbox WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.writer.commit(tx).await?;
        Ok(())
    }

    pub async fn retry_mail(&self, id: i64, next_at_ms: i64) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "UPDATE email_outbox SET attempts = attempts + 1, next_at_ms = ?2,
                 claimed_at_ms = NULL
             WHERE id = ?1",
        )
        .bind(id)
        .bind(next_at_ms)
        .execute(&mut *tx)
        .await?;
        self.writer.commit(tx).await?;
        Ok(())
    }

    pub async fn next_mail_due(&self) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT MIN(next_at_ms) FROM email_outbox WHERE claimed_at_ms IS NULL",
        )
        .fetch_one(&self.read)
        .await?)
    }

    pub async fn queue_digests(
        &self,
        now_ms: i64,
        every_ms: i64,
        limit: i64,
        render: DigestRender<'_>,
    ) -> Result<usize, StoreError> {
        let mut tx = self.writer.begin().await?;
        // The one write connection: nobody else claims between this read and the update.
        let due: Vec<DueRow> = sqlx::query_as(&due_digests_sql())
            .bind(now_ms)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        let groups_sql = rows::digest_groups_sql("?1", "?2", "?3");
        let mut queued = 0;
        for row in due {
            sqlx::query(
                "UPDATE email_addresses SET digest_since_ms = ?2, digest_next_at_ms = ?2 + ?3
                 WHERE user_id = ?1",
            )
            .bind(row.user_id)
            .bind(now_ms)
            .bind(every_ms)
            .execute(&mut *tx)
            .await?;
            let groups: Vec<DigestGroupRow> = sqlx::query_as(&groups_sql)
                .bind(row.user_id)
                .bind(row.since_ms)
                .bind(now_ms)
                .fetch_all(&mut *tx)
                .await?;
            let entries: Vec<DigestEntry> = groups.into_iter().map(digest_entry).collect();
            let due = DigestDue {
                user_id: row.user_id.into_uuid(),
                address: row.address,
                since_ms: row.since_ms,
            };
            if let Some(mail) = render(&due, &entries) {
                insert_mail(&mut tx, &mail, now_ms).await?;
                queued += 1;
            }
        }
        self.writer.commit(tx).await?;
        Ok(queued)
    }
}

async fn insert_mail(
    db: &mut sqlx::SqliteConnection,
    mail: &NewMail,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO email_outbox (user_id, to_address, subject, body, created_at_ms, next_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )
    .bind(Id(mail.user_id))
    .bind(&mail.to)
    .bind(&mail.subject)
    .bind(&mail.body)
    .bind(now_ms)
    .execute(db)
    .await?;
    Ok(())
}

fn queued(r: OutboxRow) -> QueuedMail {
    QueuedMail {
        id: r.id,
        to: r.to_address,
        subject: r.subject,
        body: r.body,
        attempts: i32::try_from(r.attempts).unwrap_or(i32::MAX),
    }
}

fn digest_entry(r: DigestGroupRow) -> DigestEntry {
    DigestEntry {
        group: r.group.into(),
        unread: u32::try_from(r.unread).unwrap_or(u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn plan(db: &sqlx::SqlitePool, sql: &str, binds: usize) -> String {
        let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(sql);
        for _ in 0..binds {
            query = query.bind(1_i64);
        }
        let rows = query.fetch_all(db).await.unwrap();
        rows.into_iter()
            .map(|(.., detail)| detail)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The sender and the digest loop run every few seconds on every instance: their
    /// queries go through indexes, never through the whole outbox, address or post tables.
    #[tokio::test]
    async fn the_mail_loops_read_through_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let db = crate::db::connect_sqlite(&url).await.unwrap();
        let claim = plan(&db.read, &format!("EXPLAIN QUERY PLAN {CLAIM_MAILS}"), 3).await;
        assert!(claim.contains("email_outbox_due"), "{claim}");
        let drop = plan(
            &db.read,
            &format!("EXPLAIN QUERY PLAN {}", drop_undeliverable_sql()),
            1,
        )
        .await;
        assert!(drop.contains("email_outbox_due"), "{drop}");
        let due = plan(
            &db.read,
            &format!("EXPLAIN QUERY PLAN {}", due_digests_sql()),
            2,
        )
        .await;
        assert!(due.contains("email_addresses_digest_due"), "{due}");
        let groups = plan(
            &db.read,
            &format!(
                "EXPLAIN QUERY PLAN {}",
                rows::digest_groups_sql("?1", "?2", "?3")
            ),
            3,
        )
        .await;
        assert!(
            groups.contains("SEARCH p USING INDEX posts_timeline"),
            "{groups}"
        );
        assert!(
            !groups.contains("SCAN p\n") && !groups.ends_with("SCAN p"),
            "{groups}"
        );
        let recipients = plan(
            &db.read,
            &format!("EXPLAIN QUERY PLAN {}", post_recipients_sql()),
            4,
        )
        .await;
        assert!(recipients.contains("SEARCH m USING INDEX"), "{recipients}");
        assert!(!recipients.contains("SCAN ea"), "{recipients}");
        assert!(
            !recipients.contains("SCAN u\n") && !recipients.ends_with("SCAN u"),
            "{recipients}"
        );
    }
}
