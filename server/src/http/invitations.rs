//! Invitations: the attending physician's inbox (approve, decline) and one-time links (family,
//! registration) that admins create, list and revoke.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use sqlx::types::uuid::fmt::Hyphenated;
use tsunagu_api::{
    DeclineInvitation, ErrorCode, GroupKind, Invitation, InvitationKind, InvitationLink,
    InvitationList, MemberRole, NewInvitationLink, Problem, SystemEventKind, Timeline,
    INVITATION_LINK_HOURS,
};
use uuid::Uuid;

use super::access::member;
use super::extract::{parse_id, ClientIp, Json};
use super::{AppState, AuthUser, Error, SecretBody};
use crate::audit::{self, Action, Entry};
use crate::store::sqlite::invitations::fetch_invitation;
use crate::store::sqlite::membership_writes::{
    admin_count, member_changed, remove_from_group, role_of, system_entry,
};
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
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
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

#[derive(sqlx::FromRow)]
struct DecisionRow {
    group_id: Hyphenated,
    status: String,
    kind: String,
    invitee_id: Option<Hyphenated>,
    role: String,
    attending_physician_id: Option<Hyphenated>,
    archived: bool,
    physician_disabled: Option<bool>,
    caller_is_operator: bool,
}

/// A pending request the caller may decide.
struct Pending {
    group_id: Uuid,
    kind: InvitationKind,
    invitee: Option<Uuid>,
    role: MemberRole,
}

/// The request if the caller decides it: the group's attending physician, or an operator when
/// the physician's account is disabled. 404 for anyone else.
async fn decidable(
    conn: &mut sqlx::SqliteConnection,
    id: Uuid,
    caller: Uuid,
) -> Result<Pending, Error> {
    let row: DecisionRow = sqlx::query_as(
        "SELECT i.group_id, i.status, i.kind, i.invitee_id, i.role, g.attending_physician_id,
                g.archived, ph.disabled AS physician_disabled,
                EXISTS (SELECT 1 FROM users op WHERE op.id = ? AND op.is_operator = 1)
                    AS caller_is_operator
         FROM invitations i JOIN groups g ON g.id = i.group_id
         LEFT JOIN users ph ON ph.id = g.attending_physician_id
         WHERE i.id = ?",
    )
    .bind(caller.hyphenated())
    .bind(id.hyphenated())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Error::NotFound)?;
    let physician = row.attending_physician_id.map(Hyphenated::into_uuid);
    let decider = physician == Some(caller)
        || (row.caller_is_operator && row.physician_disabled == Some(true));
    let kind = row.kind.parse().unwrap_or(InvitationKind::Member);
    let invitee = row.invitee_id.map(Hyphenated::into_uuid);
    let well_formed = match kind {
        InvitationKind::Member | InvitationKind::PhysicianRemoval => invitee.is_some(),
        InvitationKind::PhysicianChange => true,
        InvitationKind::Family | InvitationKind::Registration => false,
    };
    if !(decider && well_formed) {
        return Err(Error::NotFound);
    }
    if row.status != "pending_physician" {
        return Err(Error::InvitationDecided);
    }
    if row.archived {
        return Err(Error::GroupArchived);
    }
    Ok(Pending {
        group_id: row.group_id.into_uuid(),
        kind,
        invitee,
        role: MemberRole::parse(&row.role),
    })
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
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 404, description = "No such invitation, or the caller may not decide it (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided (`invitation_decided`), the group is archived (`group_archived`), or removing the physician would leave no admin (`last_admin`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The proposed physician is no longer an enabled physician member of the group (`field_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn approve_invitation(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(invitation_id): Path<String>,
) -> Result<axum::Json<Invitation>, Error> {
    let id = parse_id(&invitation_id)?;
    let mut tx = state.writer.begin().await?;
    let pending = decidable(&mut tx, id, auth.user_id).await?;
    let group_id = pending.group_id;
    let (entry, effects) = match (pending.kind, pending.invitee) {
        (InvitationKind::PhysicianChange, successor) => {
            if let Some(successor) = successor {
                let still: Option<i64> = sqlx::query_scalar(
                    "SELECT 1 FROM group_members m JOIN users u ON u.id = m.user_id
                     WHERE m.group_id = ? AND m.user_id = ? AND m.role <> 'family'
                       AND u.disabled = 0 AND u.profession = 'physician'",
                )
                .bind(group_id.hyphenated())
                .bind(successor.hyphenated())
                .fetch_optional(&mut *tx)
                .await?;
                if still.is_none() {
                    return Err(Error::Validation {
                        field: "invitee",
                        code: ErrorCode::FieldInvalid,
                    });
                }
            }
            sqlx::query("UPDATE groups SET attending_physician_id = ? WHERE id = ?")
                .bind(successor.map(|u| u.hyphenated()))
                .bind(group_id.hyphenated())
                .execute(&mut *tx)
                .await?;
            (
                Some((SystemEventKind::PhysicianChanged, successor)),
                Vec::new(),
            )
        }
        (InvitationKind::PhysicianRemoval, Some(physician)) => {
            let role = role_of(&mut *tx, group_id, physician).await?;
            let effects = match role {
                // Left meanwhile: approving changes nothing more.
                None => Vec::new(),
                Some(role) => {
                    if role == MemberRole::Admin && admin_count(&mut *tx, group_id).await? <= 1 {
                        return Err(Error::LastAdmin);
                    }
                    // The physician approving their own removal is leaving.
                    let kind = if physician == auth.user_id {
                        SystemEventKind::MemberLeft
                    } else {
                        SystemEventKind::MemberRemoved
                    };
                    remove_from_group(&mut tx, group_id, physician, role, auth.user_id, kind)
                        .await?
                }
            };
            (None, effects)
        }
        (_, invitee) => {
            let invitee = invitee.ok_or(Error::NotFound)?;
            sqlx::query(
                "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
                 VALUES (?, ?, ?, ?)
                 ON CONFLICT (group_id, user_id) DO NOTHING",
            )
            .bind(group_id.hyphenated())
            .bind(invitee.hyphenated())
            .bind(pending.role.as_str())
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
            (
                Some((SystemEventKind::InvitationApproved, Some(invitee))),
                Vec::new(),
            )
        }
    };
    let decision = Decision {
        invitation: id,
        group_id,
        decider: auth.user_id,
        accepted: true,
        entry,
        effects,
        reason: None,
    };
    Ok(axum::Json(decision.record(tx, &state.live, ip).await?))
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
        (status = 400, description = "Malformed JSON (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 404, description = "No such invitation, or the caller may not decide it (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided (`invitation_decided`), or the group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not `application/json` (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason empty (`field_required`) or over 500 characters (`field_too_long`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn decline_invitation(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(invitation_id): Path<String>,
    Json(decline): Json<DeclineInvitation>,
) -> Result<axum::Json<Invitation>, Error> {
    let id = parse_id(&invitation_id)?;
    let mut tx = state.writer.begin().await?;
    let pending = decidable(&mut tx, id, auth.user_id).await?;
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
    let decision = Decision {
        invitation: id,
        group_id: pending.group_id,
        decider: auth.user_id,
        accepted: false,
        entry: Some((SystemEventKind::InvitationDeclined, pending.invitee)),
        effects: Vec::new(),
        reason: Some(reason),
    };
    Ok(axum::Json(decision.record(tx, &state.live, ip).await?))
}

/// The decision on a pending request.
struct Decision<'a> {
    invitation: Uuid,
    group_id: Uuid,
    /// The physician, or the operator deciding in their place.
    decider: Uuid,
    accepted: bool,
    /// The timeline entry recording the decision (kind and subject), if the effect did not
    /// already write one.
    entry: Option<(SystemEventKind, Option<Uuid>)>,
    /// Events the effect appended (a removal), to publish with the decision's.
    effects: Vec<crate::events::EventId>,
    /// Declines only: shown to the requesting admin and in the timeline.
    reason: Option<&'a str>,
}

impl Decision<'_> {
    /// Stores the decision, with the system entry everyone in the group sees and the audit row,
    /// in the caller's transaction, and returns the invitation as it now stands. The effect of
    /// approving (membership, physician) is written by the caller first.
    async fn record(
        self,
        mut tx: sqlx::Transaction<'_, sqlx::Sqlite>,
        live: &crate::events::Live,
        ip: Option<std::net::IpAddr>,
    ) -> Result<Invitation, Error> {
        let (status, action) = if self.accepted {
            ("accepted", Action::InvitationApprove)
        } else {
            ("declined", Action::InvitationDecline)
        };
        sqlx::query(
            "UPDATE invitations SET status = ?, decided_by = ?, decided_at_ms = ?,
                 decline_reason = ?
             WHERE id = ?",
        )
        .bind(status)
        .bind(self.decider.hyphenated())
        .bind(now_ms())
        .bind(self.reason)
        .bind(self.invitation.hyphenated())
        .execute(&mut *tx)
        .await?;
        let mut published = self.effects;
        if let Some((kind, subject)) = self.entry {
            published.push(
                system_entry(
                    &mut tx,
                    self.group_id,
                    Timeline::Care,
                    kind,
                    self.decider,
                    subject,
                    self.reason,
                )
                .await?,
            );
        }
        // Members or the physician changed (approved), and one pending request fewer either way.
        published.push(member_changed(&mut tx, self.group_id).await?);
        audit::record(
            &mut *tx,
            Entry::new(action, Some(self.decider), ip)
                .group(self.group_id)
                .target(self.invitation),
        )
        .await?;
        let invitation = fetch_invitation(&mut *tx, self.invitation).await?;
        tx.commit().await?;
        live.publish_all(published);
        Ok(invitation)
    }
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
        (status = 400, description = "Malformed JSON (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 403, description = "The caller is not an admin of the group (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not `application/json` (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`kind` is `member`, or `family` outside a patient group (`field_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
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
    let id = Uuid::now_v7();
    let now = now_ms();
    let mut tx = state.writer.begin().await?;
    sqlx::query(
        "INSERT INTO invitations (id, group_id, kind, status, role, invited_by, token_hash,
                                  created_at_ms, expires_at_ms)
         VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?)",
    )
    .bind(id.hyphenated())
    .bind(group_id.hyphenated())
    .bind(new_link.kind.as_str())
    .bind(role.as_str())
    .bind(auth.user_id.hyphenated())
    .bind(crate::token::hash(&token))
    .bind(now)
    .bind(now + INVITATION_LINK_HOURS * 3600 * 1000)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Entry::new(Action::InvitationLinkCreate, Some(auth.user_id), ip)
            .group(group_id)
            .target(id),
    )
    .await?;
    let invitation = fetch_invitation(&mut *tx, id).await?;
    tx.commit().await?;
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
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 403, description = "The caller is not an admin of the group (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
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
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 403, description = "The caller is not an admin of the group (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group or link, or the caller is not a member (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The link was already used (`invitation_decided`), or the group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
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
    let mut tx = state.writer.begin().await?;
    let status: String = sqlx::query_scalar(
        "SELECT status FROM invitations
         WHERE id = ? AND group_id = ? AND kind IN ('family', 'registration')",
    )
    .bind(id.hyphenated())
    .bind(group_id.hyphenated())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound)?;
    match status.as_str() {
        "open" => {
            sqlx::query(
                "UPDATE invitations SET status = 'revoked', decided_by = ?, decided_at_ms = ?
                 WHERE id = ?",
            )
            .bind(auth.user_id.hyphenated())
            .bind(now_ms())
            .bind(id.hyphenated())
            .execute(&mut *tx)
            .await?;
        }
        "revoked" => {}
        _ => return Err(Error::InvitationDecided),
    }
    audit::record(
        &mut *tx,
        Entry::new(Action::InvitationLinkRevoke, Some(auth.user_id), ip)
            .group(group_id)
            .target(id),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
