//! People and facilities as other resources reference them: professions, facility kinds,
//! authors.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::wire_enum::wire_names;

/// Profession of a person, as the directory and the timeline show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Profession {
    Physician,
    Dentist,
    Pharmacist,
    Nurse,
    CareManager,
    CareWorker,
    Therapist,
    SocialWorker,
    Administrative,
    Family,
    Other,
}

wire_names!(Profession {
    Physician => "physician",
    Dentist => "dentist",
    Pharmacist => "pharmacist",
    Nurse => "nurse",
    CareManager => "care_manager",
    CareWorker => "care_worker",
    Therapist => "therapist",
    SocialWorker => "social_worker",
    Administrative => "administrative",
    Family => "family",
    Other => "other",
});

impl Profession {
    /// Parses a wire name; unknown names map to `Other` so old clients survive new professions.
    pub fn parse(s: &str) -> Self {
        s.parse().unwrap_or(Self::Other)
    }
}

/// Facility types, as counted in the medical association's registration table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FacilityKind {
    Clinic,
    Hospital,
    DentalClinic,
    Pharmacy,
    CareManagementOffice,
    HomeNursingStation,
    HomeHelpOffice,
    CommunitySupportCenter,
    Municipality,
    Other,
}

wire_names!(FacilityKind {
    Clinic => "clinic",
    Hospital => "hospital",
    DentalClinic => "dental_clinic",
    Pharmacy => "pharmacy",
    CareManagementOffice => "care_management_office",
    HomeNursingStation => "home_nursing_station",
    HomeHelpOffice => "home_help_office",
    CommunitySupportCenter => "community_support_center",
    Municipality => "municipality",
    Other => "other",
});

impl FacilityKind {
    /// Parses a wire name; unknown names map to `Other`.
    pub fn parse(s: &str) -> Self {
        s.parse().unwrap_or(Self::Other)
    }
}

/// A facility as referenced from a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilityRef {
    pub id: Uuid,
    pub name: String,
    pub kind: FacilityKind,
}

/// Who wrote a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Author {
    pub id: Uuid,
    pub display_name: String,
    pub profession: Profession,
    /// Name of the author's facility, `null` for patients and family.
    pub facility_name: Option<String>,
}
