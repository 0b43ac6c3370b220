//! Groups and the caller's membership of them.

use sqlx::types::uuid::fmt::Hyphenated;
use sqlx::SqliteExecutor;
use tsunagu_api::{
    Author, Group, GroupKind, MemberRole, PatientProfile, PhysicianRule, PostPreview, Profession,
    SystemEventKind, Timeline,
};
use uuid::Uuid;

use super::membership_writes::{insert_pending, member_changed, role_of, system_entry};
use super::write_tx::WriteTx;
use super::SqliteStore;
use crate::audit::{Action, Entry};
use crate::cursor::Cursor;
use crate::domain::group::patient_group_name;
use crate::domain::membership::{parse_rule, timelines, Denied, Membership};
use crate::store::{GroupEdit, NewGroupRow, StoreError};
use crate::time::from_ms;
use crate::time::now_ms;

#[derive(sqlx::FromRow)]
struct MembershipRow {
    role: String,
    kind: String,
    archived: bool,
    physician_rule: Option<String>,
    attending_physician_id: Option<Hyphenated>,
}

/// The caller's membership with what the rules need of the group, inside another operation's
/// transaction (a write decides on the rows as they are in it).
pub async fn membership_in(
    db: impl SqliteExecutor<'_>,
    group_id: Uuid,
    user_id: Uuid,
) -> Result<Option<Membership>, StoreError> {
    let row: Option<MembershipRow> = sqlx::query_as(
        "SELECT m.role, g.kind, g.archived, g.physician_rule, g.attending_physician_id
         FROM group_members m JOIN groups g ON g.id = m.group_id
         WHERE m.group_id = ? AND m.user_id = ?",
    )
    .bind(group_id.hyphenated())
    .bind(user_id.hyphenated())
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| Membership {
        role: MemberRole::parse(&row.role),
        kind: GroupKind::parse(&row.kind),
        archived: row.archived,
        physician_rule: row.physician_rule.as_deref().map(parse_rule),
        attending_physician_id: row.attending_physician_id.map(Hyphenated::into_uuid),
    }))
}

/// Characters of a post shown in a group's preview.
const EXCERPT_CHARS: i64 = 80;

#[derive(Debug, sqlx::FromRow)]
struct GroupRow {
    id: Hyphenated,
    kind: String,
    name: String,
    name_kana: Option<String>,
    my_role: String,
    member_count: i64,
    created_at_ms: i64,
    archived: bool,
    physician_rule: Option<String>,
    patient_name: Option<String>,
    patient_name_kana: Option<String>,
    patient_birth_date: Option<String>,
    patient_notes: String,
    ap_id: Option<Hyphenated>,
    ap_name: Option<String>,
    ap_profession: Option<String>,
    ap_facility_name: Option<String>,
    cm_id: Option<Hyphenated>,
    cm_name: Option<String>,
    cm_profession: Option<String>,
    cm_facility_name: Option<String>,
    peer_id: Option<Hyphenated>,
    peer_name: Option<String>,
    peer_profession: Option<String>,
    peer_facility_name: Option<String>,
    lp_timeline: Option<String>,
    lp_author_name: Option<String>,
    lp_excerpt: Option<String>,
    lp_system_kind: Option<String>,
    lp_created_at_ms: Option<i64>,
    unread_count: i64,
    mention_count: i64,
    /// Sort key: newest readable post, or creation for a group without posts.
    activity_ms: i64,
}

/// An `Author` from the columns of a LEFT JOINed user.
pub fn author(
    id: Option<Hyphenated>,
    name: Option<String>,
    profession: Option<String>,
    facility_name: Option<String>,
) -> Option<Author> {
    Some(Author {
        id: id?.into_uuid(),
        display_name: name?,
        profession: Profession::parse(&profession?),
        facility_name,
    })
}

impl GroupRow {
    fn into_group(self) -> Group {
        let kind = GroupKind::parse(&self.kind);
        let my_role = MemberRole::parse(&self.my_role);
        let patient = match (kind, self.patient_name) {
            (GroupKind::Patient, Some(name)) => Some(PatientProfile {
                name,
                name_kana: self.patient_name_kana.unwrap_or_default(),
                birth_date: self.patient_birth_date,
                attending_physician: author(
                    self.ap_id,
                    self.ap_name,
                    self.ap_profession,
                    self.ap_facility_name,
                ),
                care_manager: author(
                    self.cm_id,
                    self.cm_name,
                    self.cm_profession,
                    self.cm_facility_name,
                ),
                notes: self.patient_notes,
            }),
            _ => None,
        };
        let last_post = match (self.lp_timeline, self.lp_created_at_ms) {
            (Some(timeline), Some(ms)) => Some(PostPreview {
                timeline: Timeline::parse(&timeline).unwrap_or_default(),
                author_name: self.lp_author_name,
                excerpt: self.lp_excerpt.unwrap_or_default(),
                system: self
                    .lp_system_kind
                    .and_then(|k| serde_json::from_value(serde_json::Value::String(k)).ok()),
                created_at: from_ms(ms),
            }),
            _ => None,
        };
        Group {
            id: self.id.into_uuid(),
            kind,
            name: self.name,
            name_kana: self.name_kana,
            my_role,
            member_count: self.member_count.try_into().unwrap_or(u32::MAX),
            created_at: from_ms(self.created_at_ms),
            last_post_at: self.lp_created_at_ms.map(from_ms),
            archived: self.archived,
            timelines: timelines(kind, my_role),
            unread_count: self.unread_count.try_into().unwrap_or(u32::MAX),
            mention_count: self.mention_count.try_into().unwrap_or(u32::MAX),
            last_post,
            patient,
            physician_rule: (kind == GroupKind::Patient)
                .then(|| self.physician_rule.as_deref().map(parse_rule))
                .flatten(),
            peer: author(
                self.peer_id,
                self.peer_name,
                self.peer_profession,
                self.peer_facility_name,
            ),
        }
    }
}

/// The caller's groups with everything the home screen shows, in ONE statement: role, member
/// count, unread and mention counts, newest readable post, patient profile people and the DM peer are
/// correlated subqueries and joins, never a query per group. The first bind is the caller;
/// callers append `AND ...` filters on the outer columns.
const SELECT_MY_GROUPS: &str = "SELECT * FROM (
    SELECT x.id, x.kind,
        CASE WHEN x.kind = 'direct' THEN COALESCE(pu.display_name, x.name) ELSE x.name END
            AS name,
        x.name_kana, x.my_role, x.member_count, x.created_at_ms, x.archived, x.physician_rule,
        x.patient_name, x.patient_name_kana, x.patient_birth_date, x.patient_notes,
        ap.id AS ap_id, ap.display_name AS ap_name, ap.profession AS ap_profession,
        apf.name AS ap_facility_name,
        cm.id AS cm_id, cm.display_name AS cm_name, cm.profession AS cm_profession,
        cmf.name AS cm_facility_name,
        pu.id AS peer_id, pu.display_name AS peer_name, pu.profession AS peer_profession,
        puf.name AS peer_facility_name,
        lp.timeline AS lp_timeline,
        CASE WHEN lp.system IS NULL THEN lpu.display_name END AS lp_author_name,
        substr(lp.body, 1, EXCERPT) AS lp_excerpt,
        json_extract(lp.system, '$.kind') AS lp_system_kind,
        lp.created_at_ms AS lp_created_at_ms,
        x.unread_count, x.mention_count,
        COALESCE(lp.created_at_ms, x.created_at_ms) AS activity_ms
    FROM (
        SELECT g.id, g.kind, g.name, g.name_kana, g.created_at_ms, g.archived, g.physician_rule,
            g.patient_name, g.patient_name_kana, g.patient_birth_date, g.patient_notes,
            g.attending_physician_id, g.care_manager_id, m.role AS my_role,
            (SELECT COUNT(*) FROM group_members c WHERE c.group_id = g.id) AS member_count,
            (SELECT p.id FROM posts p
             WHERE p.group_id = g.id AND (m.role <> 'family' OR p.timeline = 'family')
             ORDER BY p.created_at_ms DESC, p.id DESC LIMIT 1) AS last_post_id,
            (SELECT COUNT(*) FROM UNREAD_POSTS) AS unread_count,
            (SELECT COUNT(*) FROM UNREAD_POSTS
             AND EXISTS (SELECT 1 FROM post_mentions pm
                         WHERE pm.post_id = p.id AND pm.user_id = m.user_id)) AS mention_count,
            CASE WHEN g.kind = 'direct' THEN
                (SELECT o.user_id FROM group_members o
                 WHERE o.group_id = g.id AND o.user_id <> m.user_id LIMIT 1)
            END AS peer_user_id
        FROM group_members m JOIN groups g ON g.id = m.group_id
        WHERE m.user_id = ?
    ) x
    LEFT JOIN posts lp ON lp.id = x.last_post_id
    LEFT JOIN users lpu ON lpu.id = lp.author_id
    LEFT JOIN users ap ON ap.id = x.attending_physician_id
    LEFT JOIN facilities apf ON apf.id = ap.facility_id
    LEFT JOIN users cm ON cm.id = x.care_manager_id
    LEFT JOIN facilities cmf ON cmf.id = cm.facility_id
    LEFT JOIN users pu ON pu.id = x.peer_user_id
    LEFT JOIN facilities puf ON puf.id = pu.facility_id
) WHERE 1 = 1";

/// The caller's unread posts of group `g` (member row `m`), for a `COUNT(*)`: per timeline the
/// caller may read, a range of posts_by_timeline starting at the read marker, so the cost is
/// the number of unread posts, not the size of the group. Unread: newer than the marker, not
/// the caller's own, not a system entry, not deleted. Callers may append `AND ...`.
const UNREAD_POSTS: &str = "(SELECT 'care' AS t UNION ALL SELECT 'family' AS t) tl
             LEFT JOIN read_markers r
                ON r.group_id = g.id AND r.user_id = m.user_id AND r.timeline = tl.t
             JOIN posts p ON p.group_id = g.id AND p.timeline = tl.t
                AND p.created_at_ms >= COALESCE(r.up_to_ms, -1)
             WHERE (m.role <> 'family' OR tl.t = 'family')
               AND (r.up_to_ms IS NULL OR p.created_at_ms > r.up_to_ms OR p.id > r.up_to_id)
               AND p.system IS NULL AND p.deleted_at_ms IS NULL AND p.author_id <> m.user_id";

fn select_my_groups() -> String {
    SELECT_MY_GROUPS
        .replace("UNREAD_POSTS", UNREAD_POSTS)
        .replace("EXCERPT", &EXCERPT_CHARS.to_string())
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
                let cursor = Cursor {
                    ms: r.activity_ms,
                    id: r.id.into_uuid(),
                };
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
            after.care_manager_id = p.care_manager_id.map(|u| u.hyphenated());
            after.patient_notes = p.notes;
            let current = before.attending_physician_id.map(Hyphenated::into_uuid);
            if p.attending_physician_id != current {
                physician_change = Some(p.attending_physician_id);
                if !me.physician_decides(caller) {
                    after.attending_physician_id = p.attending_physician_id.map(|u| u.hyphenated());
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

/// The columns `PATCH /groups/{id}` may change, compared to tell whether anything changed.
const EDITABLE_COLUMNS: &str = "name, name_kana, patient_name, patient_name_kana,
    patient_birth_date, attending_physician_id, care_manager_id, patient_notes, physician_rule";

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
struct Editable {
    name: String,
    name_kana: Option<String>,
    patient_name: Option<String>,
    patient_name_kana: Option<String>,
    patient_birth_date: Option<String>,
    attending_physician_id: Option<Hyphenated>,
    care_manager_id: Option<Hyphenated>,
    patient_notes: String,
    physician_rule: Option<String>,
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
