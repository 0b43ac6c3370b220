//! Routed pages.

pub mod access_log_page;
pub mod account_page;
pub mod activate_page;
pub mod apply_page;
pub mod directory_page;
pub mod group_page;
pub mod home_page;
pub mod invitations_page;
pub mod join_page;
pub mod login_page;
pub mod members_page;
pub mod new_group_page;
pub mod not_found_page;
pub mod search_page;
pub mod staff_page;
