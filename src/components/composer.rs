//! Writing and sending a post.

pub mod attach_link;
pub mod attachments;
pub mod composer_panel;
pub mod draft_sync;
pub mod editor;
pub mod importance_select;
pub mod mention_list;
pub mod mentions;
pub mod outbox_entry;
pub mod outbox_list;
pub mod reply_bar;
pub mod reply_target;

pub use composer_panel::ComposerPanel;
