//! Groups and the caller's membership of them.

use sqlx::types::uuid::fmt::Hyphenated;
use sqlx::SqliteExecutor;
use tsunagu_api::{
    Author, Group, GroupKind, MemberRole, PhysicianRule, Profession, SystemEventKind, Timeline,
};
use uuid::Uuid;

use super::membership_writes::{insert_pending, member_changed, role_of, system_entry};
use super::write_tx::WriteTx;
use super::SqliteStore;
use crate::audit::{Action, Entry};
use crate::cursor::Cursor;
use crate::domain::group::patient_group_name;
use crate::domain::membership::{Denied, Membership};
use crate::store::id::Id;
use crate::store::rows::{
    self, Editable, GroupRow, MembershipRow, EDITABLE_COLUMNS, SELECT_MEMBERSHIP,
};
use crate::store::{GroupEdit, NewGroupRow, StoreError};
use crate::time::now_ms;

/// The caller's membership with what the rules need of the group, inside another operation's
/// transaction (a write decides on the rows as they are in it).
pub async fn membership_in(
    db: impl SqliteExecutor<'_>,
    group_id: Uuid,
    user_id: Uuid,
) -> Result<Option<Membership>, StoreError> {
    let row: Option<MembershipRow> = sqlx::query_as(&format!(
        "{SELECT_MEMBERSHIP} WHERE m.group_id = ? AND m.user_id = ?"
    ))
    .bind(group_id.hyphenated())
    .bind(user_id.hyphenated())
    .fetch_optional(db)
    .await?;
    Ok(row.map(MembershipRow::into_membership))
}

/// An `Author` from the columns of a LEFT JOINed user.
pub fn author(
    id: Option<Hyphenated>,
    name: Option<String>,
    profession: Option<String>,
    facility_name: Option<String>,
) -> Option<Author> {
    rows::author(
        id.map(|id| Id(id.into_uuid())),
        name,
        profession,
        facility_name,
    )
}

fn select_my_groups() -> String {
    rows::select_my_groups("?", "json_extract(lp.system, '$.kind')")
}

/// One group as the caller sees it, or 404.
pub async fn fetch_group(
    db: impl SqliteExecutor<'_>,
    user_id: Uuid,
    group_id: Uuid,
) -> Result<Group, StoreError> {
    let row: GroupRow = sqlx::query_as(&format!("{} AND id = ?", select_my_groups()))
        .bind(user_id.hyphenated())
        .bind(group_id.hyphenated())
        .fetch_optional(db)
        .await?
        .ok_or(Denied::NotFound)?;
    Ok(row.into_group())
}

impl SqliteStore {
    pub async fn is_professional(
        &self,
        user: Uuid,
        profession: Profession,
        group: Option<Uuid>,
    ) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM users u WHERE u.id = ? AND u.disabled = 0 AND u.profession = ?
               AND (? IS NULL OR EXISTS (SELECT 1 FROM group_members m
                    WHERE m.group_id = ? AND m.user_id = u.id AND m.role <> 'family'))",
        )
        .bind(user.hyphenated())
        .bind(profession.as_str())
        .bind(group.map(|g| g.hyphenated()))
        .bind(group.map(|g| g.hyphenated()))
        .fetch_optional(&self.read)
        .await?;
        Ok(found.is_some())
    }

    pub async fn is_any_professional(&self, user: Uuid) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM users WHERE id = ? AND disabled = 0 AND profession <> 'family'",
        )
        .bind(user.hyphenated())
        .fetch_optional(&self.read)
        .await?;
        Ok(found.is_some())
    }

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
        let group_id = Uuid::now_v7();
        let now = now_ms();
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        sqlx::query(
            "INSERT INTO groups (id, kind, name, name_kana, created_by, created_at_ms,
                                 patient_name, patient_name_kana, patient_birth_date,
                                 attending_physician_id, care_manager_id, patient_notes,
                                 physician_rule)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(group_id.hyphenated())
        .bind(kind.as_str())
        .bind(&name)
        .bind(&name_kana)
        .bind(creator.hyphenated())
        .bind(now)
        .bind(patient.as_ref().map(|p| p.name.clone()))
        .bind(patient.as_ref().map(|p| p.name_kana.clone()))
        .bind(patient.as_ref().and_then(|p| p.birth_date.clone()))
        .bind(
            patient
                .as_ref()
                .and_then(|p| p.attending_physician_id)
                .map(|u| u.hyphenated()),
        )
        .bind(
            patient
                .as_ref()
                .and_then(|p| p.care_manager_id)
                .map(|u| u.hyphenated()),
        )
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
                 VALUES (?, ?, ?, ?)
                 ON CONFLICT (group_id, user_id) DO NOTHING",
            )
            .bind(group_id.hyphenated())
            .bind(user.hyphenated())
            .bind(role.as_str())
            .bind(now)
            .execute(tx.conn())
            .await?;
        }
        let created = system_entry(
            tx.conn(),
            group_id,
            Timeline::Care,
            SystemEventKind::GroupCreated,
            creator,
            None,
            None,
        )
        .await?;
        tx.published(created);
        // The physician and care manager named in the profile are in a new group too.
        let changed = member_changed(tx.conn(), group_id).await?;
        tx.published(changed);
        tx.audit(audit(group_id)).await?;
        let group = fetch_group(tx.conn(), creator, group_id).await?;
        tx.commit().await?;
        Ok(group)
    }

    pub async fn archive_group(
        &self,
        caller: Uuid,
        group_id: Uuid,
        audit: Entry,
    ) -> Result<Group, StoreError> {
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        let me = membership_in(tx.conn(), group_id, caller)
            .await?
            .ok_or(Denied::NotFound)?;
        me.require_writable()?;
        me.require_admin()?;
        // The entry goes in before the flag: after it, the group takes no writes.
        let entry = system_entry(
            tx.conn(),
            group_id,
            Timeline::Care,
            SystemEventKind::GroupArchived,
            caller,
            None,
            None,
        )
        .await?;
        tx.published(entry);
        sqlx::query("UPDATE groups SET archived = 1 WHERE id = ?")
            .bind(group_id.hyphenated())
            .execute(tx.conn())
            .await?;
        let changed = member_changed(tx.conn(), group_id).await?;
        tx.published(changed);
        tx.audit(audit).await?;
        let group = fetch_group(tx.conn(), caller, group_id).await?;
        tx.commit().await?;
        Ok(group)
    }

    pub async fn groups_of(
        &self,
        user: Uuid,
        kind: Option<GroupKind>,
        before: Option<Cursor>,
        limit: i64,
    ) -> Result<Vec<(Group, Cursor)>, StoreError> {
        let mut sql = select_my_groups();
        if kind.is_some() {
            sql.push_str(" AND kind = ?");
        }
        if before.is_some() {
            sql.push_str(" AND (activity_ms < ? OR (activity_ms = ? AND id < ?))");
        }
        sql.push_str(" ORDER BY activity_ms DESC, id DESC LIMIT ?");
        let mut query = sqlx::query_as(&sql).bind(user.hyphenated());
        if let Some(kind) = kind {
            query = query.bind(kind.as_str());
        }
        if let Some(c) = before {
            query = query
                .bind(c.ms)
                .bind(c.ms)
                .bind(c.id.hyphenated().to_string());
        }
        let rows: Vec<GroupRow> = query.bind(limit).fetch_all(&self.read).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let cursor = r.cursor();
                (r.into_group(), cursor)
            })
            .collect())
    }

    pub async fn group(&self, user: Uuid, group_id: Uuid) -> Result<Option<Group>, StoreError> {
        match fetch_group(&self.read, user, group_id).await {
            Ok(group) => Ok(Some(group)),
            Err(StoreError::Refused(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn membership(
        &self,
        group_id: Uuid,
        user_id: Uuid,
    ) -> Result<Option<Membership>, StoreError> {
        membership_in(&self.read, group_id, user_id).await
    }
}

impl SqliteStore {
    pub async fn update_group(&self, edit: GroupEdit) -> Result<(Group, bool), StoreError> {
        let GroupEdit {
            caller,
            group_id,
            name,
            patient,
            rule,
            client_ip: ip,
        } = edit;
        let mut tx = WriteTx::begin(&self.writer, &self.live).await?;
        // Decided on the rows as they are inside the write transaction, not as read before it.
        let me = membership_in(tx.conn(), group_id, caller)
            .await?
            .ok_or(Denied::NotFound)?;
        me.require_writable()?;
        me.require_admin()?;
        let before: Editable = sqlx::query_as(&format!(
            "SELECT {EDITABLE_COLUMNS} FROM groups WHERE id = ?"
        ))
        .bind(group_id.hyphenated())
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

        let mut published = Vec::new();
        let profile_changed = Editable {
            attending_physician_id: before.attending_physician_id,
            physician_rule: before.physician_rule.clone(),
            ..after.clone()
        } != before;
        if after != before {
            sqlx::query(
                "UPDATE groups SET name = ?, name_kana = ?, patient_name = ?, patient_name_kana = ?,
                     patient_birth_date = ?, attending_physician_id = ?, care_manager_id = ?,
                     patient_notes = ?, physician_rule = ?
                 WHERE id = ?",
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
            .bind(group_id.hyphenated())
            .execute(tx.conn())
            .await?;
        }
        if profile_changed {
            published.push(
                system_entry(
                    tx.conn(),
                    group_id,
                    Timeline::Care,
                    SystemEventKind::ProfileUpdated,
                    caller,
                    None,
                    None,
                )
                .await?,
            );
        }
        if let Some(rule) = rule {
            published.push(
                system_entry(
                    tx.conn(),
                    group_id,
                    Timeline::Care,
                    SystemEventKind::PhysicianRuleChanged,
                    caller,
                    None,
                    Some(rule),
                )
                .await?,
            );
        }
        let mut accepted = false;
        if let Some(successor) = physician_change {
            let (kind, action, detail) = if me.physician_decides(caller) {
                accepted = true;
                let role = match successor {
                    Some(s) => role_of(tx.conn(), group_id, s)
                        .await?
                        .unwrap_or(MemberRole::Member),
                    None => MemberRole::Member,
                };
                insert_pending(
                    tx.conn(),
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
            published.push(
                system_entry(
                    tx.conn(),
                    group_id,
                    Timeline::Care,
                    kind,
                    caller,
                    successor,
                    detail,
                )
                .await?,
            );
            let mut entry = Entry::new(action, Some(caller), ip).group(group_id);
            if let Some(successor) = successor {
                entry = entry.target(successor);
            }
            tx.audit(entry).await?;
        }
        if !published.is_empty() {
            published.push(member_changed(tx.conn(), group_id).await?);
        }
        tx.audit(Entry::new(Action::GroupUpdate, Some(caller), ip).group(group_id))
            .await?;
        let group = fetch_group(tx.conn(), caller, group_id).await?;
        for id in published {
            tx.published(id);
        }
        tx.commit().await?;
        Ok((group, accepted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list is one statement whose per-group parts are index lookups: posts are reached
    /// through an index of `posts` by group, never by scanning the table per group.
    #[tokio::test]
    async fn the_group_list_is_one_statement_using_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let db = crate::db::connect_sqlite(&url).await.unwrap();
        let sql = format!(
            "EXPLAIN QUERY PLAN {} ORDER BY activity_ms DESC, id DESC LIMIT ?",
            select_my_groups()
        );
        let plan: Vec<String> = sqlx::query_as::<_, (i64, i64, i64, String)>(&sql)
            .bind("u")
            .bind(51_i64)
            .fetch_all(&db.read)
            .await
            .unwrap()
            .into_iter()
            .map(|(.., detail)| detail)
            .collect();
        let plan = plan.join("\n");
        assert!(
            !plan.contains("SCAN p\n") && !plan.ends_with("SCAN p"),
            "{plan}"
        );
        assert!(!plan.contains("SCAN g"), "{plan}");
        assert!(plan.contains("group_members_by_user"), "{plan}");
        assert!(plan.contains("USING INDEX posts_"), "{plan}");
        // Unread and mention counts start at the read marker instead of scanning the group.
        assert_eq!(
            plan.matches("posts_by_timeline (group_id=? AND timeline=? AND created_at_ms>?)")
                .count(),
            2,
            "{plan}"
        );
    }
}
