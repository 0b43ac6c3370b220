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
