//! Routed pages.

pub mod group_page;
pub mod home_page;
pub mod login_page;
pub mod not_found_page;
