//! A group's members: list, add (subject to the physician rule), change roles, remove, leave.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tsunagu_api::{
    AddMember, ErrorCode, GroupKind, Invitation, Member, MemberList, MemberRole, MemberUpdate,
    PhysicianRule, Problem,
};

use super::access::member;
use super::common_responses::{JsonBodyErrors, SessionErrors};
use super::extract::{parse_id, ClientIp, Json};
use super::{AppState, AuthUser, Error};
use crate::audit::{Action, Entry};
use crate::store::Added;

fn field_invalid(field: &'static str) -> Error {
    Error::Validation {
        field,
        code: ErrorCode::FieldInvalid,
    }
}

/// Everyone in the group; admins also see the invitations waiting for the physician.
#[utoipa::path(
    get,
    path = "/api/v1/groups/{group_id}/members",
    tag = "members",
    security(("bearer" = [])),
    params(("group_id" = Uuid, Path, description = "Group id")),
    responses(
        (status = 200, description = "Members, admins first, then by kana", body = MemberList),
        (status = 404, description = "No such group, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn list_members(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(group_id): Path<String>,
) -> Result<axum::Json<MemberList>, Error> {
    let group_id = parse_id(&group_id)?;
    let me = member(&state, group_id, auth.user_id).await?;
    // Admins also see what waits for the physician.
    let with_pending = me.role == MemberRole::Admin;
    let list = state.store.members_of(group_id, with_pending).await?;
    state
        .store
        .audit(Entry::new(Action::MembersRead, Some(auth.user_id), ip).group(group_id))
        .await?;
    Ok(axum::Json(list))
}

/// Adds a registered professional (admins).
///
/// In a patient group whose rule is `approval_required`, an admin other than the attending
/// physician only invites: the answer is 202 with a `pending_physician` invitation, and the
/// person joins when the physician approves. Otherwise the person is a member at once (201).
#[utoipa::path(
    post,
    path = "/api/v1/groups/{group_id}/members",
    tag = "members",
    security(("bearer" = [])),
    params(("group_id" = Uuid, Path, description = "Group id")),
    request_body = AddMember,
    responses(
        (status = 201, description = "Added", body = Member),
        (status = 202, description = "Invited; waiting for the attending physician", body = Invitation),
        (status = 403, description = "The caller is not an admin of the group, or it is a direct message (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already a member (`already_member`), or the group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an enabled professional, or role `family` (`field_invalid`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
    )
)]
pub async fn add_member(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(group_id): Path<String>,
    Json(add): Json<AddMember>,
) -> Result<Response, Error> {
    let group_id = parse_id(&group_id)?;
    let me = member(&state, group_id, auth.user_id).await?;
    me.require_writable()?;
    me.require_admin()?;
    if add.role == MemberRole::Family {
        return Err(field_invalid("role"));
    }
    if !state.store.is_any_professional(add.user_id).await? {
        return Err(field_invalid("user_id"));
    }
    let needs_approval = me.kind == GroupKind::Patient
        && me.physician_rule == Some(PhysicianRule::ApprovalRequired)
        && me.physician_decides(auth.user_id);

    let added = state
        .store
        .add_member(
            auth.user_id,
            group_id,
            add.user_id,
            add.role,
            needs_approval,
            ip,
        )
        .await?;
    Ok(match added {
        Added::Pending(invitation) => {
            (StatusCode::ACCEPTED, axum::Json(invitation)).into_response()
        }
        Added::Member(member) => (StatusCode::CREATED, axum::Json(member)).into_response(),
    })
}

/// Makes a member an admin or an admin a member (admins). The last admin cannot step down.
#[utoipa::path(
    patch,
    path = "/api/v1/groups/{group_id}/members/{user_id}",
    tag = "members",
    security(("bearer" = [])),
    params(
        ("group_id" = Uuid, Path, description = "Group id"),
        ("user_id" = Uuid, Path, description = "The member's user id"),
    ),
    request_body = MemberUpdate,
    responses(
        (status = 200, description = "The member with the new role", body = Member),
        (status = 403, description = "The caller is not an admin of the group, or it is a direct message (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group or member, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last admin cannot step down (`last_admin`), or the group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Role `family`, or the member is a family member (`field_invalid`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
    )
)]
pub async fn update_member(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path((group_id, user_id)): Path<(String, String)>,
    Json(update): Json<MemberUpdate>,
) -> Result<axum::Json<Member>, Error> {
    let group_id = parse_id(&group_id)?;
    let user_id = parse_id(&user_id)?;
    let me = member(&state, group_id, auth.user_id).await?;
    me.require_writable()?;
    me.require_admin()?;
    if update.role == MemberRole::Family {
        return Err(field_invalid("role"));
    }
    let member = state
        .store
        .update_member(auth.user_id, group_id, user_id, update.role, ip)
        .await?;
    Ok(axum::Json(member))
}

/// Removes a member (admins), or leaves (anyone, for themselves; family members too). The last
/// admin cannot leave; removing the attending physician or care manager clears that field of
/// the patient profile.
///
/// Removing the attending physician is the physician's decision: another admin's request
/// answers 202 with a `physician_removal` request that the physician (or, if the physician's
/// account is disabled, an operator) approves or declines.
#[utoipa::path(
    delete,
    path = "/api/v1/groups/{group_id}/members/{user_id}",
    tag = "members",
    security(("bearer" = [])),
    params(
        ("group_id" = Uuid, Path, description = "Group id"),
        ("user_id" = Uuid, Path, description = "The member's user id (the caller's own to leave)"),
    ),
    responses(
        (status = 202, description = "The attending physician decides: the pending `physician_removal` request", body = Invitation),
        (status = 204, description = "Removed, or left"),
        (status = 403, description = "Removing someone else without being an admin, or a direct message (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group or member, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last admin cannot leave (`last_admin`), or the group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn remove_member(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path((group_id, user_id)): Path<(String, String)>,
) -> Result<Response, Error> {
    let group_id = parse_id(&group_id)?;
    let user_id = parse_id(&user_id)?;
    let me = member(&state, group_id, auth.user_id).await?;
    if me.kind == GroupKind::Direct {
        return Err(Error::Forbidden);
    }
    me.require_writable()?;
    let leaving = user_id == auth.user_id;
    if !leaving {
        me.require_admin()?;
    }
    let pending = state
        .store
        .remove_member(auth.user_id, group_id, user_id, leaving, ip)
        .await?;
    Ok(match pending {
        Some(invitation) => (StatusCode::ACCEPTED, axum::Json(invitation)).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}
