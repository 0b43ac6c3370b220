//! Parts of an open group: header, timeline tabs, members panel.

pub mod group_header;
pub mod timeline_tabs;
