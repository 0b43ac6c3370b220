//! Writing and sending a post.

pub mod composer_panel;
pub mod draft_sync;
pub mod editor;
pub mod reply_target;

pub use composer_panel::ComposerPanel;
