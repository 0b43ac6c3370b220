//! The directory of professionals and facilities.

use tsunagu_api::{DirectoryPerson, FacilityKind, FacilityRef, FacilitySummary, Profession};

use crate::store::id::Id;

/// A professional with their facility, as the directory lists them.
#[derive(Debug, sqlx::FromRow)]
pub struct DirectoryPersonRow {
    id: Id,
    display_name: String,
    display_name_kana: String,
    profession: String,
    facility_id: Id,
    facility_name: String,
    facility_kind: String,
}

impl DirectoryPersonRow {
    pub fn into_person(self) -> DirectoryPerson {
        DirectoryPerson {
            id: self.id.into_uuid(),
            display_name: self.display_name,
            display_name_kana: self.display_name_kana,
            profession: Profession::parse(&self.profession),
            facility: FacilityRef {
                id: self.facility_id.into_uuid(),
                name: self.facility_name,
                kind: FacilityKind::parse(&self.facility_kind),
            },
        }
    }
}

/// A facility with its count of enabled professionals.
#[derive(Debug, sqlx::FromRow)]
pub struct FacilityRow {
    id: Id,
    name: String,
    name_kana: String,
    kind: String,
    staff_count: i64,
    suspended: bool,
}

impl FacilityRow {
    pub fn into_summary(self) -> FacilitySummary {
        FacilitySummary {
            id: self.id.into_uuid(),
            name: self.name,
            name_kana: self.name_kana,
            kind: FacilityKind::parse(&self.kind),
            staff_count: self.staff_count.try_into().unwrap_or(u32::MAX),
            suspended: self.suspended,
        }
    }
}
