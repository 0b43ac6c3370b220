//! Files attached to posts as readers see them: in the timeline post ([`PostAttachments`]),
//! full screen ([`media_viewer::MediaViewer`]), and the parts the media view shares with them.

pub mod media_parts;
pub mod media_viewer;
pub mod post_attachments;
pub mod viewer_host;
pub mod zoomable_image;

pub use post_attachments::PostAttachments;
pub use viewer_host::{provide_viewer_host, use_viewer_host, ViewerOutlet};
