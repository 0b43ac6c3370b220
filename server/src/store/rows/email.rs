//! Rows of notification mail, as both backends read them.

use tsunagu_api::{EmailMode, GroupKind};

use crate::store::id::Id;
use crate::store::{MailGroup, StoredEmail};

#[derive(sqlx::FromRow)]
pub struct SettingsRow {
    pub address: Option<String>,
    pub confirmed: bool,
    pub mode: String,
}

impl From<SettingsRow> for StoredEmail {
    fn from(r: SettingsRow) -> Self {
        Self {
            address: r.address,
            confirmed: r.confirmed,
            mode: r.mode.parse().unwrap_or(EmailMode::Off),
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct MailGroupRow {
    pub id: Id,
    pub kind: String,
    pub name: String,
    pub patient_name: Option<String>,
}

impl From<MailGroupRow> for MailGroup {
    fn from(r: MailGroupRow) -> Self {
        Self {
            id: r.id.into_uuid(),
            kind: GroupKind::parse(&r.kind),
            name: r.name,
            patient_name: r.patient_name,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct DigestGroupRow {
    #[sqlx(flatten)]
    pub group: MailGroupRow,
    pub unread: i64,
}

#[derive(sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

#[derive(sqlx::FromRow)]
pub struct CodeRow {
    pub code_hash: Option<String>,
    pub code_expires_at_ms: Option<i64>,
    pub code_tries_left: i64,
}

#[derive(sqlx::FromRow)]
pub struct DueRow {
    pub user_id: Id,
    pub address: String,
    pub since_ms: i64,
}

#[derive(sqlx::FromRow)]
pub struct WindowRow {
    pub codes_window_start_ms: i64,
    pub codes_in_window: i64,
}
