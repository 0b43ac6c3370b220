//! Groups and the caller's membership of them, on PostgreSQL. Every write to an existing
//! group first takes [`lock_group`], so concurrent edits, archiving and membership changes of
//! one group decide one after the other on committed rows.

use sqlx::PgExecutor;
use tsunagu_api::{
    Group, GroupKind, MemberRole, PhysicianRule, Profession, SystemEventKind, Timeline,
};
use uuid::Uuid;

use super::membership_writes::{insert_pending, lock_group, member_changed, role_of, system_entry};
use super::posts::refuse_nul;
use super::write_tx::WriteTx;
use super::PgStore;
use crate::audit::{Action, Entry};
use crate::cursor::Cursor;
use crate::domain::group::patient_group_name;
use crate::domain::membership::{Denied, Membership};
use crate::store::id::Id;
use crate::store::rows::{
    select_my_groups, Editable, GroupRow, MembershipRow, EDITABLE_COLUMNS, SELECT_MEMBERSHIP,
};
use crate::store::{GroupEdit, NewGroupRow, PatientFields, StoreError};
use crate::time::now_ms;

/// The caller's membership with what the rules need of the group, inside another operation's
/// transaction (a write decides on the rows as they are in it, after [`lock_group`]).
pub async fn membership_in(
    db: impl PgExecutor<'_>,
    group_id: Uuid,
    user_id: Uuid,
) -> Result<Option<Membership>, StoreError> {
    let row: Option<MembershipRow> = sqlx::query_as(&format!(
        "{SELECT_MEMBERSHIP} WHERE m.group_id = $1 AND m.user_id = $2"
    ))
    .bind(group_id)
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(MembershipRow::into_membership))
}

/// [`refuse_nul`] for a group's texts: a workplace group's name, a patient's profile.
fn refuse_nul_in(name: Option<&str>, patient: Option<&PatientFields>) -> Result<(), StoreError> {
    if let Some(name) = name {
        refuse_nul("name", name)?;
    }
    if let Some(p) = patient {
        refuse_nul("patient.name", &p.name)?;
        refuse_nul("patient.name_kana", &p.name_kana)?;
        if let Some(birth_date) = &p.birth_date {
            refuse_nul("patient.birth_date", birth_date)?;
        }
        refuse_nul("patient.notes", &p.notes)?;
    }
    Ok(())
}

/// The group list's statement on PostgreSQL: `$1` is the caller.
fn my_groups() -> String {
    select_my_groups("$1", "(lp.system::json ->> 'kind')")
}

/// One group as the caller sees it, or 404.
pub async fn fetch_group(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    group_id: Uuid,
) -> Result<Group, StoreError> {
    let row: GroupRow = sqlx::query_as(&format!("{} AND id = $2", my_groups()))
        .bind(user_id)
        .bind(group_id)
        .fetch_optional(db)
        .await?
        .ok_or(Denied::NotFound)?;
    Ok(row.into_group())
}

impl PgStore {
    /// See [`crate::store::Store::is_professional`].
    pub async fn is_professional(
        &self,
        user: Uuid,
        profession: Profession,
        group: Option<Uuid>,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM users u
                WHERE u.id = $1 AND NOT u.disabled AND u.profession = $2
                  AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM group_members m
                       WHERE m.group_id = $3 AND m.user_id = u.id AND m.role <> 'family')))",
        )
        .bind(user)
        .bind(profession.as_str())
        .bind(group)
        .fetch_one(&self.pool)
        .await?)
    }

    /// See [`crate::store::Store::is_any_professional`].
    pub async fn is_any_professional(&self, user: Uuid) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM users
                WHERE id = $1 AND NOT disabled AND profession <> 'family')",
        )
        .bind(user)
        .fetch_one(&self.pool)
        .await?)
    }

    /// See [`crate::store::Store::create_group`]. No lock: nobody else knows the new group's
    /// id before the commit.
    pub async fn create_group(&self, new: NewGroupRow<'_>) -> Result<Group, StoreError> {
        let NewGroupRow {
            creator,
            kind,
            name,
            name_kana,
            patient,
            rule,
            audit,
        } = new;
        // A patient group's name is made of the patient's, checked with the profile.
        let own_name = patient.is_none().then_some(name.as_str());
        refuse_nul_in(own_name, patient.as_ref())?;
        let group_id = Uuid::now_v7();
        let now = now_ms();
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        sqlx::query(
            "INSERT INTO groups (id, kind, name, name_kana, created_by, created_at_ms,
                                 patient_name, patient_name_kana, patient_birth_date,
                                 attending_physician_id, care_manager_id, patient_notes,
                                 physician_rule)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(group_id)
        .bind(kind.as_str())
        .bind(&name)
        .bind(&name_kana)
        .bind(creator)
        .bind(now)
        .bind(patient.as_ref().map(|p| p.name.clone()))
        .bind(patient.as_ref().map(|p| p.name_kana.clone()))
        .bind(patient.as_ref().and_then(|p| p.birth_date.clone()))
        .bind(patient.as_ref().and_then(|p| p.attending_physician_id))
        .bind(patient.as_ref().and_then(|p| p.care_manager_id))
        .bind(
            patient
                .as_ref()
                .map(|p| p.notes.clone())
                .unwrap_or_default(),
        )
        .bind(rule.map(PhysicianRule::as_str))
        .execute(tx.conn())
        .await?;

        let mut members = vec![(creator, MemberRole::Admin)];
        if let Some(p) = &patient {
            if let Some(physician) = p.attending_physician_id {
                members.push((physician, MemberRole::Admin));
            }
            if let Some(cm) = p.care_manager_id {
                members.push((cm, MemberRole::Member));
            }
        }
        for (user, role) in members {
            // The first role wins: the creator stays admin if also named as care manager.
            sqlx::query(
                "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (group_id, user_id) DO NOTHING",
            )
            .bind(group_id)
            .bind(user)
            .bind(role.as_str())
            .bind(now)
            .execute(tx.conn())
            .await?;
        }
        system_entry(
            &mut tx,
            group_id,
            Timeline::Care,
            SystemEventKind::GroupCreated,
            creator,
            None,
            None,
        )
        .await?;
        // The physician and care manager named in the profile are in a new group too.
        member_changed(&mut tx, group_id);
        tx.audit(audit(group_id)).await?;
        let group = fetch_group(tx.conn(), creator, group_id).await?;
        tx.commit().await?;
        Ok(group)
    }

    /// See [`crate::store::Store::archive_group`]. Under [`lock_group`], so no membership
    /// change or edit of the group runs between the check and the flag.
    pub async fn archive_group(
        &self,
        caller: Uuid,
        group_id: Uuid,
        audit: Entry,
    ) -> Result<Group, StoreError> {
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        lock_group(&mut tx, group_id).await?;
        let me = membership_in(tx.conn(), group_id, caller)
            .await?
            .ok_or(Denied::NotFound)?;
        me.require_writable()?;
        me.require_admin()?;
        // The entry goes in before the flag: after it, the group takes no writes.
        system_entry(
            &mut tx,
            group_id,
            Timeline::Care,
            SystemEventKind::GroupArchived,
            caller,
            None,
            None,
        )
        .await?;
        sqlx::query("UPDATE groups SET archived = true WHERE id = $1")
            .bind(group_id)
            .execute(tx.conn())
            .await?;
        member_changed(&mut tx, group_id);
        tx.audit(audit).await?;
        let group = fetch_group(tx.conn(), caller, group_id).await?;
        tx.commit().await?;
        Ok(group)
    }

    /// See [`crate::store::Store::groups_of`].
    pub async fn groups_of(
        &self,
        user: Uuid,
        kind: Option<GroupKind>,
        before: Option<Cursor>,
        limit: i64,
    ) -> Result<Vec<(Group, Cursor)>, StoreError> {
        let mut sql = my_groups();
        let mut n = 1;
        if kind.is_some() {
            n += 1;
            sql.push_str(&format!(" AND kind = ${n}"));
        }
        if before.is_some() {
            sql.push_str(&format!(
                " AND (activity_ms < ${ms} OR (activity_ms = ${ms} AND id < ${id}))",
                ms = n + 1,
                id = n + 2
            ));
            n += 2;
        }
        sql.push_str(&format!(
            " ORDER BY activity_ms DESC, id DESC LIMIT ${}",
            n + 1
        ));
        let mut query = sqlx::query_as(&sql).bind(user);
        if let Some(kind) = kind {
            query = query.bind(kind.as_str());
        }
        if let Some(c) = before {
            query = query.bind(c.ms).bind(c.id);
        }
        let rows: Vec<GroupRow> = query.bind(limit).fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let cursor = r.cursor();
                (r.into_group(), cursor)
            })
            .collect())
    }

    /// See [`crate::store::Store::group`].
    pub async fn group(&self, user: Uuid, group_id: Uuid) -> Result<Option<Group>, StoreError> {
        match fetch_group(&self.pool, user, group_id).await {
            Ok(group) => Ok(Some(group)),
            Err(StoreError::Refused(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// See [`crate::store::Store::membership`].
    pub async fn membership(
        &self,
        group_id: Uuid,
        user_id: Uuid,
    ) -> Result<Option<Membership>, StoreError> {
        membership_in(&self.pool, group_id, user_id).await
    }

    /// See [`crate::store::Store::update_group`]. Under [`lock_group`]: the caller's role, the
    /// current physician and the columns compared are read after it, so two edits (or an edit
    /// and a removal of the physician) cannot both decide on the same old state.
    pub async fn update_group(&self, edit: GroupEdit) -> Result<(Group, bool), StoreError> {
        let GroupEdit {
            caller,
            group_id,
            name,
            patient,
            rule,
            client_ip: ip,
        } = edit;
        let mut tx = WriteTx::begin(&self.pool, &self.live).await?;
        lock_group(&mut tx, group_id).await?;
        let me = membership_in(tx.conn(), group_id, caller)
            .await?
            .ok_or(Denied::NotFound)?;
        me.require_writable()?;
        me.require_admin()?;
        refuse_nul_in(name.as_deref(), patient.as_ref())?;
        let before: Editable = sqlx::query_as(&format!(
            "SELECT {EDITABLE_COLUMNS} FROM groups WHERE id = $1"
        ))
        .bind(group_id)
        .fetch_one(tx.conn())
        .await?;
        let rule = rule
            .map(PhysicianRule::as_str)
            .filter(|rule| before.physician_rule.as_deref() != Some(*rule));
        if rule.is_some() {
            me.require_physician_for_rule(caller)?;
        }
        let mut after = before.clone();
        if let Some(name) = name {
            after.name = name;
        }
        // `Some(successor)` when the physician changes; whether at once or on request depends on
        // who asks.
        let mut physician_change = None;
        if let Some(p) = patient {
            after.name = patient_group_name(&p.name);
            after.name_kana = Some(p.name_kana.clone());
            after.patient_name = Some(p.name);
            after.patient_name_kana = Some(p.name_kana);
            after.patient_birth_date = p.birth_date;
            after.care_manager_id = p.care_manager_id.map(Id);
            after.patient_notes = p.notes;
            let current = before.attending_physician_id.map(Id::into_uuid);
            if p.attending_physician_id != current {
                physician_change = Some(p.attending_physician_id);
                if !me.physician_decides(caller) {
                    after.attending_physician_id = p.attending_physician_id.map(Id);
                }
            }
        }
        if let Some(rule) = rule {
            after.physician_rule = Some(rule.to_owned());
        }

        let mut changed = false;
        let profile_changed = Editable {
            attending_physician_id: before.attending_physician_id,
            physician_rule: before.physician_rule.clone(),
            ..after.clone()
        } != before;
        if after != before {
            sqlx::query(
                "UPDATE groups SET name = $1, name_kana = $2, patient_name = $3,
                     patient_name_kana = $4, patient_birth_date = $5, attending_physician_id = $6,
                     care_manager_id = $7, patient_notes = $8, physician_rule = $9
                 WHERE id = $10",
            )
            .bind(&after.name)
            .bind(&after.name_kana)
            .bind(&after.patient_name)
            .bind(&after.patient_name_kana)
            .bind(&after.patient_birth_date)
            .bind(after.attending_physician_id)
            .bind(after.care_manager_id)
            .bind(&after.patient_notes)
            .bind(&after.physician_rule)
            .bind(group_id)
            .execute(tx.conn())
            .await?;
        }
        if profile_changed {
            changed = true;
            system_entry(
                &mut tx,
                group_id,
                Timeline::Care,
                SystemEventKind::ProfileUpdated,
                caller,
                None,
                None,
            )
            .await?;
        }
        if let Some(rule) = rule {
            changed = true;
            system_entry(
                &mut tx,
                group_id,
                Timeline::Care,
                SystemEventKind::PhysicianRuleChanged,
                caller,
                None,
                Some(rule),
            )
            .await?;
        }
        let mut accepted = false;
        if let Some(successor) = physician_change {
            changed = true;
            let (kind, action, detail) = if me.physician_decides(caller) {
                accepted = true;
                let role = match successor {
                    Some(s) => role_of(tx.conn(), group_id, s)
                        .await?
                        .unwrap_or(MemberRole::Member),
                    None => MemberRole::Member,
                };
                insert_pending(
                    &mut tx,
                    group_id,
                    "physician_change",
                    successor,
                    role,
                    caller,
                )
                .await?;
                let detail = if successor.is_some() {
                    "change"
                } else {
                    "clear"
                };
                (
                    SystemEventKind::PhysicianChangeRequested,
                    Action::PhysicianChangeRequest,
                    Some(detail),
                )
            } else {
                (
                    SystemEventKind::PhysicianChanged,
                    Action::PhysicianHandover,
                    None,
                )
            };
            system_entry(
                &mut tx,
                group_id,
                Timeline::Care,
                kind,
                caller,
                successor,
                detail,
            )
            .await?;
            let mut entry = Entry::new(action, Some(caller), ip).group(group_id);
            if let Some(successor) = successor {
                entry = entry.target(successor);
            }
            tx.audit(entry).await?;
        }
        if changed {
            member_changed(&mut tx, group_id);
        }
        tx.audit(Entry::new(Action::GroupUpdate, Some(caller), ip).group(group_id))
            .await?;
        let group = fetch_group(tx.conn(), caller, group_id).await?;
        tx.commit().await?;
        Ok((group, accepted))
    }
}
