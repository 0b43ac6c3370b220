//! `GET /api/v1/groups` and `GET /api/v1/groups/{group_id}`.

use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use sqlx::types::uuid::fmt::Hyphenated;
use tsunagu_api::{Group, GroupKind, GroupPage, MemberRole, Problem};
use utoipa::IntoParams;

use super::extract::{parse_id, ClientIp, Query};
use super::{AppState, AuthUser, Error};
use crate::audit::{self, Action, Entry};
use crate::cursor::{clamp_limit, Cursor};
use crate::time::from_ms;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupListParams {
    /// Page size, default 50; values outside 1..=100 are clamped.
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    before: Option<String>,
}

#[derive(Debug, sqlx::FromRow)]
struct GroupRow {
    id: Hyphenated,
    kind: String,
    name: String,
    name_kana: Option<String>,
    my_role: String,
    member_count: i64,
    created_at_ms: i64,
    last_post_at_ms: Option<i64>,
    /// Sort key: newest post, or creation for a group without posts.
    activity_ms: i64,
}

impl GroupRow {
    fn into_group(self) -> Group {
        Group {
            id: self.id.into_uuid(),
            kind: GroupKind::parse(&self.kind),
            name: self.name,
            name_kana: self.name_kana,
            my_role: MemberRole::parse(&self.my_role),
            member_count: self.member_count.try_into().unwrap_or(u32::MAX),
            created_at: from_ms(self.created_at_ms),
            last_post_at: self.last_post_at_ms.map(from_ms),
        }
    }
}

/// Groups of one member with role and member count in one query: the count is a correlated
/// subquery over the `group_members` primary key, not a query per group.
const SELECT_MY_GROUPS: &str = "SELECT g.id, g.kind, g.name, g.name_kana, m.role AS my_role,
        (SELECT COUNT(*) FROM group_members c WHERE c.group_id = g.id) AS member_count,
        g.created_at_ms, g.last_post_at_ms,
        COALESCE(g.last_post_at_ms, g.created_at_ms) AS activity_ms
    FROM group_members m JOIN groups g ON g.id = m.group_id
    WHERE m.user_id = ?";

/// The caller's groups, most recently active first.
#[utoipa::path(
    get,
    path = "/api/v1/groups",
    tag = "groups",
    security(("bearer" = [])),
    params(GroupListParams),
    responses(
        (status = 200, description = "One page of the caller's groups, most recently active first", body = GroupPage),
        (status = 400, description = "Invalid `limit` or cursor (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
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
) -> Result<Json<GroupPage>, Error> {
    let limit = clamp_limit(params.limit);
    let before = params
        .before
        .as_deref()
        .map(|raw| Cursor::decode(raw).ok_or_else(invalid_cursor))
        .transpose()?;

    let rows: Vec<GroupRow> = match before {
        None => {
            sqlx::query_as(&format!(
                "{SELECT_MY_GROUPS} ORDER BY activity_ms DESC, g.id DESC LIMIT ?"
            ))
            .bind(auth.user_id.hyphenated())
            .bind(limit + 1)
            .fetch_all(&state.db)
            .await?
        }
        Some(c) => {
            sqlx::query_as(&format!(
                "{SELECT_MY_GROUPS}
                   AND (COALESCE(g.last_post_at_ms, g.created_at_ms) < ?
                        OR (COALESCE(g.last_post_at_ms, g.created_at_ms) = ? AND g.id < ?))
                 ORDER BY activity_ms DESC, g.id DESC LIMIT ?"
            ))
            .bind(auth.user_id.hyphenated())
            .bind(c.ms)
            .bind(c.ms)
            .bind(c.id.hyphenated())
            .bind(limit + 1)
            .fetch_all(&state.db)
            .await?
        }
    };

    audit::record(
        &state.db,
        Entry::new(Action::GroupsList, Some(auth.user_id), ip),
    )
    .await?;

    let (rows, next_cursor) = page(rows, limit, |r| Cursor {
        ms: r.activity_ms,
        id: r.id.into_uuid(),
    });
    Ok(Json(GroupPage {
        items: rows.into_iter().map(GroupRow::into_group).collect(),
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
) -> Result<Json<Group>, Error> {
    let group_id = parse_id(&group_id)?;
    let row: GroupRow = sqlx::query_as(&format!("{SELECT_MY_GROUPS} AND g.id = ?"))
        .bind(auth.user_id.hyphenated())
        .bind(group_id.hyphenated())
        .fetch_optional(&state.db)
        .await?
        .ok_or(Error::NotFound)?;
    audit::record(
        &state.db,
        Entry::new(Action::GroupRead, Some(auth.user_id), ip).group(group_id),
    )
    .await?;
    Ok(Json(row.into_group()))
}

pub(super) fn invalid_cursor() -> Error {
    Error::MalformedRequest("invalid cursor".to_owned())
}

/// Splits `limit + 1` fetched rows into the page and the cursor of its last item, or no cursor
/// when nothing follows.
pub(super) fn page<T>(
    mut rows: Vec<T>,
    limit: i64,
    key: impl Fn(&T) -> Cursor,
) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|r| key(r).encode());
        (rows, next)
    } else {
        (rows, None)
    }
}
