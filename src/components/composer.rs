//! Writing and sending a post.

pub mod composer_panel;
pub mod editor;

pub use composer_panel::ComposerPanel;
