//! `GET /api/v1/me`: the logged-in user.

use axum::extract::State;
use axum::Json;
use sqlx::types::uuid::fmt::Hyphenated;
use tsunagu_api::{FacilityKind, FacilityRef, Me, Problem, Profession};

use super::{AppState, AuthUser, Error};

/// A user with their facility, as read for login and `/me`.
#[derive(Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: Hyphenated,
    pub login_id: String,
    pub password_hash: String,
    pub display_name: String,
    pub display_name_kana: String,
    pub profession: String,
    pub facility_id: Option<Hyphenated>,
    pub facility_name: Option<String>,
    pub facility_kind: Option<String>,
    pub is_operator: bool,
    pub is_facility_admin: bool,
}

impl UserRow {
    /// Select list and joins; callers append the `WHERE`.
    pub const SELECT: &'static str = "SELECT u.id, u.login_id, u.password_hash, u.display_name,
            u.display_name_kana, u.profession, f.id AS facility_id, f.name AS facility_name,
            f.kind AS facility_kind, u.is_operator, u.is_facility_admin
        FROM users u LEFT JOIN facilities f ON f.id = u.facility_id";

    pub fn into_me(self) -> Me {
        let facility = match (self.facility_id, self.facility_name, self.facility_kind) {
            (Some(id), Some(name), Some(kind)) => Some(FacilityRef {
                id: id.into_uuid(),
                name,
                kind: FacilityKind::parse(&kind),
            }),
            _ => None,
        };
        Me {
            id: self.id.into_uuid(),
            login_id: self.login_id,
            display_name: self.display_name,
            display_name_kana: self.display_name_kana,
            profession: Profession::parse(&self.profession),
            facility,
            is_operator: self.is_operator,
            is_facility_admin: self.is_facility_admin,
        }
    }
}

/// The user the bearer token belongs to.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The logged-in user", body = Me),
        (status = 401, description = "No valid session (`unauthenticated`, `session_expired`)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))),
        (status = 500, description = "Internal error (`internal_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_me(State(state): State<AppState>, auth: AuthUser) -> Result<Json<Me>, Error> {
    let user: UserRow = sqlx::query_as(&format!("{} WHERE u.id = ?", UserRow::SELECT))
        .bind(auth.user_id.hyphenated())
        .fetch_optional(&state.db)
        .await?
        // The session was valid a moment ago; a user deleted since is simply logged out.
        .ok_or(Error::Unauthenticated)?;
    Ok(Json(user.into_me()))
}
