//! Client calls of the directory of professionals and facilities.

use tsunagu_api::{DirectoryPage, FacilityKind, FacilityList, Profession};

use super::{query, ApiError, Client};

/// Filters of a directory search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryQuery {
    /// Name, kana or facility, as a substring.
    pub q: String,
    /// Only this facility type.
    pub facility_kind: Option<FacilityKind>,
    /// Only this profession.
    pub profession: Option<Profession>,
}

impl DirectoryQuery {
    /// The query string of `GET /directory/people`.
    pub fn to_query(&self, limit: u32) -> String {
        let q = self.q.trim();
        query(&[
            ("q", (!q.is_empty()).then(|| q.to_owned())),
            (
                "facility_kind",
                self.facility_kind.map(|k| k.as_str().to_owned()),
            ),
            ("profession", self.profession.map(|p| p.as_str().to_owned())),
            ("limit", Some(limit.to_string())),
        ])
    }
}

impl Client {
    /// `GET /directory/people`.
    pub async fn directory_people(
        &self,
        q: &DirectoryQuery,
        limit: u32,
    ) -> Result<DirectoryPage, ApiError> {
        self.get_json(&format!("/directory/people{}", q.to_query(limit)))
            .await
    }

    /// `GET /directory/facilities`.
    pub async fn facilities(&self) -> Result<FacilityList, ApiError> {
        self.get_json("/directory/facilities").await
    }
}
