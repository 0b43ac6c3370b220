//! Notification mail on PostgreSQL: addresses, codes, modes, the outbox and digests (the
//! SQLite twin is `sqlite/email.rs`).

use tsunagu_api::EmailMode;
use uuid::Uuid;

use super::users::record_audit;
use super::PgStore;
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

impl PgStore {
    pub async fn email_settings(&self, user: Uuid) -> Result<StoredEmail, StoreError> {
        let row: Option<SettingsRow> = sqlx::query_as(
            "SELECT address, confirmed, mode FROM email_addresses WHERE user_id = $1",
        )
        .bind(Id(user))
        .fetch_optional(&self.pool)
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
        let mut tx = self.pool.begin().await?;
        // Two changes of one user's address at once take turns, so the count of
        // confirmation mails holds (the row may not exist yet: the user's is locked).
        sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE")
            .bind(Id(user))
            .execute(&mut *tx)
            .await?;
        let window: Option<WindowRow> = sqlx::query_as(
            "SELECT codes_window_start_ms, codes_in_window FROM email_addresses
             WHERE user_id = $1",
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
            tx.commit().await?;
            return Ok(CodeQueued::RateLimited {
                retry_after_ms: start + request.window_ms - now,
            });
        }
        sqlx::query(
            "INSERT INTO email_addresses (user_id, address, confirmed, mode, code_hash,
                 code_expires_at_ms, code_tries_left, codes_window_start_ms, codes_in_window,
                 digest_since_ms, digest_next_at_ms, updated_at_ms)
             VALUES ($1, $2, false, 'off', $3, $4, $5, $6, $7, NULL, NULL, $8)
             ON CONFLICT (user_id) DO UPDATE SET address = excluded.address, confirmed = false,
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
        sqlx::query("DELETE FROM email_outbox WHERE user_id = $1 AND claimed_at_ms IS NULL")
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
        record_audit(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(CodeQueued::Queued)
    }

    pub async fn confirm_email(
        &self,
        user: Uuid,
        code_hash: &str,
        now_ms: i64,
        entry: Entry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let row: Option<CodeRow> = sqlx::query_as(
            "SELECT code_hash, code_expires_at_ms, code_tries_left FROM email_addresses
             WHERE user_id = $1 AND address IS NOT NULL AND confirmed = false
             FOR UPDATE",
        )
        .bind(Id(user))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.commit().await?;
            return Ok(false);
        };
        let live = row.code_tries_left > 0 && row.code_expires_at_ms.is_some_and(|at| at > now_ms);
        let right = live && row.code_hash.as_deref() == Some(code_hash);
        if right {
            sqlx::query(
                "UPDATE email_addresses SET confirmed = true, code_hash = NULL,
                     code_expires_at_ms = NULL, code_tries_left = 0, updated_at_ms = $2
                 WHERE user_id = $1",
            )
            .bind(Id(user))
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            record_audit(&mut tx, entry).await?;
        } else if live {
            sqlx::query(
                "UPDATE email_addresses SET code_tries_left = code_tries_left - 1
                 WHERE user_id = $1",
            )
            .bind(Id(user))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
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
        let mut tx = self.pool.begin().await?;
        let changed = if mode == EmailMode::Off {
            sqlx::query(
                "UPDATE email_addresses SET mode = 'off', digest_since_ms = NULL,
                     digest_next_at_ms = NULL, updated_at_ms = $2
                 WHERE user_id = $1",
            )
            .bind(Id(user))
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            true
        } else {
            // Choosing digest again keeps the period running.
            sqlx::query(
                "UPDATE email_addresses SET mode = $2,
                     digest_since_ms = CASE WHEN $2 <> 'digest' THEN NULL
                                            WHEN mode = 'digest' THEN digest_since_ms
                                            ELSE $3 END,
                     digest_next_at_ms = CASE WHEN $2 <> 'digest' THEN NULL
                                              WHEN mode = 'digest' THEN digest_next_at_ms
                                              ELSE $3 + $4 END,
                     updated_at_ms = $3
                 WHERE user_id = $1 AND confirmed = true AND address IS NOT NULL",
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
            record_audit(&mut tx, entry).await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    pub async fn forget_email(&self, user: Uuid, entry: Entry) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let forgotten = sqlx::query(
            "UPDATE email_addresses SET address = NULL, confirmed = false, mode = 'off',
                 code_hash = NULL, code_expires_at_ms = NULL, code_tries_left = 0,
                 digest_since_ms = NULL, digest_next_at_ms = NULL
             WHERE user_id = $1 AND address IS NOT NULL",
        )
        .bind(Id(user))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("DELETE FROM email_outbox WHERE user_id = $1 AND claimed_at_ms IS NULL")
            .bind(Id(user))
            .execute(&mut *tx)
            .await?;
        if forgotten > 0 {
            record_audit(&mut tx, entry).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn post_mail_recipients(
        &self,
        post: &PushPost,
    ) -> Result<Option<(MailGroup, Vec<MailRecipient>)>, StoreError> {
        let group: Option<MailGroupRow> =
            sqlx::query_as("SELECT id, kind, name, patient_name FROM groups WHERE id = $1")
                .bind(Id(post.group_id))
                .fetch_optional(&self.pool)
                .await?;
        let Some(group) = group else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT m.user_id, ea.address {} AND {}",
            rows::post_readers(
                "JOIN email_addresses ea ON ea.user_id = m.user_id AND ea.confirmed = true
                     AND ea.mode = 'immediate' AND ea.address IS NOT NULL",
                "$1",
                "$2",
                "$3"
            ),
            rows::not_muted_unless("$4")
        );
        let recipients: Vec<(Id, String)> = sqlx::query_as(&sql)
            .bind(Id(post.group_id))
            .bind(post.timeline.as_str())
            .bind(Id(post.author))
            .bind(post.urgent)
            .fetch_all(&self.pool)
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
        let mut tx = self.pool.begin().await?;
        for mail in mails {
            insert_mail(&mut tx, mail, now_ms).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn claim_mails(
        &self,
        now_ms: i64,
        stale_before_ms: i64,
        limit: i64,
    ) -> Result<Vec<QueuedMail>, StoreError> {
        let mut tx = self.pool.begin().await?;
        // Due mails of accounts that can no longer log in (suspended or offboarded since the
        // mail was queued) are dropped: nobody reads them, and a reactivation should not
        // bring old ones.
        sqlx::query(&format!(
            "DELETE FROM email_outbox
             WHERE next_at_ms <= $1 AND claimed_at_ms IS NULL
               AND NOT EXISTS (SELECT 1 FROM users u
                               WHERE u.id = email_outbox.user_id AND {})",
            rows::USER_CAN_LOG_IN
        ))
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let rows: Vec<OutboxRow> = sqlx::query_as(
            "UPDATE email_outbox SET claimed_at_ms = $1
             WHERE id IN (SELECT id FROM email_outbox
                          WHERE next_at_ms <= $1
                            AND (claimed_at_ms IS NULL OR claimed_at_ms < $2)
                          ORDER BY next_at_ms LIMIT $3
                          FOR UPDATE SKIP LOCKED)
               -- Checked again on the row as another instance may just have claimed it.
               AND (claimed_at_ms IS NULL OR claimed_at_ms < $2)
             RETURNING id, to_address, subject, body, attempts",
        )
        .bind(now_ms)
        .bind(stale_before_ms)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(queued).collect())
    }

    pub async fn delete_mail(&self, id: i64) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM email_outbox WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn retry_mail(&self, id: i64, next_at_ms: i64) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE email_outbox SET attempts = attempts + 1, next_at_ms = $2,
                 claimed_at_ms = NULL
             WHERE id = $1",
        )
        .bind(id)
        .bind(next_at_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn next_mail_due(&self) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT MIN(next_at_ms) FROM email_outbox WHERE claimed_at_ms IS NULL",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn queue_digests(
        &self,
        now_ms: i64,
        every_ms: i64,
        limit: i64,
        render: DigestRender<'_>,
    ) -> Result<usize, StoreError> {
        let mut tx = self.pool.begin().await?;
        // Locked until the commit: another instance skips these members.
        let due: Vec<DueRow> = sqlx::query_as(&format!(
            "SELECT ea.user_id, ea.address, COALESCE(ea.digest_since_ms, $1) AS since_ms
             FROM email_addresses ea JOIN users u ON u.id = ea.user_id AND {}
             WHERE ea.mode = 'digest' AND ea.digest_next_at_ms <= $1
               AND ea.confirmed = true AND ea.address IS NOT NULL
             ORDER BY ea.digest_next_at_ms LIMIT $2
             FOR UPDATE OF ea SKIP LOCKED",
            rows::USER_CAN_LOG_IN
        ))
        .bind(now_ms)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let groups_sql = rows::digest_groups_sql("$1", "$2", "$3");
        let mut queued = 0;
        for row in due {
            sqlx::query(
                "UPDATE email_addresses SET digest_since_ms = $2, digest_next_at_ms = $2 + $3
                 WHERE user_id = $1",
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
        tx.commit().await?;
        Ok(queued)
    }
}

async fn insert_mail(
    db: &mut sqlx::PgConnection,
    mail: &NewMail,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO email_outbox (user_id, to_address, subject, body, created_at_ms, next_at_ms)
         VALUES ($1, $2, $3, $4, $5, $5)",
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
