//! The directory of professionals and facilities.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{FacilityKind, FacilityRef, Profession};

/// A person in the directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DirectoryPerson {
    pub id: Uuid,
    pub display_name: String,
    pub display_name_kana: String,
    pub profession: Profession,
    pub facility: FacilityRef,
}

/// `GET /api/v1/directory/people?q=&facility_id=&facility_kind=&profession=&limit=&before=`:
/// professionals, by kana reading. `q` matches name or kana as a substring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DirectoryPage {
    pub items: Vec<DirectoryPerson>,
    pub next_cursor: Option<String>,
}

/// A facility in the directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilitySummary {
    pub id: Uuid,
    pub name: String,
    pub name_kana: String,
    pub kind: FacilityKind,
    pub staff_count: u32,
    /// The operator suspended the facility: its staff cannot log in.
    #[serde(default)]
    pub suspended: bool,
}

/// `GET /api/v1/directory/facilities`: every facility, ordered by kind then kana.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilityList {
    pub items: Vec<FacilitySummary>,
}
