//! A group's timeline: loading, scrolling, and the list of posts.

pub mod importance_filter;
pub mod jump_to_latest;
pub mod post_tile;
pub mod system_entry;
pub mod timeline_list;
pub mod timeline_panel;
pub mod timeline_row;
pub mod unread_divider;

pub use timeline_panel::TimelinePanel;
