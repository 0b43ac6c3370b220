//! The directory of professionals and facilities.

use tsunagu_api::kana::katakana_to_hiragana as fold_kana;
use tsunagu_api::{DirectoryPerson, FacilityKind, FacilitySummary, Profession};

use super::SqliteStore;
use crate::store::like_pattern;
use crate::store::rows::{DirectoryPersonRow, FacilityRow};
use crate::store::{DirectoryQuery, StoreError};

impl SqliteStore {
    pub async fn directory_people(
        &self,
        query: &DirectoryQuery<'_>,
    ) -> Result<Vec<DirectoryPerson>, StoreError> {
        let q = query.q;
        let before = query.after.as_ref();
        let limit = query.limit;
        let raw = q.map(like_pattern);
        let folded = q.map(|q| like_pattern(&fold_kana(q)));
        let rows: Vec<DirectoryPersonRow> = sqlx::query_as(
            "SELECT u.id, u.display_name, u.display_name_kana, u.profession,
                    f.id AS facility_id, f.name AS facility_name, f.kind AS facility_kind
             FROM users u JOIN facilities f ON f.id = u.facility_id
             WHERE u.disabled = 0 AND u.profession <> 'family'
               AND (? IS NULL OR u.display_name LIKE ? ESCAPE '\\' OR f.name LIKE ? ESCAPE '\\'
                    OR u.display_name_kana LIKE ? ESCAPE '\\' OR f.name_kana LIKE ? ESCAPE '\\')
               AND (? IS NULL OR f.id = ?)
               AND (? IS NULL OR f.kind = ?)
               AND (? IS NULL OR u.profession = ?)
               AND (? IS NULL OR u.display_name_kana > ? OR (u.display_name_kana = ? AND u.id > ?))
             ORDER BY u.display_name_kana, u.id
             LIMIT ?",
        )
        .bind(&raw)
        .bind(&raw)
        .bind(&raw)
        .bind(&folded)
        .bind(&folded)
        .bind(query.facility_id.map(|f| f.hyphenated()))
        .bind(query.facility_id.map(|f| f.hyphenated()))
        .bind(query.facility_kind.map(FacilityKind::as_str))
        .bind(query.facility_kind.map(FacilityKind::as_str))
        .bind(query.profession.map(Profession::as_str))
        .bind(query.profession.map(Profession::as_str))
        .bind(before.as_ref().map(|_| 1_i64))
        .bind(before.as_ref().map(|(kana, _)| kana.clone()))
        .bind(before.as_ref().map(|(kana, _)| kana.clone()))
        .bind(before.as_ref().map(|(_, id)| id.hyphenated().to_string()))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(DirectoryPersonRow::into_person)
            .collect())
    }

    pub async fn facilities(&self) -> Result<Vec<FacilitySummary>, StoreError> {
        let rows: Vec<FacilityRow> = sqlx::query_as(
            "SELECT f.id, f.name, f.name_kana, f.kind,
                    (SELECT COUNT(*) FROM users u
                     WHERE u.facility_id = f.id AND u.disabled = 0 AND u.profession <> 'family')
                        AS staff_count,
                    f.suspended_at_ms IS NOT NULL AS suspended
             FROM facilities f ORDER BY f.kind, f.name_kana, f.id",
        )
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(FacilityRow::into_summary).collect())
    }
}
