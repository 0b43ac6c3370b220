//! Access log entries as `audit verify` reads them.

use crate::domain::audit_chain::ChainRow;
use crate::store::id::Id;

/// The columns, in the order [`AuditRow`] reads them; callers add `FROM audit_log …`.
pub const SELECT_AUDIT_CHAIN: &str =
    "SELECT id, at_ms, user_id, action, group_id, target_id, client_ip, prev_hash, hash";

#[derive(sqlx::FromRow)]
pub struct AuditRow {
    id: i64,
    at_ms: i64,
    user_id: Option<Id>,
    action: String,
    group_id: Option<Id>,
    target_id: Option<Id>,
    client_ip: Option<String>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

impl AuditRow {
    pub fn into_chain_row(self) -> ChainRow {
        ChainRow {
            id: self.id,
            at_ms: self.at_ms,
            user_id: self.user_id.map(Id::into_uuid),
            action: self.action,
            group_id: self.group_id.map(Id::into_uuid),
            target_id: self.target_id.map(Id::into_uuid),
            client_ip: self.client_ip,
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
    }
}

/// An entry as a reviewer reads it (`GET /access-log`); callers append `WHERE`, `ORDER`, `LIMIT`.
/// Binds, in order: the reviewer (for the group name, shown only to a member of the group).
pub fn select_access_log(placeholder: &str) -> String {
    format!(
        "SELECT a.id, a.at_ms, a.user_id, u.login_id, u.display_name, a.action, a.group_id,
                CASE WHEN gm.user_id IS NULL THEN NULL ELSE g.name END AS group_name,
                a.target_id, a.client_ip
         FROM audit_log a
         LEFT JOIN users u ON u.id = a.user_id
         LEFT JOIN groups g ON g.id = a.group_id
         LEFT JOIN group_members gm ON gm.group_id = a.group_id AND gm.user_id = {placeholder}"
    )
}

#[derive(sqlx::FromRow)]
pub struct AccessLogRow {
    id: i64,
    at_ms: i64,
    user_id: Option<Id>,
    login_id: Option<String>,
    display_name: Option<String>,
    action: String,
    group_id: Option<Id>,
    group_name: Option<String>,
    target_id: Option<Id>,
    client_ip: Option<String>,
}

impl AccessLogRow {
    pub fn into_entry(self) -> tsunagu_api::AccessLogEntry {
        let user = match (self.user_id, self.login_id, self.display_name) {
            (Some(id), Some(login_id), Some(display_name)) => Some(tsunagu_api::AccessLogUser {
                id: id.into_uuid(),
                login_id,
                display_name,
            }),
            _ => None,
        };
        tsunagu_api::AccessLogEntry {
            id: self.id,
            at: crate::time::from_ms(self.at_ms),
            user,
            action: self.action,
            group_id: self.group_id.map(Id::into_uuid),
            group_name: self.group_name,
            target_id: self.target_id.map(Id::into_uuid),
            client_ip: self.client_ip,
        }
    }
}
