//! Invitations: the attending physician's inbox (approve, decline) and one-time links (family,
//! registration) that admins create, list and revoke.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use tsunagu_api::{
    DeclineInvitation, ErrorCode, GroupKind, Invitation, InvitationKind, InvitationLink,
    InvitationList, MemberRole, NewInvitationLink, Problem, INVITATION_LINK_HOURS,
};

use super::access::member;
use super::common_responses::{JsonBodyErrors, SessionErrors};
use super::extract::{parse_id, ClientIp, Json};
use super::{AppState, AuthUser, Error, SecretBody};
use crate::audit::{Action, Entry};
use crate::store::{Decide, NewLink};
use crate::time::now_ms;

/// Longest decline reason accepted.
pub const MAX_REASON_CHARS: usize = 500;

/// Requests waiting for the caller's decision, oldest first: member invitations and physician
/// changes of the groups where the caller is the attending physician, and, for operators, those
/// of groups whose physician's account is disabled (nobody else could ever decide them).
#[utoipa::path(
    get,
    path = "/api/v1/invitations",
    tag = "invitations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Pending requests of the groups where the caller is the attending physician; for operators also those whose physician's account is disabled (empty for everyone else)", body = InvitationList),
        SessionErrors,
    )
)]
pub async fn list_invitations(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
) -> Result<axum::Json<InvitationList>, Error> {
    let items = state.store.waiting_for(auth.user_id).await?;
    state
        .store
        .audit(Entry::new(Action::InvitationsRead, Some(auth.user_id), ip))
        .await?;
    Ok(axum::Json(InvitationList { items }))
}

/// The attending physician approves a request: an invited person becomes a member, the
/// physician role passes to the proposed successor (or the profile is left without one), or
/// the physician leaves the group. Operators decide instead when the physician's account is
/// disabled.
#[utoipa::path(
    post,
    path = "/api/v1/invitations/{invitation_id}/approve",
    tag = "invitations",
    security(("bearer" = [])),
    params(("invitation_id" = Uuid, Path, description = "Invitation id")),
    responses(
        (status = 200, description = "Approved (`status` = `accepted`); the change took effect", body = Invitation),
        (status = 404, description = "No such invitation, or the caller may not decide it (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided (`invitation_decided`), the group is archived (`group_archived`), or removing the physician would leave no admin (`last_admin`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The proposed physician is no longer an enabled physician member of the group (`field_invalid`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn approve_invitation(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(invitation_id): Path<String>,
) -> Result<axum::Json<Invitation>, Error> {
    let invitation = parse_id(&invitation_id)?;
    let decided = state
        .store
        .decide_invitation(Decide {
            invitation,
            caller: auth.user_id,
            decline_reason: None,
            client_ip: ip,
        })
        .await?;
    Ok(axum::Json(decided))
}

/// The attending physician (or an operator, as for approving) declines a request, with a reason
/// the requesting admin sees.
#[utoipa::path(
    post,
    path = "/api/v1/invitations/{invitation_id}/decline",
    tag = "invitations",
    security(("bearer" = [])),
    params(("invitation_id" = Uuid, Path, description = "Invitation id")),
    request_body = DeclineInvitation,
    responses(
        (status = 200, description = "Declined (`status` = `declined`)", body = Invitation),
        (status = 404, description = "No such invitation, or the caller may not decide it (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided (`invitation_decided`), or the group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason empty (`field_required`) or over 500 characters (`field_too_long`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
    )
)]
pub async fn decline_invitation(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(invitation_id): Path<String>,
    Json(decline): Json<DeclineInvitation>,
) -> Result<axum::Json<Invitation>, Error> {
    let invitation = parse_id(&invitation_id)?;
    let reason = decline.reason.trim();
    if reason.is_empty() {
        return Err(Error::Validation {
            field: "reason",
            code: ErrorCode::FieldRequired,
        });
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(Error::Validation {
            field: "reason",
            code: ErrorCode::FieldTooLong,
        });
    }
    let decided = state
        .store
        .decide_invitation(Decide {
            invitation,
            caller: auth.user_id,
            decline_reason: Some(reason.to_owned()),
            client_ip: ip,
        })
        .await?;
    Ok(axum::Json(decided))
}

/// Creates a one-time link (admins): `family` (patient groups) or `registration`. The token is
/// in this response only; the link expires after 72 hours.
#[utoipa::path(
    post,
    path = "/api/v1/groups/{group_id}/invitation-links",
    tag = "invitations",
    security(("bearer" = [])),
    params(("group_id" = Uuid, Path, description = "Group id")),
    request_body = NewInvitationLink,
    responses(
        (status = 201, description = "Created (`status` = `open`)", body = InvitationLink),
        (status = 403, description = "The caller is not an admin of the group (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`kind` is `member`, or `family` outside a patient group (`field_invalid`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
        JsonBodyErrors,
    )
)]
pub async fn create_link(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(group_id): Path<String>,
    Json(new_link): Json<NewInvitationLink>,
) -> Result<axum::response::Response, Error> {
    let group_id = parse_id(&group_id)?;
    let me = member(&state, group_id, auth.user_id).await?;
    me.require_writable()?;
    me.require_admin()?;
    let role = match (new_link.kind, me.kind) {
        (InvitationKind::Family, GroupKind::Patient) => MemberRole::Family,
        (InvitationKind::Registration, _) => MemberRole::Member,
        _ => {
            return Err(Error::Validation {
                field: "kind",
                code: ErrorCode::FieldInvalid,
            })
        }
    };
    let token = crate::token::generate();
    let token_hash = crate::token::hash(&token);
    let now = now_ms();
    let invitation = state
        .store
        .create_link(NewLink {
            caller: auth.user_id,
            group_id,
            kind: new_link.kind,
            role,
            token_hash: &token_hash,
            created_at_ms: now,
            expires_at_ms: now + INVITATION_LINK_HOURS * 3600 * 1000,
            client_ip: ip,
        })
        .await?;
    let mut response = axum::response::IntoResponse::into_response((
        StatusCode::CREATED,
        axum::Json(InvitationLink { invitation, token }),
    ));
    response.extensions_mut().insert(SecretBody);
    Ok(response)
}

/// The group's links (admins), newest first, with `expired` computed.
#[utoipa::path(
    get,
    path = "/api/v1/groups/{group_id}/invitation-links",
    tag = "invitations",
    security(("bearer" = [])),
    params(("group_id" = Uuid, Path, description = "Group id")),
    responses(
        (status = 200, description = "Links: open, accepted, revoked or expired", body = InvitationList),
        (status = 403, description = "The caller is not an admin of the group (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn list_links(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(group_id): Path<String>,
) -> Result<axum::Json<InvitationList>, Error> {
    let group_id = parse_id(&group_id)?;
    let me = member(&state, group_id, auth.user_id).await?;
    me.require_admin()?;
    let items = state.store.links_of(group_id).await?;
    state
        .store
        .audit(Entry::new(Action::InvitationLinksRead, Some(auth.user_id), ip).group(group_id))
        .await?;
    Ok(axum::Json(InvitationList { items }))
}

/// Revokes a link (admins): it stops working at once.
#[utoipa::path(
    delete,
    path = "/api/v1/groups/{group_id}/invitation-links/{invitation_id}",
    tag = "invitations",
    security(("bearer" = [])),
    params(
        ("group_id" = Uuid, Path, description = "Group id"),
        ("invitation_id" = Uuid, Path, description = "Invitation id"),
    ),
    responses(
        (status = 204, description = "Revoked (also when it already was)"),
        (status = 403, description = "The caller is not an admin of the group (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group or link, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The link was already used (`invitation_decided`), or the group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn revoke_link(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path((group_id, invitation_id)): Path<(String, String)>,
) -> Result<StatusCode, Error> {
    let group_id = parse_id(&group_id)?;
    let id = parse_id(&invitation_id)?;
    let me = member(&state, group_id, auth.user_id).await?;
    me.require_writable()?;
    me.require_admin()?;
    state
        .store
        .revoke_link(auth.user_id, group_id, id, ip)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
