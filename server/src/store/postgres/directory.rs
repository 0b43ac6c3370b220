//! The directory of professionals and facilities on PostgreSQL.
//!
//! Text compares as SQLite's does: `COLLATE "C"` orders by code point (SQLite's BINARY on
//! UTF-8) whatever the database's locale, so (kana, id) pages identically; SQLite's `LIKE`
//! ignores ASCII case only, and so does `lower(x COLLATE "C")` (the fold of `login_key`).

use std::fmt::Write as _;

use tsunagu_api::kana::katakana_to_hiragana as fold_kana;
use tsunagu_api::{DirectoryPerson, FacilitySummary};

use super::PgStore;
use crate::store::like_pattern;
use crate::store::rows::{DirectoryPersonRow, FacilityRow};
use crate::store::{DirectoryQuery, StoreError};

/// `column` contains the pattern `$n` (already ASCII-lowercased), ignoring ASCII case.
fn like(column: &str, n: usize) -> String {
    format!("lower({column} COLLATE \"C\") LIKE ${n} ESCAPE '\\'")
}

impl PgStore {
    pub async fn directory_people(
        &self,
        query: &DirectoryQuery<'_>,
    ) -> Result<Vec<DirectoryPerson>, StoreError> {
        // PostgreSQL text cannot hold NUL, so no name contains it (and binding it would fail).
        if query.q.is_some_and(|q| q.contains('\0'))
            || query
                .after
                .as_ref()
                .is_some_and(|(kana, _)| kana.contains('\0'))
        {
            return Ok(Vec::new());
        }
        // Only the filters given, numbered as they come: each query shape gets its own plan.
        let mut sql = String::from(
            "SELECT u.id, u.display_name, u.display_name_kana, u.profession,
                    f.id AS facility_id, f.name AS facility_name, f.kind AS facility_kind
             FROM users u JOIN facilities f ON f.id = u.facility_id
             WHERE NOT u.disabled AND u.profession <> 'family'",
        );
        let mut n = 0;
        let mut next = || {
            n += 1;
            n
        };
        let patterns = query.q.map(|q| {
            (
                like_pattern(&q.to_ascii_lowercase()),
                like_pattern(&fold_kana(q).to_ascii_lowercase()),
            )
        });
        if patterns.is_some() {
            let (raw, folded) = (next(), next());
            let _ = write!(
                sql,
                " AND ({} OR {} OR {} OR {})",
                like("u.display_name", raw),
                like("f.name", raw),
                like("u.display_name_kana", folded),
                like("f.name_kana", folded),
            );
        }
        if query.facility_id.is_some() {
            let _ = write!(sql, " AND f.id = ${}", next());
        }
        if query.facility_kind.is_some() {
            let _ = write!(sql, " AND f.kind = ${}", next());
        }
        if query.profession.is_some() {
            let _ = write!(sql, " AND u.profession = ${}", next());
        }
        if query.after.is_some() {
            let (kana, id) = (next(), next());
            let _ = write!(
                sql,
                " AND (u.display_name_kana COLLATE \"C\" > ${kana}
                       OR (u.display_name_kana COLLATE \"C\" = ${kana} AND u.id > ${id}))"
            );
        }
        let _ = write!(
            sql,
            " ORDER BY u.display_name_kana COLLATE \"C\", u.id LIMIT ${}",
            next()
        );

        let mut q = sqlx::query_as::<_, DirectoryPersonRow>(&sql);
        if let Some((raw, folded)) = patterns {
            q = q.bind(raw).bind(folded);
        }
        if let Some(facility_id) = query.facility_id {
            q = q.bind(facility_id);
        }
        if let Some(kind) = query.facility_kind {
            q = q.bind(kind.as_str());
        }
        if let Some(profession) = query.profession {
            q = q.bind(profession.as_str());
        }
        if let Some((kana, id)) = &query.after {
            q = q.bind(kana.as_str()).bind(*id);
        }
        let rows = q.bind(query.limit).fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .map(DirectoryPersonRow::into_person)
            .collect())
    }

    pub async fn facilities(&self) -> Result<Vec<FacilitySummary>, StoreError> {
        let rows: Vec<FacilityRow> = sqlx::query_as(
            "SELECT f.id, f.name, f.name_kana, f.kind,
                    (SELECT COUNT(*) FROM users u
                     WHERE u.facility_id = f.id AND NOT u.disabled AND u.profession <> 'family')
                        AS staff_count,
                    f.suspended_at_ms IS NOT NULL AS suspended
             FROM facilities f ORDER BY f.kind COLLATE \"C\", f.name_kana COLLATE \"C\", f.id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(FacilityRow::into_summary).collect())
    }
}
