//! Reusable UI components, one per file.

pub mod app_header;
pub mod composer;
pub mod group_list;
pub mod require_session;
pub mod select_group_hint;
pub mod timeline;
