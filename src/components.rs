//! Reusable UI components, one per file.

pub mod account;
pub mod app_header;
pub mod composer;
pub mod confirm_button;
pub mod device_data_offer;
pub mod directory;
pub mod group;
pub mod group_list;
pub mod home_nav;
pub mod idle_lock;
pub mod inbox;
pub mod keyed_list;
pub mod members;
pub mod new_group;
pub mod onboarding;
#[cfg(feature = "operator")]
pub mod operator;
pub mod post_actions;
pub mod qr_code;
pub mod require_session;
pub mod search;
pub mod select_group_hint;
pub mod staff;
pub mod text_field;
pub mod timeline;
pub mod urgent;
