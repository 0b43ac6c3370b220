//! Reusable UI components, one per file.

pub mod app_header;
pub mod composer;
pub mod confirm_button;
pub mod directory;
pub mod group;
pub mod group_list;
pub mod home_nav;
pub mod inbox;
pub mod members;
pub mod new_group;
pub mod qr_code;
pub mod require_session;
pub mod select_group_hint;
pub mod timeline;
