//! Accounts.

use tsunagu_api::{Author, FacilityKind, FacilityRef, Me, Profession};

use crate::store::id::Id;
use crate::store::LoginUser;

/// [`UserRow`]'s select list and joins, the same on both backends; callers append the
/// `WHERE`.
pub const SELECT_USER: &str = "SELECT u.id, u.login_id, u.password_hash, u.display_name,
        u.display_name_kana, u.profession, f.id AS facility_id, f.name AS facility_name,
        f.kind AS facility_kind, u.is_operator, u.is_facility_admin, u.totp_enabled,
        u.totp_secret
    FROM users u LEFT JOIN facilities f ON f.id = u.facility_id";

/// A user with their facility, as read for login and `/me`.
#[derive(Debug, sqlx::FromRow)]
pub struct UserRow {
    id: Id,
    login_id: String,
    password_hash: String,
    display_name: String,
    display_name_kana: String,
    profession: String,
    facility_id: Option<Id>,
    facility_name: Option<String>,
    facility_kind: Option<String>,
    is_operator: bool,
    is_facility_admin: bool,
    totp_enabled: bool,
    totp_secret: Option<String>,
}

impl UserRow {
    pub fn into_login(mut self) -> LoginUser {
        let password_hash = std::mem::take(&mut self.password_hash);
        let totp_secret = self.totp_secret.take().filter(|_| self.totp_enabled);
        LoginUser {
            me: self.into_me(),
            password_hash,
            totp_secret,
        }
    }

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
            two_factor: self.totp_enabled,
        }
    }
}

/// A person as posts and events name them (`id, display_name, profession, facility_name`).
#[derive(Debug, sqlx::FromRow)]
pub struct AuthorRow {
    id: Id,
    display_name: String,
    profession: String,
    facility_name: Option<String>,
}

impl AuthorRow {
    pub fn into_author(self) -> Author {
        Author {
            id: self.id.into_uuid(),
            display_name: self.display_name,
            profession: Profession::parse(&self.profession),
            facility_name: self.facility_name,
        }
    }
}

/// Whose a session is, and its times.
#[derive(Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: Id,
    pub profession: String,
    pub last_seen_ms: i64,
    pub expires_at_ms: i64,
}

/// What suspending needs to know of the caller and of the account (`domain::accounts`).
pub const SELECT_ACCOUNT_ROLES: &str =
    "SELECT is_operator, is_facility_admin, facility_id FROM users WHERE id = ";

#[derive(Debug, sqlx::FromRow)]
pub struct AccountRolesRow {
    is_operator: bool,
    is_facility_admin: bool,
    facility_id: Option<Id>,
}

impl AccountRolesRow {
    pub fn actor(&self, id: uuid::Uuid) -> crate::domain::accounts::Actor {
        crate::domain::accounts::Actor {
            id,
            is_operator: self.is_operator,
            is_facility_admin: self.is_facility_admin,
            facility_id: self.facility_id.map(Id::into_uuid),
        }
    }

    pub fn target(&self, id: uuid::Uuid) -> crate::domain::accounts::Target {
        crate::domain::accounts::Target {
            id,
            is_operator: self.is_operator,
            facility_id: self.facility_id.map(Id::into_uuid),
        }
    }
}
