//! Groups: the caller's list, one group, creating, editing and archiving.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use tsunagu_api::{
    Group, GroupKind, GroupPage, GroupUpdate, NewGroup, PatientProfileInput, Problem, Profession,
    MAX_NAME_CHARS, MAX_NOTES_CHARS,
};
use utoipa::IntoParams;
use uuid::Uuid;

use super::access::member;
use super::common_responses::{JsonBodyErrors, SessionErrors};
use super::extract::{parse_id, ClientIp, Json, Query};
use super::responses::page;
use super::{AppState, AuthUser, Error};
use crate::audit::{Action, Entry};
use crate::cursor::{clamp_limit, Cursor};
use crate::domain::group::patient_group_name;
use crate::store::{GroupEdit, NewGroupRow, PatientFields};

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
        SessionErrors,
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
        (status = 404, description = "No such group, or the caller is not a member: the two are indistinguishable (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
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
        (status = 403, description = "Family accounts cannot create groups (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, with `errors` (`field_required`, `field_too_long`, `field_invalid`: kind `direct`, a birth date not `YYYY-MM-DD`, a physician or care manager who is not an enabled professional of that profession)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
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
        (status = 403, description = "The caller is not an admin of the group, or it is a direct message, or changes the physician rule without being the attending physician (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, with `errors` (`field_required`, `field_too_long`, `field_invalid`; the physician and care manager must already be members)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
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
    let me = member(&state, group_id, auth.user_id).await?;
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

    let (group, accepted) = state
        .store
        .update_group(GroupEdit {
            caller: auth.user_id,
            group_id,
            name,
            patient,
            rule: update.physician_rule,
            client_ip: ip,
        })
        .await?;
    let status = if accepted {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(group)))
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
        (status = 403, description = "The caller is not an admin of the group, or it is a direct message (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
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
