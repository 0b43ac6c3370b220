//! Groups and a caller's membership of them.

use tsunagu_api::{
    Author, Group, GroupKind, MemberRole, PatientProfile, PostPreview, Profession, Timeline,
};

use crate::cursor::Cursor;
use crate::domain::membership::{parse_rule, timelines, Membership};
use crate::store::id::Id;
use crate::time::from_ms;

/// An `Author` from the columns of a LEFT JOINed user.
pub fn author(
    id: Option<Id>,
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

/// [`MembershipRow`]'s select, the same on both backends; callers append the `WHERE` on
/// `m.group_id` and `m.user_id`.
pub const SELECT_MEMBERSHIP: &str =
    "SELECT m.role, g.kind, g.archived, g.physician_rule, g.attending_physician_id
     FROM group_members m JOIN groups g ON g.id = m.group_id";

/// A caller's membership with what the rules need of the group.
#[derive(Debug, sqlx::FromRow)]
pub struct MembershipRow {
    pub role: String,
    pub kind: String,
    pub archived: bool,
    pub physician_rule: Option<String>,
    pub attending_physician_id: Option<Id>,
}

impl MembershipRow {
    pub fn into_membership(self) -> Membership {
        Membership {
            role: MemberRole::parse(&self.role),
            kind: GroupKind::parse(&self.kind),
            archived: self.archived,
            physician_rule: self.physician_rule.as_deref().map(parse_rule),
            attending_physician_id: self.attending_physician_id.map(Id::into_uuid),
        }
    }
}

/// Characters of a post shown in a group's preview.
const EXCERPT_CHARS: i64 = 80;

/// The caller's groups with everything the home screen shows, in ONE statement: role, member
/// count, unread and mention counts, newest readable post, patient profile people and the DM
/// peer are correlated subqueries and joins, never a query per group. `CALLER` is the caller's
/// placeholder and `SYSTEM_KIND` the backend's expression for `lp.system`'s `kind`; callers
/// append `AND ...` filters on the outer columns.
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
        SYSTEM_KIND AS lp_system_kind,
        lp.created_at_ms AS lp_created_at_ms,
        x.unread_count, x.mention_count, x.muted,
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
            EXISTS (SELECT 1 FROM group_mutes gm
                    WHERE gm.group_id = g.id AND gm.user_id = m.user_id) AS muted,
            CASE WHEN g.kind = 'direct' THEN
                (SELECT o.user_id FROM group_members o
                 WHERE o.group_id = g.id AND o.user_id <> m.user_id LIMIT 1)
            END AS peer_user_id
        FROM group_members m JOIN groups g ON g.id = m.group_id
        WHERE m.user_id = CALLER
    ) x
    LEFT JOIN posts lp ON lp.id = x.last_post_id
    LEFT JOIN users lpu ON lpu.id = lp.author_id
    LEFT JOIN users ap ON ap.id = x.attending_physician_id
    LEFT JOIN facilities apf ON apf.id = ap.facility_id
    LEFT JOIN users cm ON cm.id = x.care_manager_id
    LEFT JOIN facilities cmf ON cmf.id = cm.facility_id
    LEFT JOIN users pu ON pu.id = x.peer_user_id
    LEFT JOIN facilities puf ON puf.id = pu.facility_id
) mine WHERE 1 = 1";

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

/// The group list's statement for one backend (see `SELECT_MY_GROUPS`): `caller` is the
/// caller's placeholder, `system_kind` how the backend reads `kind` out of `lp.system`.
pub fn select_my_groups(caller: &str, system_kind: &str) -> String {
    SELECT_MY_GROUPS
        .replace("UNREAD_POSTS", UNREAD_POSTS)
        .replace("EXCERPT", &EXCERPT_CHARS.to_string())
        .replace("SYSTEM_KIND", system_kind)
        .replace("CALLER", caller)
}

/// A digest's groups of member `USER`: each group with the member's unread posts (the same
/// rule as the group list's count) created after `SINCE` and up to `UPTO`; in a group the
/// member muted, urgent posts only. Only groups with some, by name. Columns: id, kind, name,
/// patient_name, unread.
const DIGEST_GROUPS: &str = "SELECT id, kind, name, patient_name, unread FROM (
        SELECT g.id, g.kind, g.name, g.patient_name,
            (SELECT COUNT(*) FROM UNREAD_POSTS
               AND p.created_at_ms > SINCE AND p.created_at_ms <= UPTO
               AND (p.importance = 'urgent'
                    OR NOT EXISTS (SELECT 1 FROM group_mutes gm
                                   WHERE gm.group_id = g.id AND gm.user_id = m.user_id)))
                AS unread
        FROM group_members m JOIN groups g ON g.id = m.group_id
        WHERE m.user_id = USER
    ) d WHERE unread > 0 ORDER BY kind, name, id";

/// [`DIGEST_GROUPS`] with the backend's placeholders.
pub fn digest_groups_sql(user: &str, since: &str, upto: &str) -> String {
    DIGEST_GROUPS
        .replace("UNREAD_POSTS", UNREAD_POSTS)
        .replace("SINCE", since)
        .replace("UPTO", upto)
        .replace("USER", user)
}

/// A group as a member sees it (`select_my_groups`).
#[derive(Debug, sqlx::FromRow)]
pub struct GroupRow {
    id: Id,
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
    ap_id: Option<Id>,
    ap_name: Option<String>,
    ap_profession: Option<String>,
    ap_facility_name: Option<String>,
    cm_id: Option<Id>,
    cm_name: Option<String>,
    cm_profession: Option<String>,
    cm_facility_name: Option<String>,
    peer_id: Option<Id>,
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
    muted: bool,
    /// Sort key: newest readable post, or creation for a group without posts.
    activity_ms: i64,
}

impl GroupRow {
    /// The group list's keyset position of this group.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            ms: self.activity_ms,
            id: self.id.into_uuid(),
        }
    }

    pub fn into_group(self) -> Group {
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
            muted: self.muted,
        }
    }
}

/// The columns `PATCH /groups/{id}` may change, compared to tell whether anything changed.
pub const EDITABLE_COLUMNS: &str = "name, name_kana, patient_name, patient_name_kana,
    patient_birth_date, attending_physician_id, care_manager_id, patient_notes, physician_rule";

/// A group's editable columns ([`EDITABLE_COLUMNS`]), before and after an edit.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Editable {
    pub name: String,
    pub name_kana: Option<String>,
    pub patient_name: Option<String>,
    pub patient_name_kana: Option<String>,
    pub patient_birth_date: Option<String>,
    pub attending_physician_id: Option<Id>,
    pub care_manager_id: Option<Id>,
    pub patient_notes: String,
    pub physician_rule: Option<String>,
}
