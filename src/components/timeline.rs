//! A group's timeline: loading, scrolling, and the list of posts.

pub mod post_tile;
pub mod system_entry;
pub mod timeline_list;
pub mod timeline_panel;

pub use timeline_panel::TimelinePanel;
