//! One-time links, opened without a login: `GET /api/v1/join/{token}` says what the link is
//! for; `POST /api/v1/join/{token}` creates the family account, joins the group and logs in.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sqlx::types::uuid::fmt::Hyphenated;
use tsunagu_api::{
    ErrorCode, JoinAsFamily, JoinInfo, MemberRole, Problem, Session, SystemEventKind, Timeline,
};
use uuid::Uuid;

use super::extract::{ClientIp, Json};
use super::{AppState, Error, SecretBody};
use crate::audit::{self, Action, Entry};
use crate::store::sqlite::groups::author;
use crate::store::sqlite::membership_writes::{member_changed, system_entry};
use crate::time::{from_ms, now_ms};
use tsunagu_api::MAX_NAME_CHARS;

/// Longest login ID accepted.
const MAX_LOGIN_ID_CHARS: usize = 64;

#[derive(sqlx::FromRow)]
struct LinkRow {
    id: Hyphenated,
    kind: String,
    group_id: Hyphenated,
    group_name: String,
    expires_at_ms: i64,
    by_id: Option<Hyphenated>,
    by_name: Option<String>,
    by_profession: Option<String>,
    by_facility_name: Option<String>,
}

/// An open, unexpired link of a live group; anything else is one and the same 404.
async fn open_link(db: impl sqlx::SqliteExecutor<'_>, token: &str) -> Result<LinkRow, Error> {
    let row: Option<LinkRow> = sqlx::query_as(
        "SELECT i.id, i.kind, g.id AS group_id, g.name AS group_name, i.expires_at_ms,
                bu.id AS by_id, bu.display_name AS by_name, bu.profession AS by_profession,
                buf.name AS by_facility_name
         FROM invitations i
         JOIN groups g ON g.id = i.group_id
         LEFT JOIN users bu ON bu.id = i.invited_by
         LEFT JOIN facilities buf ON buf.id = bu.facility_id
         WHERE i.token_hash = ? AND i.status = 'open' AND i.expires_at_ms > ?
           AND g.archived = 0",
    )
    .bind(crate::token::hash(token))
    .bind(now_ms())
    .fetch_optional(db)
    .await?;
    row.ok_or(Error::InvitationInvalid)
}

fn kind_of(row: &LinkRow) -> tsunagu_api::InvitationKind {
    if row.kind == "family" {
        tsunagu_api::InvitationKind::Family
    } else {
        tsunagu_api::InvitationKind::Registration
    }
}

/// What a link invites to, so the person can decide. No login.
#[utoipa::path(
    get,
    path = "/api/v1/join/{token}",
    tag = "join",
    params(("token" = String, Path, description = "The secret of the link")),
    responses(
        (status = 200, description = "The link is open", body = JoinInfo),
        (status = 404, description = "Unknown, used, revoked or expired: one answer for all (`invitation_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn join_info(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> Result<axum::Json<JoinInfo>, Error> {
    let row = open_link(&state.sqlite()?.read, &token).await?;
    state
        .store
        .audit(
            Entry::new(Action::JoinRead, None, ip)
                .group(row.group_id.into_uuid())
                .target(row.id.into_uuid()),
        )
        .await?;
    let kind = kind_of(&row);
    Ok(axum::Json(JoinInfo {
        kind,
        group_name: row.group_name,
        invited_by: author(
            row.by_id,
            row.by_name,
            row.by_profession,
            row.by_facility_name,
        )
        .ok_or(Error::InvitationInvalid)?,
        expires_at: from_ms(row.expires_at_ms),
    }))
}

async fn login_id_taken(db: impl sqlx::SqliteExecutor<'_>, login_id: &str) -> Result<bool, Error> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM users WHERE login_id = ?")
        .bind(login_id)
        .fetch_optional(db)
        .await?;
    Ok(taken.is_some())
}

fn validation(field: &'static str, code: ErrorCode) -> Error {
    Error::Validation { field, code }
}

/// Accepts a family link: creates the family account (profession `family`, no facility), makes
/// it a `family` member of the group, and logs it in. Single use.
///
/// Refused attempts (an unknown link, a taken login ID) are throttled per link and per client
/// address: 10 within 15 minutes. A taken login ID is written to the audit log.
#[utoipa::path(
    post,
    path = "/api/v1/join/{token}",
    tag = "join",
    params(("token" = String, Path, description = "The secret of the link")),
    request_body = JoinAsFamily,
    responses(
        (status = 201, description = "Joined and logged in", body = Session),
        (status = 400, description = "Malformed JSON (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, used, revoked or expired (`invitation_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The login ID is taken (`login_id_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not `application/json` (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A registration link, completed by the registration flow (`invitation_invalid`); a field missing or too long (`field_required`, `field_too_long`); a weak password (`password_too_weak`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many refused attempts, or too many password operations at once (`rate_limited`)", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until another attempt is accepted"))),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn join_as_family(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Json(join): Json<JoinAsFamily>,
) -> Result<Response, Error> {
    // Counted before the link is looked up, so concurrent attempts cannot outrun the limit.
    let attempt = state
        .join_throttle
        .check_and_reserve(&token, ip)
        .map_err(|refused| Error::RateLimited {
            retry_after_secs: refused.retry_after_secs(),
        })?;
    let result = join_inner(&state, ip, &token, join).await;
    // A taken login ID counts like an unknown link: a valid link must not be an unlimited
    // oracle of which login IDs exist.
    if matches!(result, Err(Error::InvitationInvalid | Error::LoginIdTaken)) {
        attempt.failed();
    }
    result
}

/// Audits a refusal for a taken login ID (the link stays open).
fn refused(link: &LinkRow, ip: Option<std::net::IpAddr>) -> Entry {
    Entry::new(Action::JoinRefused, None, ip)
        .group(link.group_id.into_uuid())
        .target(link.id.into_uuid())
}

async fn join_inner(
    state: &AppState,
    ip: Option<std::net::IpAddr>,
    token: &str,
    join: JoinAsFamily,
) -> Result<Response, Error> {
    let link = open_link(&state.sqlite()?.read, token).await?;
    if kind_of(&link) != tsunagu_api::InvitationKind::Family {
        return Err(Error::InvitationWrongKind);
    }
    let display_name = join.display_name.trim().to_owned();
    if display_name.is_empty() {
        return Err(validation("display_name", ErrorCode::FieldRequired));
    }
    if display_name.chars().count() > MAX_NAME_CHARS {
        return Err(validation("display_name", ErrorCode::FieldTooLong));
    }
    let login_id = join.login_id.trim().to_owned();
    if login_id.is_empty() {
        return Err(validation("login_id", ErrorCode::FieldRequired));
    }
    if login_id.chars().count() > MAX_LOGIN_ID_CHARS {
        return Err(validation("login_id", ErrorCode::FieldTooLong));
    }
    tsunagu_api::validate_password(&join.password).map_err(|code| validation("password", code))?;
    // Checked again below under the write lock; this spares the hashing when it is taken.
    if login_id_taken(&state.sqlite()?.read, &login_id).await? {
        state.sqlite()?.writer.audit(refused(&link, ip)).await?;
        return Err(Error::LoginIdTaken);
    }
    // Slow: hashed before the write lock is taken, within the server's bound on hashing.
    let password_hash = state.hashing.hash(join.password).await?;

    let mut tx = state.sqlite()?.writer.begin().await?;
    if login_id_taken(&mut *tx, &login_id).await? {
        audit::record(&mut *tx, refused(&link, ip)).await?;
        tx.commit().await?;
        return Err(Error::LoginIdTaken);
    }
    let now = now_ms();
    // Single use: only the request that flips the link from open to accepted goes on.
    let claimed = sqlx::query(
        "UPDATE invitations SET status = 'accepted', decided_at_ms = ?
         WHERE id = ? AND status = 'open' AND expires_at_ms > ?",
    )
    .bind(now)
    .bind(link.id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed != 1 {
        return Err(Error::InvitationInvalid);
    }
    let user_id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO users (id, login_id, password_hash, display_name, display_name_kana,
                            profession, facility_id, created_at_ms, relationship)
         VALUES (?, ?, ?, ?, '', 'family', NULL, ?, ?)",
    )
    .bind(user_id.hyphenated())
    .bind(&login_id)
    .bind(&password_hash)
    .bind(&display_name)
    .bind(now)
    .bind(join.relationship.as_str())
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE invitations SET decided_by = ?, invitee_id = ? WHERE id = ?")
        .bind(user_id.hyphenated())
        .bind(user_id.hyphenated())
        .bind(link.id)
        .execute(&mut *tx)
        .await?;
    let group_id = link.group_id.into_uuid();
    sqlx::query(
        "INSERT INTO group_members (group_id, user_id, role, joined_at_ms) VALUES (?, ?, ?, ?)",
    )
    .bind(group_id.hyphenated())
    .bind(user_id.hyphenated())
    .bind(MemberRole::Family.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let mut published = Vec::new();
    for timeline in [Timeline::Care, Timeline::Family] {
        published.push(
            system_entry(
                &mut tx,
                group_id,
                timeline,
                SystemEventKind::MemberJoined,
                user_id,
                Some(user_id),
                None,
            )
            .await?,
        );
    }
    published.push(member_changed(&mut tx, group_id).await?);

    let token = crate::token::generate();
    let expires_at_ms = now + state.settings.session_max_lifetime.as_millis() as i64;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at_ms, last_seen_ms, expires_at_ms)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(crate::token::hash(&token))
    .bind(user_id.hyphenated())
    .bind(now)
    .bind(now)
    .bind(expires_at_ms)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Entry::new(Action::JoinAccept, Some(user_id), ip)
            .group(group_id)
            .target(link.id.into_uuid()),
    )
    .await?;
    let user = crate::store::sqlite::me_in(&mut *tx, user_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the account just created is missing"))?;
    tx.commit().await?;
    state.live.publish_all(published);

    let session = Session {
        token,
        expires_at: from_ms(expires_at_ms),
        idle_timeout_seconds: state.settings.session_idle_timeout.as_secs() as u32,
        user,
    };
    let mut response = (StatusCode::CREATED, axum::Json(session)).into_response();
    response.extensions_mut().insert(SecretBody);
    Ok(response)
}
