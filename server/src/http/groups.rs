//! Groups: the caller's list, one group, creating, editing and archiving.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use sqlx::types::uuid::fmt::Hyphenated;
use tsunagu_api::{
    Group, GroupKind, GroupPage, GroupUpdate, MemberRole, NewGroup, PatientProfileInput, Problem,
    Profession, SystemEventKind, Timeline, MAX_NAME_CHARS, MAX_NOTES_CHARS,
};
use utoipa::IntoParams;
use uuid::Uuid;

use super::access::{insert_pending, member_changed, membership, role_of, rule_str, system_entry};
use super::extract::{parse_id, ClientIp, Json, Query};
use super::responses::page;
use super::{AppState, AuthUser, Error};
use crate::audit::{self, Action, Entry};
use crate::cursor::{clamp_limit, Cursor};
use crate::store::sqlite::groups::fetch_group;
use crate::store::{NewGroupRow, PatientFields};

/// Longest group or patient name accepted.

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupListParams {
    /// Page size, default 50; values outside 1..=100 are clamped.
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    before: Option<String>,
    /// Only groups of this kind.
    #[param(value_type = Option<GroupKind>)]
    kind: Option<GroupKind>,
}

/// The caller's groups, most recently active first.
#[utoipa::path(
    get,
    path = "/api/v1/groups",
    tag = "groups",
    security(("bearer" = [])),
    params(GroupListParams),
    responses(
        (status = 200, description = "One page of the caller's groups, most recently active first", body = GroupPage),
        (status = 400, description = "Invalid `limit`, `kind` or cursor (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_groups(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Query(params): Query<GroupListParams>,
) -> Result<axum::Json<GroupPage>, Error> {
    let limit = clamp_limit(params.limit);
    let before = params
        .before
        .as_deref()
        .map(|raw| Cursor::decode(raw).ok_or_else(Error::invalid_cursor))
        .transpose()?;

    // One more than the page: whether there is a next page.
    let rows = state
        .store
        .groups_of(auth.user_id, params.kind, before, limit + 1)
        .await?;

    state
        .store
        .audit(Entry::new(Action::GroupsList, Some(auth.user_id), ip))
        .await?;

    let (rows, next_cursor) = page(rows, limit, |(_, cursor)| *cursor);
    Ok(axum::Json(GroupPage {
        items: rows.into_iter().map(|(group, _)| group).collect(),
        next_cursor,
    }))
}

/// One group of the caller's.
#[utoipa::path(
    get,
    path = "/api/v1/groups/{group_id}",
    tag = "groups",
    security(("bearer" = [])),
    params(("group_id" = Uuid, Path, description = "Group id")),
    responses(
        (status = 200, description = "The group", body = Group),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 404, description = "No such group, or the caller is not a member: the two are indistinguishable (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_group(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(group_id): Path<String>,
) -> Result<axum::Json<Group>, Error> {
    let group_id = parse_id(&group_id)?;
    let group = state
        .store
        .group(auth.user_id, group_id)
        .await?
        .ok_or(Error::NotFound)?;
    state
        .store
        .audit(Entry::new(Action::GroupRead, Some(auth.user_id), ip).group(group_id))
        .await?;
    Ok(axum::Json(group))
}

fn required_name(raw: &str, field: &'static str) -> Result<String, Error> {
    let name = raw.trim();
    if name.is_empty() {
        Err(Error::Validation {
            field,
            code: tsunagu_api::ErrorCode::FieldRequired,
        })
    } else if name.chars().count() > MAX_NAME_CHARS {
        Err(Error::Validation {
            field,
            code: tsunagu_api::ErrorCode::FieldTooLong,
        })
    } else {
        Ok(name.to_owned())
    }
}

fn field_invalid(field: &'static str) -> Error {
    Error::Validation {
        field,
        code: tsunagu_api::ErrorCode::FieldInvalid,
    }
}

/// `YYYY-MM-DD`, a real date.
fn valid_date(s: &str) -> bool {
    s.len() == 10 && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// Checks that `user` is an enabled professional of `profession` (and, for an existing group,
/// a professional member of it).
async fn check_person(
    state: &AppState,
    user: Uuid,
    profession: Profession,
    group: Option<Uuid>,
    field: &'static str,
) -> Result<(), Error> {
    if state.store.is_professional(user, profession, group).await? {
        Ok(())
    } else {
        Err(field_invalid(field))
    }
}

async fn validate_patient(
    state: &AppState,
    input: &PatientProfileInput,
    group: Option<Uuid>,
) -> Result<PatientFields, Error> {
    let name = required_name(&input.name, "patient.name")?;
    if input.name_kana.chars().count() > MAX_NAME_CHARS {
        return Err(Error::Validation {
            field: "patient.name_kana",
            code: tsunagu_api::ErrorCode::FieldTooLong,
        });
    }
    if input.notes.chars().count() > MAX_NOTES_CHARS {
        return Err(Error::Validation {
            field: "patient.notes",
            code: tsunagu_api::ErrorCode::FieldTooLong,
        });
    }
    let birth_date = input
        .birth_date
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(date) = birth_date {
        if !valid_date(date) {
            return Err(field_invalid("patient.birth_date"));
        }
    }
    if let Some(id) = input.attending_physician_id {
        check_person(
            state,
            id,
            Profession::Physician,
            group,
            "patient.attending_physician_id",
        )
        .await?;
    }
    if let Some(id) = input.care_manager_id {
        check_person(
            state,
            id,
            Profession::CareManager,
            group,
            "patient.care_manager_id",
        )
        .await?;
    }
    Ok(PatientFields {
        name,
        name_kana: tsunagu_api::kana::katakana_to_hiragana(input.name_kana.trim()),
        birth_date: birth_date.map(str::to_owned),
        attending_physician_id: input.attending_physician_id,
        care_manager_id: input.care_manager_id,
        notes: input.notes.clone(),
    })
}

fn patient_group_name(patient_name: &str) -> String {
    format!("{patient_name} 様")
}

/// Creates a patient or workplace group; the creator is its first admin.
///
/// Patient groups: the attending physician (as admin) and the care manager given in the
/// profile become members at once. Direct messages are opened with `POST /api/v1/direct`.
#[utoipa::path(
    post,
    path = "/api/v1/groups",
    tag = "groups",
    security(("bearer" = [])),
    request_body = NewGroup,
    responses(
        (status = 201, description = "Created; the caller is admin", body = Group),
        (status = 400, description = "Malformed JSON (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 403, description = "Family accounts cannot create groups (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not `application/json` (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, with `errors` (`field_required`, `field_too_long`, `field_invalid`: kind `direct`, a birth date not `YYYY-MM-DD`, a physician or care manager who is not an enabled professional of that profession)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_group(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Json(new_group): Json<NewGroup>,
) -> Result<(StatusCode, axum::Json<Group>), Error> {
    if auth.is_family {
        return Err(Error::Forbidden);
    }
    let (name, name_kana, patient) = match new_group.kind {
        GroupKind::Direct => return Err(field_invalid("kind")),
        GroupKind::Workplace => {
            if new_group.patient.is_some() {
                return Err(field_invalid("patient"));
            }
            (required_name(&new_group.name, "name")?, None, None)
        }
        GroupKind::Patient => {
            let input = new_group.patient.as_ref().ok_or(Error::Validation {
                field: "patient",
                code: tsunagu_api::ErrorCode::FieldRequired,
            })?;
            let patient = validate_patient(&state, input, None).await?;
            (
                patient_group_name(&patient.name),
                Some(patient.name_kana.clone()),
                Some(patient),
            )
        }
    };
    let rule = (new_group.kind == GroupKind::Patient)
        .then(|| new_group.physician_rule.unwrap_or_default());

    let audit = |group_id| Entry::new(Action::GroupCreate, Some(auth.user_id), ip).group(group_id);
    let group = state
        .store
        .create_group(NewGroupRow {
            creator: auth.user_id,
            kind: new_group.kind,
            name,
            name_kana,
            patient,
            rule,
            audit: Box::new(audit),
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(group)))
}

/// Edits a group (admins): the workplace group's name, the patient profile (replaced as a
/// whole), the physician rule.
///
/// The physician rule constrains admins other than the attending physician, so only the
/// physician changes it (403 for anyone else). The physician hands the role over directly;
/// another admin replacing or clearing the physician gets 202 and a `physician_change` request
/// the physician decides, while the rest of the update takes effect. An update that changes
/// nothing writes no timeline entry.
#[utoipa::path(
    patch,
    path = "/api/v1/groups/{group_id}",
    tag = "groups",
    security(("bearer" = [])),
    params(("group_id" = Uuid, Path, description = "Group id")),
    request_body = GroupUpdate,
    responses(
        (status = 200, description = "The updated group", body = Group),
        (status = 202, description = "Updated, except the attending physician: replacing or clearing them waits for their decision (a `physician_change` request); the group as it now stands", body = Group),
        (status = 400, description = "Malformed JSON (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 403, description = "The caller is not an admin of the group, or it is a direct message, or changes the physician rule without being the attending physician (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not `application/json` (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, with `errors` (`field_required`, `field_too_long`, `field_invalid`; the physician and care manager must already be members)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_group(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(group_id): Path<String>,
    Json(update): Json<GroupUpdate>,
) -> Result<(StatusCode, axum::Json<Group>), Error> {
    let group_id = parse_id(&group_id)?;
    let me = membership(&state.db, group_id, auth.user_id).await?;
    me.require_writable()?;
    me.require_admin()?;
    let is_patient = me.kind == GroupKind::Patient;
    let name = match &update.name {
        Some(name) if !is_patient => Some(required_name(name, "name")?),
        _ => None,
    };
    let patient = match &update.patient {
        Some(_) if !is_patient => return Err(field_invalid("patient")),
        Some(input) => Some(validate_patient(&state, input, Some(group_id)).await?),
        None => None,
    };
    if update.physician_rule.is_some() && !is_patient {
        return Err(field_invalid("physician_rule"));
    }

    let mut tx = state.writer.begin().await?;
    // Decided on the rows as they are inside the write transaction, not as read before it.
    let me = membership(&mut *tx, group_id, auth.user_id).await?;
    me.require_writable()?;
    me.require_admin()?;
    let before: Editable = sqlx::query_as(&format!(
        "SELECT {EDITABLE_COLUMNS} FROM groups WHERE id = ?"
    ))
    .bind(group_id.hyphenated())
    .fetch_one(&mut *tx)
    .await?;
    let rule = update
        .physician_rule
        .map(rule_str)
        .filter(|rule| before.physician_rule.as_deref() != Some(*rule));
    if rule.is_some() {
        me.require_physician_for_rule(auth.user_id)?;
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
            if !me.physician_decides(auth.user_id) {
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
        .execute(&mut *tx)
        .await?;
    }
    if profile_changed {
        published.push(
            system_entry(
                &mut tx,
                group_id,
                Timeline::Care,
                SystemEventKind::ProfileUpdated,
                auth.user_id,
                None,
                None,
            )
            .await?,
        );
    }
    if let Some(rule) = rule {
        published.push(
            system_entry(
                &mut tx,
                group_id,
                Timeline::Care,
                SystemEventKind::PhysicianRuleChanged,
                auth.user_id,
                None,
                Some(rule),
            )
            .await?,
        );
    }
    let mut status = StatusCode::OK;
    if let Some(successor) = physician_change {
        let (kind, action, detail) = if me.physician_decides(auth.user_id) {
            status = StatusCode::ACCEPTED;
            let role = match successor {
                Some(s) => role_of(&mut *tx, group_id, s)
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
                auth.user_id,
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
                &mut tx,
                group_id,
                Timeline::Care,
                kind,
                auth.user_id,
                successor,
                detail,
            )
            .await?,
        );
        let mut entry = Entry::new(action, Some(auth.user_id), ip).group(group_id);
        if let Some(successor) = successor {
            entry = entry.target(successor);
        }
        audit::record(&mut *tx, entry).await?;
    }
    if !published.is_empty() {
        published.push(member_changed(&mut tx, group_id).await?);
    }
    audit::record(
        &mut *tx,
        Entry::new(Action::GroupUpdate, Some(auth.user_id), ip).group(group_id),
    )
    .await?;
    let group = fetch_group(&mut *tx, auth.user_id, group_id).await?;
    tx.commit().await?;
    state.live.publish_all(published);
    Ok((status, axum::Json(group)))
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

/// Archives a group (admins): it stays readable, and every write answers 409 `group_archived`.
#[utoipa::path(
    post,
    path = "/api/v1/groups/{group_id}/archive",
    tag = "groups",
    security(("bearer" = [])),
    params(("group_id" = Uuid, Path, description = "Group id")),
    responses(
        (status = 200, description = "The archived group", body = Group),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 403, description = "The caller is not an admin of the group, or it is a direct message (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn archive_group(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(group_id): Path<String>,
) -> Result<axum::Json<Group>, Error> {
    let group_id = parse_id(&group_id)?;
    let audit = Entry::new(Action::GroupArchive, Some(auth.user_id), ip).group(group_id);
    Ok(axum::Json(
        state
            .store
            .archive_group(auth.user_id, group_id, audit)
            .await?,
    ))
}
