//! The directory of registered professionals: searching people, listing facilities.

pub mod facility_list;
pub mod person_search;
