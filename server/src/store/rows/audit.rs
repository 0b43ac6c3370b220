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

/// Which filters a query of [`select_access_log`] has, in the order their binds follow the
/// reviewer's: the facility (a facility administrator's view), user, group, action pattern,
/// from, to, before; then the limit.
pub struct AccessLogFilters {
    pub facility: bool,
    pub user: bool,
    pub group: bool,
    pub action: bool,
    pub from: bool,
    pub to: bool,
    pub before: bool,
}

/// The whole query for `filters`; `placeholder(n)` writes the n-th bind (1-based), `?` or `$n`.
pub fn access_log_sql(filters: &AccessLogFilters, placeholder: fn(usize) -> String) -> String {
    let mut sql = select_access_log(&placeholder(1));
    sql.push_str(" WHERE 1 = 1");
    let mut n = 1;
    let conditions = [
        (filters.facility, "u.facility_id = "),
        (filters.user, "a.user_id = "),
        (filters.group, "a.group_id = "),
        (filters.action, "a.action LIKE "),
        (filters.from, "a.at_ms >= "),
        (filters.to, "a.at_ms < "),
        (filters.before, "a.id < "),
    ];
    for (on, condition) in conditions {
        if on {
            n += 1;
            sql.push_str(" AND ");
            sql.push_str(condition);
            sql.push_str(&placeholder(n));
            if condition.contains("LIKE") {
                sql.push_str(" ESCAPE '\\'");
            }
        }
    }
    sql.push_str(" ORDER BY a.id DESC LIMIT ");
    sql.push_str(&placeholder(n + 1));
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_are_numbered_in_the_order_of_the_filters() {
        let filters = AccessLogFilters {
            facility: true,
            user: false,
            group: true,
            action: true,
            from: false,
            to: false,
            before: true,
        };
        let sql = access_log_sql(&filters, |n| format!("${n}"));
        assert!(sql.contains("gm.user_id = $1"));
        assert!(sql.ends_with(
            " WHERE 1 = 1 AND u.facility_id = $2 AND a.group_id = $3 \
             AND a.action LIKE $4 ESCAPE '\\' AND a.id < $5 ORDER BY a.id DESC LIMIT $6"
        ));
    }
}
