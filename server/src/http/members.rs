//! A group's members: list, add (subject to the physician rule), change roles, remove, leave.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sqlx::types::uuid::fmt::Hyphenated;
use tsunagu_api::{
    AddMember, ErrorCode, GroupKind, Invitation, Member, MemberList, MemberRole, MemberUpdate,
    PhysicianRule, Problem, SystemEventKind, Timeline,
};
use uuid::Uuid;

use super::access::{
    admin_count, insert_pending, member, member_changed, membership, remove_from_group, role_of,
    system_entry,
};
use super::extract::{parse_id, ClientIp, Json};
use super::{AppState, AuthUser, Error};
use crate::audit::{self, Action, Entry};
use crate::store::sqlite::invitations::fetch_invitation;
use crate::store::sqlite::members::fetch_member;
use crate::time::now_ms;

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
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 404, description = "No such group, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
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
        (status = 400, description = "Malformed JSON (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 403, description = "The caller is not an admin of the group, or it is a direct message (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already a member (`already_member`), or the group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not `application/json` (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an enabled professional, or role `family` (`field_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
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
    let me = membership(&state.db, group_id, auth.user_id).await?;
    me.require_writable()?;
    me.require_admin()?;
    if add.role == MemberRole::Family {
        return Err(field_invalid("role"));
    }
    let professional: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM users WHERE id = ? AND disabled = 0 AND profession <> 'family'",
    )
    .bind(add.user_id.hyphenated())
    .fetch_optional(&state.db)
    .await?;
    if professional.is_none() {
        return Err(field_invalid("user_id"));
    }
    let needs_approval = me.kind == GroupKind::Patient
        && me.physician_rule == Some(PhysicianRule::ApprovalRequired)
        && me.physician_decides(auth.user_id);

    let mut tx = state.writer.begin().await?;
    if role_of(&mut *tx, group_id, add.user_id).await?.is_some() {
        return Err(Error::AlreadyMember);
    }
    let now = now_ms();
    let entry = Entry::new(Action::MemberAdd, Some(auth.user_id), ip)
        .group(group_id)
        .target(add.user_id);
    if needs_approval {
        let id = insert_pending(
            &mut tx,
            group_id,
            "member",
            Some(add.user_id),
            add.role,
            auth.user_id,
        )
        .await?;
        let posted = system_entry(
            &mut tx,
            group_id,
            Timeline::Care,
            SystemEventKind::InvitationPending,
            auth.user_id,
            Some(add.user_id),
            None,
        )
        .await?;
        // Admins list pending invitations with the members.
        let changed = member_changed(&mut tx, group_id).await?;
        audit::record(&mut *tx, entry).await?;
        let invitation: Invitation = fetch_invitation(&mut *tx, id).await?;
        tx.commit().await?;
        state.live.publish_all([posted, changed]);
        return Ok((StatusCode::ACCEPTED, axum::Json(invitation)).into_response());
    }
    sqlx::query(
        "INSERT INTO group_members (group_id, user_id, role, joined_at_ms) VALUES (?, ?, ?, ?)",
    )
    .bind(group_id.hyphenated())
    .bind(add.user_id.hyphenated())
    .bind(add.role.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let posted = system_entry(
        &mut tx,
        group_id,
        Timeline::Care,
        SystemEventKind::MemberAdded,
        auth.user_id,
        Some(add.user_id),
        None,
    )
    .await?;
    let changed = member_changed(&mut tx, group_id).await?;
    audit::record(&mut *tx, entry).await?;
    let member = fetch_member(&mut *tx, group_id, add.user_id).await?;
    tx.commit().await?;
    state.live.publish_all([posted, changed]);
    Ok((StatusCode::CREATED, axum::Json(member)).into_response())
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
        (status = 400, description = "Malformed JSON (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 403, description = "The caller is not an admin of the group, or it is a direct message (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group or member, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last admin cannot step down (`last_admin`), or the group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not `application/json` (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Role `family`, or the member is a family member (`field_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
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
    let me = membership(&state.db, group_id, auth.user_id).await?;
    me.require_writable()?;
    me.require_admin()?;
    if update.role == MemberRole::Family {
        return Err(field_invalid("role"));
    }
    let mut tx = state.writer.begin().await?;
    let current = role_of(&mut *tx, group_id, user_id)
        .await?
        .ok_or(Error::NotFound)?;
    if current == MemberRole::Family {
        return Err(field_invalid("role"));
    }
    let mut published = Vec::new();
    if current != update.role {
        if current == MemberRole::Admin && admin_count(&mut *tx, group_id).await? <= 1 {
            return Err(Error::LastAdmin);
        }
        sqlx::query("UPDATE group_members SET role = ? WHERE group_id = ? AND user_id = ?")
            .bind(update.role.as_str())
            .bind(group_id.hyphenated())
            .bind(user_id.hyphenated())
            .execute(&mut *tx)
            .await?;
        published.push(
            system_entry(
                &mut tx,
                group_id,
                Timeline::Care,
                SystemEventKind::RoleChanged,
                auth.user_id,
                Some(user_id),
                Some(update.role.as_str()),
            )
            .await?,
        );
        published.push(member_changed(&mut tx, group_id).await?);
    }
    audit::record(
        &mut *tx,
        Entry::new(Action::MemberUpdate, Some(auth.user_id), ip)
            .group(group_id)
            .target(user_id),
    )
    .await?;
    let member = fetch_member(&mut *tx, group_id, user_id).await?;
    tx.commit().await?;
    state.live.publish_all(published);
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
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 403, description = "Removing someone else without being an admin, or a direct message (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group or member, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last admin cannot leave (`last_admin`), or the group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
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
    let me = membership(&state.db, group_id, auth.user_id).await?;
    if me.kind == GroupKind::Direct {
        return Err(Error::Forbidden);
    }
    me.require_writable()?;
    let leaving = user_id == auth.user_id;
    if !leaving {
        me.require_admin()?;
    }
    let mut tx = state.writer.begin().await?;
    let role = role_of(&mut *tx, group_id, user_id)
        .await?
        .ok_or(Error::NotFound)?;
    if role == MemberRole::Admin && admin_count(&mut *tx, group_id).await? <= 1 {
        return Err(Error::LastAdmin);
    }
    // Read again inside the write transaction: the physician may have changed meanwhile.
    let current = membership(&mut *tx, group_id, auth.user_id).await?;
    if current.attending_physician_id == Some(user_id) && current.physician_decides(auth.user_id) {
        let (invitation, published) =
            request_physician_removal(&mut tx, group_id, user_id, role, auth.user_id, ip).await?;
        tx.commit().await?;
        state.live.publish_all(published);
        return Ok((StatusCode::ACCEPTED, axum::Json(invitation)).into_response());
    }
    let (kind, action) = if leaving {
        (SystemEventKind::MemberLeft, Action::MemberLeave)
    } else {
        (SystemEventKind::MemberRemoved, Action::MemberRemove)
    };
    let published = remove_from_group(&mut tx, group_id, user_id, role, auth.user_id, kind).await?;
    audit::record(
        &mut *tx,
        Entry::new(action, Some(auth.user_id), ip)
            .group(group_id)
            .target(user_id),
    )
    .await?;
    tx.commit().await?;
    state.live.publish_all(published);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Files (or finds, if one is already waiting) the request to remove the attending physician,
/// with its timeline entry and audit row.
async fn request_physician_removal(
    tx: &mut sqlx::SqliteConnection,
    group_id: Uuid,
    physician: Uuid,
    role: MemberRole,
    caller: Uuid,
    ip: Option<std::net::IpAddr>,
) -> Result<(Invitation, Vec<crate::events::EventId>), Error> {
    let waiting: Option<Hyphenated> = sqlx::query_scalar(
        "SELECT id FROM invitations WHERE group_id = ? AND kind = 'physician_removal'
           AND status = 'pending_physician' AND invitee_id = ?",
    )
    .bind(group_id.hyphenated())
    .bind(physician.hyphenated())
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = waiting {
        return Ok((
            fetch_invitation(&mut *tx, id.into_uuid()).await?,
            Vec::new(),
        ));
    }
    let id = insert_pending(
        &mut *tx,
        group_id,
        "physician_removal",
        Some(physician),
        role,
        caller,
    )
    .await?;
    let posted = system_entry(
        &mut *tx,
        group_id,
        Timeline::Care,
        SystemEventKind::PhysicianChangeRequested,
        caller,
        Some(physician),
        Some("remove"),
    )
    .await?;
    let changed = member_changed(&mut *tx, group_id).await?;
    audit::record(
        &mut *tx,
        Entry::new(Action::PhysicianChangeRequest, Some(caller), ip)
            .group(group_id)
            .target(physician),
    )
    .await?;
    Ok((fetch_invitation(&mut *tx, id).await?, vec![posted, changed]))
}
