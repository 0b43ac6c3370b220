//! Onboarding on PostgreSQL: the pledge, applications and the operator's decisions, settings,
//! facility staff, activation links and activation.

use std::net::IpAddr;

use sqlx::PgConnection;
use tsunagu_api::{
    Application, ApplicationForm, ApplicationReceipt, FacilityRef, Me, MemberRole, NewStaff,
    Pledge, Settings, StaffList, StaffMember, SystemEventKind,
};
use uuid::Uuid;

use super::groups::membership_in;
use super::membership_writes::role_of;
use super::membership_writes::{is_unique_violation, lock_group, remove_from_group};
use super::users::me_in;
use super::write_tx::WriteTx;
use super::PgStore;
use crate::audit::{Action, Entry};
use crate::domain::accounts::{may_suspend, Actor};
use crate::domain::membership::Denied;
use crate::domain::onboarding::{may_manage_staff, require_operator};
use crate::store::id::Id;
use crate::store::rows::{
    AccountRolesRow, ActivationRow, ApplicationRow, PledgeRow, StaffRow, SELECT_ACCOUNT_ROLES,
    SELECT_ACTIVATION, SELECT_APPLICATIONS, SELECT_CURRENT_PLEDGE, SELECT_STAFF,
};
use crate::store::{Activation, ActivationTarget, Approved, NewActivation, Refusal, StoreError};
use crate::time::{from_ms, now_ms};

/// The caller as the rules need them; `NotFound` for an unknown or disabled account.
async fn actor_in(conn: &mut PgConnection, id: Uuid) -> Result<Actor, StoreError> {
    let row: Option<AccountRolesRow> =
        sqlx::query_as(&format!("{SELECT_ACCOUNT_ROLES} $1 AND NOT disabled"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.ok_or(Denied::NotFound)?.actor(id))
}

async fn current_pledge(conn: &mut PgConnection) -> Result<Pledge, StoreError> {
    let row: PledgeRow = sqlx::query_as(SELECT_CURRENT_PLEDGE)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.into_pledge())
}

/// Whether an account or a pending application has the login ID (ignoring ASCII case).
async fn login_id_taken(conn: &mut PgConnection, login_id: &str) -> Result<bool, StoreError> {
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT 1::int8 FROM users WHERE login_key(login_id) = login_key($1)
         UNION ALL SELECT 1::int8 FROM applications
         WHERE login_key(login_id) = login_key($1) AND status = 'pending'
         LIMIT 1",
    )
    .bind(login_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(taken.is_some())
}

/// Stores a link for `user`, closing the older ones.
async fn insert_link(
    conn: &mut PgConnection,
    user: Uuid,
    actor: Option<Uuid>,
    link: NewActivation<'_>,
) -> Result<(), StoreError> {
    let now = now_ms();
    sqlx::query(
        "UPDATE activation_links SET used_at_ms = $1 WHERE user_id = $2 AND used_at_ms IS NULL",
    )
    .bind(now)
    .bind(user)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO activation_links (token_hash, user_id, created_by, created_at_ms,
                                       expires_at_ms)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(link.token_hash)
    .bind(user)
    .bind(actor)
    .bind(now)
    .bind(link.expires_at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Clears an account for a new activation link: whoever had its password or phone can no longer
/// log in or stay logged in; older links close.
async fn reset_for_activation(
    conn: &mut PgConnection,
    user: Uuid,
    actor: Uuid,
    link: NewActivation<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE users SET pending_activation = true, password_hash = '!', totp_secret = NULL,
             totp_enabled = false
         WHERE id = $1",
    )
    .bind(user)
    .execute(&mut *conn)
    .await?;
    for sql in [
        "DELETE FROM recovery_codes WHERE user_id = $1",
        "DELETE FROM push_subscriptions WHERE user_id = $1",
        "DELETE FROM sessions WHERE user_id = $1",
        "DELETE FROM trusted_devices WHERE user_id = $1",
    ] {
        sqlx::query(sql).bind(user).execute(&mut *conn).await?;
    }
    insert_link(conn, user, Some(actor), link).await
}

async fn staff_row(conn: &mut PgConnection, user: Uuid) -> Result<StaffMember, StoreError> {
    let row: StaffRow = sqlx::query_as(&format!("{SELECT_STAFF} WHERE id = $1"))
        .bind(user)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.into_staff())
}

/// The application, its row locked: two decisions on one application apply one after the other.
async fn application_row(conn: &mut PgConnection, id: Uuid) -> Result<ApplicationRow, StoreError> {
    let row: Option<ApplicationRow> = sqlx::query_as(&format!(
        "{SELECT_APPLICATIONS} WHERE a.id = $1 FOR UPDATE OF a"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.ok_or(Denied::NotFound)?)
}

/// Inserts a staff account waiting for activation (no usable password until then).
#[allow(clippy::too_many_arguments)]
async fn insert_pending_user(
    conn: &mut PgConnection,
    id: Uuid,
    login_id: &str,
    display_name: &str,
    display_name_kana: &str,
    profession: &str,
    facility: Uuid,
    is_facility_admin: bool,
) -> Result<(), StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO users (id, login_id, password_hash, display_name, display_name_kana,
                            profession, facility_id, created_at_ms, is_facility_admin,
                            pending_activation)
         VALUES ($1, $2, '!', $3, $4, $5, $6, $7, $8, true)",
    )
    .bind(id)
    .bind(login_id)
    .bind(display_name)
    .bind(display_name_kana)
    .bind(profession)
    .bind(facility)
    .bind(now_ms())
    .bind(is_facility_admin)
    .execute(&mut *conn)
    .await;
    match inserted {
        // The unique index decides between concurrent creations of one login ID.
        Err(e) if is_unique_violation(&e) => Err(Refusal::LoginIdTaken.into()),
        other => other.map(|_| ()).map_err(Into::into),
    }
}

impl PgStore {
    pub async fn pledge(&self) -> Result<Pledge, StoreError> {
        let mut conn = self.pool.acquire().await?;
        current_pledge(&mut conn).await
    }

    pub async fn publish_pledge(
        &self,
        actor: Uuid,
        text: &str,
        client_ip: Option<IpAddr>,
    ) -> Result<Pledge, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        require_operator(&actor_in(tx.conn(), actor).await?)?;
        // Two publications at once number their versions one after the other.
        sqlx::query("LOCK TABLE pledges IN SHARE ROW EXCLUSIVE MODE")
            .execute(tx.conn())
            .await?;
        sqlx::query(
            "INSERT INTO pledges (version, body, published_at_ms, published_by)
             SELECT MAX(version) + 1, $1, $2, $3 FROM pledges",
        )
        .bind(text)
        .bind(now_ms())
        .bind(actor)
        .execute(tx.conn())
        .await?;
        let pledge = current_pledge(tx.conn()).await?;
        tx.audit(Entry::new(Action::PledgePublish, Some(actor), client_ip))
            .await?;
        tx.commit().await?;
        Ok(pledge)
    }

    pub async fn submit_application(
        &self,
        form: &ApplicationForm,
        client_ip: Option<IpAddr>,
    ) -> Result<ApplicationReceipt, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        if current_pledge(tx.conn()).await?.version != form.pledge_version {
            return Err(Refusal::PledgeOutdated.into());
        }
        if login_id_taken(tx.conn(), &form.login_id).await? {
            return Err(Refusal::LoginIdTaken.into());
        }
        let id = Uuid::now_v7();
        let now = now_ms();
        let inserted = sqlx::query(
            "INSERT INTO applications (id, facility_name, facility_name_kana, facility_kind,
                 address, representative_name, representative_name_kana,
                 representative_profession, login_id, phone, email, pledge_version,
                 submitted_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(id)
        .bind(&form.facility_name)
        .bind(&form.facility_name_kana)
        .bind(form.facility_kind.as_str())
        .bind(&form.address)
        .bind(&form.representative_name)
        .bind(&form.representative_name_kana)
        .bind(form.representative_profession.as_str())
        .bind(&form.login_id)
        .bind(&form.phone)
        .bind(&form.email)
        .bind(form.pledge_version as i32)
        .bind(now)
        .execute(tx.conn())
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(Refusal::LoginIdTaken.into()),
            other => other?,
        };
        tx.audit(Entry::new(Action::ApplicationSubmit, None, client_ip).target(id))
            .await?;
        tx.commit().await?;
        Ok(ApplicationReceipt {
            id,
            submitted_at: from_ms(now),
        })
    }

    pub async fn applications(
        &self,
        actor: Uuid,
        client_ip: Option<IpAddr>,
    ) -> Result<Vec<Application>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        require_operator(&actor_in(&mut conn, actor).await?)?;
        let rows: Vec<ApplicationRow> = sqlx::query_as(&format!(
            "{SELECT_APPLICATIONS} ORDER BY a.submitted_at_ms DESC, a.id DESC LIMIT 500"
        ))
        .fetch_all(&mut *conn)
        .await?;
        drop(conn);
        self.audit(Entry::new(Action::ApplicationsRead, Some(actor), client_ip))
            .await?;
        Ok(rows
            .into_iter()
            .map(ApplicationRow::into_application)
            .collect())
    }

    pub async fn pending_applications(&self, actor: Uuid) -> Result<u32, StoreError> {
        let mut conn = self.pool.acquire().await?;
        require_operator(&actor_in(&mut conn, actor).await?)?;
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM applications WHERE status = 'pending'")
                .fetch_one(&mut *conn)
                .await?;
        Ok(n as u32)
    }

    pub async fn approve_application(
        &self,
        actor: Uuid,
        id: Uuid,
        link: NewActivation<'_>,
        client_ip: Option<IpAddr>,
    ) -> Result<Approved, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        require_operator(&actor_in(tx.conn(), actor).await?)?;
        let row = application_row(tx.conn(), id).await?;
        if !row.is_pending() {
            return Err(Refusal::ApplicationDecided.into());
        }
        let app = row.into_application();
        let form = &app.form;
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT 1::int8 FROM users WHERE login_key(login_id) = login_key($1)",
        )
        .bind(&form.login_id)
        .fetch_optional(tx.conn())
        .await?;
        if taken.is_some() {
            return Err(Refusal::LoginIdTaken.into());
        }
        let facility = Uuid::now_v7();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO facilities (id, name, name_kana, kind, created_at_ms)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(facility)
        .bind(&form.facility_name)
        .bind(&form.facility_name_kana)
        .bind(form.facility_kind.as_str())
        .bind(now)
        .execute(tx.conn())
        .await?;
        let user = Uuid::now_v7();
        insert_pending_user(
            tx.conn(),
            user,
            &form.login_id,
            &form.representative_name,
            &form.representative_name_kana,
            form.representative_profession.as_str(),
            facility,
            true,
        )
        .await?;
        // The representative accepted the pledge when applying.
        sqlx::query(
            "UPDATE users SET pledge_version = $1, pledge_accepted_at_ms = $2 WHERE id = $3",
        )
        .bind(form.pledge_version as i32)
        .bind(app.submitted_at.timestamp_millis())
        .bind(user)
        .execute(tx.conn())
        .await?;
        insert_link(tx.conn(), user, Some(actor), link).await?;
        sqlx::query(
            "UPDATE applications SET status = 'approved', decided_by = $1, decided_at_ms = $2,
                 facility_id = $3
             WHERE id = $4",
        )
        .bind(actor)
        .bind(now)
        .bind(facility)
        .bind(id)
        .execute(tx.conn())
        .await?;
        tx.audit(Entry::new(Action::ApplicationApprove, Some(actor), client_ip).target(id))
            .await?;
        tx.audit(Entry::new(Action::ActivationIssue, Some(actor), client_ip).target(user))
            .await?;
        tx.commit().await?;
        Ok(Approved {
            facility: FacilityRef {
                id: facility,
                name: form.facility_name.clone(),
                kind: form.facility_kind,
            },
            user_id: user,
            login_id: form.login_id.clone(),
        })
    }

    pub async fn reject_application(
        &self,
        actor: Uuid,
        id: Uuid,
        reason: &str,
        client_ip: Option<IpAddr>,
    ) -> Result<Application, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        require_operator(&actor_in(tx.conn(), actor).await?)?;
        if !application_row(tx.conn(), id).await?.is_pending() {
            return Err(Refusal::ApplicationDecided.into());
        }
        sqlx::query(
            "UPDATE applications SET status = 'rejected', decided_by = $1, decided_at_ms = $2,
                 reason = $3
             WHERE id = $4",
        )
        .bind(actor)
        .bind(now_ms())
        .bind(reason)
        .bind(id)
        .execute(tx.conn())
        .await?;
        let app = application_row(tx.conn(), id).await?.into_application();
        tx.audit(Entry::new(Action::ApplicationReject, Some(actor), client_ip).target(id))
            .await?;
        tx.commit().await?;
        Ok(app)
    }

    pub async fn settings(&self) -> Result<Settings, StoreError> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM settings WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        crate::store::parse_settings(body)
    }

    pub async fn put_settings(
        &self,
        actor: Uuid,
        settings: &Settings,
        client_ip: Option<IpAddr>,
    ) -> Result<(), StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        require_operator(&actor_in(tx.conn(), actor).await?)?;
        sqlx::query(
            "INSERT INTO settings (id, body) VALUES (1, $1)
             ON CONFLICT (id) DO UPDATE SET body = excluded.body",
        )
        .bind(serde_json::to_string(settings).map_err(anyhow::Error::from)?)
        .execute(tx.conn())
        .await?;
        tx.audit(Entry::new(Action::SettingsUpdate, Some(actor), client_ip))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn staff_of(
        &self,
        actor: Uuid,
        facility: Uuid,
        client_ip: Option<IpAddr>,
    ) -> Result<StaffList, StoreError> {
        let mut conn = self.pool.acquire().await?;
        may_manage_staff(&actor_in(&mut conn, actor).await?, facility)?;
        let found: Option<(String, String)> =
            sqlx::query_as("SELECT name, kind FROM facilities WHERE id = $1")
                .bind(facility)
                .fetch_optional(&mut *conn)
                .await?;
        let (name, kind) = found.ok_or(Denied::NotFound)?;
        let rows: Vec<StaffRow> = sqlx::query_as(&format!(
            "{SELECT_STAFF} WHERE facility_id = $1 AND profession <> 'family'
             ORDER BY display_name_kana, id"
        ))
        .bind(facility)
        .fetch_all(&mut *conn)
        .await?;
        drop(conn);
        self.audit(Entry::new(Action::StaffRead, Some(actor), client_ip).target(facility))
            .await?;
        Ok(StaffList {
            facility: FacilityRef {
                id: facility,
                name,
                kind: tsunagu_api::FacilityKind::parse(&kind),
            },
            items: rows.into_iter().map(StaffRow::into_staff).collect(),
        })
    }

    pub async fn taken_login_ids(&self, ids: &[String]) -> Result<Vec<String>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let mut taken = Vec::new();
        for id in ids {
            if login_id_taken(&mut conn, id).await? {
                taken.push(id.clone());
            }
        }
        Ok(taken)
    }

    pub async fn add_staff(
        &self,
        actor: Uuid,
        facility: Uuid,
        staff: &[(NewStaff, NewActivation<'_>)],
        imported: bool,
        client_ip: Option<IpAddr>,
    ) -> Result<Vec<StaffMember>, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        may_manage_staff(&actor_in(tx.conn(), actor).await?, facility)?;
        let exists: Option<i64> = sqlx::query_scalar(
            "SELECT 1::int8 FROM facilities WHERE id = $1 AND suspended_at_ms IS NULL",
        )
        .bind(facility)
        .fetch_optional(tx.conn())
        .await?;
        exists.ok_or(Denied::NotFound)?;
        let mut added = Vec::with_capacity(staff.len());
        for (new, link) in staff {
            if login_id_taken(tx.conn(), &new.login_id).await? {
                return Err(Refusal::LoginIdTaken.into());
            }
            let id = Uuid::now_v7();
            insert_pending_user(
                tx.conn(),
                id,
                &new.login_id,
                &new.display_name,
                &new.display_name_kana,
                new.profession.as_str(),
                facility,
                false,
            )
            .await?;
            insert_link(tx.conn(), id, Some(actor), *link).await?;
            let action = if imported {
                Action::StaffImport
            } else {
                Action::StaffAdd
            };
            tx.audit(Entry::new(action, Some(actor), client_ip).target(id))
                .await?;
            added.push(staff_row(tx.conn(), id).await?);
        }
        tx.commit().await?;
        Ok(added)
    }

    /// The target account's roles after `may_suspend` allowed `actor` to change it.
    async fn managed_target(
        conn: &mut PgConnection,
        actor: Uuid,
        user: Uuid,
    ) -> Result<(), StoreError> {
        let caller = actor_in(&mut *conn, actor).await?;
        let account: Option<AccountRolesRow> =
            sqlx::query_as(&format!("{SELECT_ACCOUNT_ROLES} $1"))
                .bind(user)
                .fetch_optional(&mut *conn)
                .await?;
        let account = account.ok_or(Denied::NotFound)?;
        may_suspend(&caller, &account.target(user))?;
        Ok(())
    }

    pub async fn reissue_activation(
        &self,
        actor: Uuid,
        user: Uuid,
        link: NewActivation<'_>,
        client_ip: Option<IpAddr>,
    ) -> Result<StaffMember, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        Self::managed_target(tx.conn(), actor, user).await?;
        let offboarded: Option<i64> = sqlx::query_scalar(
            "SELECT 1::int8 FROM users WHERE id = $1 AND offboarded_at_ms IS NOT NULL",
        )
        .bind(user)
        .fetch_optional(tx.conn())
        .await?;
        if offboarded.is_some() {
            return Err(Denied::NotFound.into());
        }
        reset_for_activation(tx.conn(), user, actor, link).await?;
        tx.audit(Entry::new(Action::ActivationIssue, Some(actor), client_ip).target(user))
            .await?;
        let staff = staff_row(tx.conn(), user).await?;
        tx.commit().await?;
        Ok(staff)
    }

    pub async fn reissue_family_activation(
        &self,
        actor: Uuid,
        group: Uuid,
        user: Uuid,
        link: NewActivation<'_>,
        client_ip: Option<IpAddr>,
    ) -> Result<StaffMember, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        let admin = membership_in(tx.conn(), group, actor)
            .await?
            .ok_or(Denied::NotFound)?;
        admin.require_writable()?;
        admin.require_admin()?;
        // Only the group's own family members: a professional's account is their facility's.
        if role_of(tx.conn(), group, user).await? != Some(MemberRole::Family) {
            return Err(Denied::NotFound.into());
        }
        reset_for_activation(tx.conn(), user, actor, link).await?;
        tx.audit(
            Entry::new(Action::ActivationIssue, Some(actor), client_ip)
                .group(group)
                .target(user),
        )
        .await?;
        let staff = staff_row(tx.conn(), user).await?;
        tx.commit().await?;
        Ok(staff)
    }

    pub async fn set_facility_suspended(
        &self,
        actor: Uuid,
        facility: Uuid,
        suspended: bool,
        client_ip: Option<IpAddr>,
    ) -> Result<Vec<Uuid>, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        require_operator(&actor_in(tx.conn(), actor).await?)?;
        let found: Option<i64> = sqlx::query_scalar("SELECT 1::int8 FROM facilities WHERE id = $1")
            .bind(facility)
            .fetch_optional(tx.conn())
            .await?;
        found.ok_or(Denied::NotFound)?;
        let sql = if suspended {
            "UPDATE users SET disabled = true, suspended_with_facility = true
             WHERE facility_id = $1 AND NOT disabled RETURNING id"
        } else {
            "UPDATE users SET disabled = false, suspended_with_facility = false
             WHERE facility_id = $1 AND suspended_with_facility RETURNING id"
        };
        let changed: Vec<Id> = sqlx::query_scalar(sql)
            .bind(facility)
            .fetch_all(tx.conn())
            .await?;
        if suspended {
            for user in &changed {
                for sql in [
                    "DELETE FROM push_subscriptions WHERE user_id = $1",
                    "DELETE FROM sessions WHERE user_id = $1",
                    "DELETE FROM trusted_devices WHERE user_id = $1",
                ] {
                    sqlx::query(sql).bind(*user).execute(tx.conn()).await?;
                }
            }
        }
        sqlx::query("UPDATE facilities SET suspended_at_ms = $1 WHERE id = $2")
            .bind(suspended.then(now_ms))
            .bind(facility)
            .execute(tx.conn())
            .await?;
        let action = if suspended {
            Action::FacilitySuspend
        } else {
            Action::FacilityReactivate
        };
        tx.audit(Entry::new(action, Some(actor), client_ip).target(facility))
            .await?;
        tx.commit().await?;
        Ok(changed.into_iter().map(Id::into_uuid).collect())
    }

    pub async fn offboard(
        &self,
        actor: Uuid,
        user: Uuid,
        client_ip: Option<IpAddr>,
    ) -> Result<(), StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        Self::managed_target(tx.conn(), actor, user).await?;
        let groups: Vec<(Id, String)> =
            sqlx::query_as("SELECT m.group_id, m.role FROM group_members m WHERE m.user_id = $1")
                .bind(user)
                .fetch_all(tx.conn())
                .await?;
        for (group, role) in groups {
            let group = group.into_uuid();
            lock_group(&mut tx, group).await?;
            remove_from_group(
                &mut tx,
                group,
                user,
                tsunagu_api::MemberRole::parse(&role),
                actor,
                SystemEventKind::MemberRemoved,
            )
            .await?;
            tx.audit(
                Entry::new(Action::MemberRemove, Some(actor), client_ip)
                    .group(group)
                    .target(user),
            )
            .await?;
        }
        sqlx::query(
            "UPDATE users SET disabled = true, offboarded_at_ms = $1, is_facility_admin = false
             WHERE id = $2",
        )
        .bind(now_ms())
        .bind(user)
        .execute(tx.conn())
        .await?;
        for sql in [
            "DELETE FROM push_subscriptions WHERE user_id = $1",
            "DELETE FROM sessions WHERE user_id = $1",
            "UPDATE activation_links SET used_at_ms = 0 WHERE user_id = $1 AND used_at_ms IS NULL",
            "DELETE FROM trusted_devices WHERE user_id = $1",
        ] {
            sqlx::query(sql).bind(user).execute(tx.conn()).await?;
        }
        tx.audit(Entry::new(Action::StaffOffboard, Some(actor), client_ip).target(user))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn activation(
        &self,
        token_hash: &str,
    ) -> Result<Option<ActivationTarget>, StoreError> {
        let row: Option<ActivationRow> = sqlx::query_as(&format!("{SELECT_ACTIVATION} $1"))
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(ActivationRow::into_target))
    }

    pub async fn begin_activation_two_factor(
        &self,
        token_hash: &str,
        secret: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        let done = sqlx::query(
            "UPDATE users SET totp_secret = $1, totp_enabled = false
             WHERE pending_activation AND NOT disabled AND id = (
                 SELECT user_id FROM activation_links
                 WHERE token_hash = $2 AND used_at_ms IS NULL AND expires_at_ms > $3)",
        )
        .bind(secret)
        .bind(token_hash)
        .bind(now_ms())
        .execute(tx.conn())
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(done == 1)
    }

    pub async fn activate(&self, a: Activation<'_>) -> Result<Me, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        // Single use: of two activations racing with one link, the second finds it used.
        let user: Option<Id> = sqlx::query_scalar(
            "UPDATE activation_links SET used_at_ms = $1
             WHERE token_hash = $2 AND used_at_ms IS NULL AND expires_at_ms > $1
               AND user_id IN (SELECT id FROM users WHERE pending_activation AND NOT disabled)
             RETURNING user_id",
        )
        .bind(a.session.now_ms)
        .bind(a.token_hash)
        .fetch_optional(tx.conn())
        .await?;
        let user = user.ok_or(Refusal::ActivationInvalid)?.into_uuid();
        if current_pledge(tx.conn()).await?.version != a.pledge_version {
            return Err(Refusal::PledgeOutdated.into());
        }
        sqlx::query(
            "UPDATE users SET password_hash = $1, pending_activation = false, pledge_version = $2,
                 pledge_accepted_at_ms = $3
             WHERE id = $4",
        )
        .bind(a.password_hash)
        .bind(a.pledge_version as i32)
        .bind(a.session.now_ms)
        .bind(user)
        .execute(tx.conn())
        .await?;
        if let Some((step, recovery)) = a.two_factor {
            sqlx::query("UPDATE users SET totp_enabled = true, totp_last_step = $1 WHERE id = $2")
                .bind(step)
                .bind(user)
                .execute(tx.conn())
                .await?;
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                .bind(user)
                .execute(tx.conn())
                .await?;
            for hash in recovery {
                sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                    .bind(user)
                    .bind(hash)
                    .execute(tx.conn())
                    .await?;
            }
        } else {
            // An enrolment started but not confirmed is not kept.
            sqlx::query("UPDATE users SET totp_secret = NULL, totp_enabled = false WHERE id = $1")
                .bind(user)
                .execute(tx.conn())
                .await?;
        }
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at_ms, last_seen_ms, expires_at_ms)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(a.session.token_hash)
        .bind(user)
        .bind(a.session.now_ms)
        .bind(a.session.now_ms)
        .bind(a.session.expires_at_ms)
        .execute(tx.conn())
        .await?;
        let client_ip = a.session.client_ip;
        tx.audit(Entry::new(Action::AccountActivate, Some(user), client_ip).target(user))
            .await?;
        if a.two_factor.is_some() {
            tx.audit(Entry::new(Action::TwoFactorEnable, Some(user), client_ip))
                .await?;
        }
        tx.audit(Entry::new(Action::SessionCreate, Some(user), client_ip))
            .await?;
        let me = me_in(tx.conn(), user)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the activated account is missing"))?;
        tx.commit().await?;
        Ok(me)
    }
}
