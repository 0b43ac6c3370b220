//! The access log as its reviewers read it (the operator; a facility's administrator for their
//! staff), filtered and paged by id, newest first.

use super::SqliteStore;
use crate::domain::membership::Denied;
use crate::store::rows::{
    access_log_sql, AccessLogFilters, AccessLogRow, AccountRolesRow, SELECT_ACCOUNT_ROLES,
};
use crate::store::{AccessLogQuery, StoreError};

impl SqliteStore {
    pub async fn access_log(
        &self,
        q: &AccessLogQuery,
    ) -> Result<Vec<tsunagu_api::AccessLogEntry>, StoreError> {
        let mut conn = self.read.acquire().await?;
        let viewer: Option<AccountRolesRow> =
            sqlx::query_as(&format!("{SELECT_ACCOUNT_ROLES} ? AND disabled = 0"))
                .bind(q.viewer.hyphenated())
                .fetch_optional(&mut *conn)
                .await?;
        let viewer = viewer.ok_or(Denied::NotFound)?.actor(q.viewer);
        // The operator reviews everyone; a facility's administrator their own staff.
        let facility = match (
            viewer.is_operator,
            viewer.is_facility_admin,
            viewer.facility_id,
        ) {
            (true, _, _) => None,
            (false, true, Some(f)) => Some(f),
            _ => return Err(Denied::Forbidden.into()),
        };
        let filters = AccessLogFilters {
            facility: facility.is_some(),
            user: q.user.is_some(),
            group: q.group.is_some(),
            action: q.action.is_some(),
            from: q.from_ms.is_some(),
            to: q.to_ms.is_some(),
            before: q.before.is_some(),
        };
        let sql = access_log_sql(&filters, |_| "?".to_owned());
        let mut query = sqlx::query_as::<_, AccessLogRow>(&sql).bind(q.viewer.hyphenated());
        if let Some(f) = facility {
            query = query.bind(f.hyphenated());
        }
        if let Some(u) = q.user {
            query = query.bind(u.hyphenated());
        }
        if let Some(g) = q.group {
            query = query.bind(g.hyphenated());
        }
        if let Some(a) = &q.action {
            query = query.bind(crate::store::like_pattern(a));
        }
        if let Some(from) = q.from_ms {
            query = query.bind(from);
        }
        if let Some(to) = q.to_ms {
            query = query.bind(to);
        }
        if let Some(before) = q.before {
            query = query.bind(before);
        }
        let rows = query.bind(q.limit).fetch_all(&mut *conn).await?;
        Ok(rows.into_iter().map(AccessLogRow::into_entry).collect())
    }
}
