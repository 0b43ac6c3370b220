//! What a reader can do with a post besides reading it: reply, acknowledge (見ました), see who
//! read and acknowledged it, and — for its author — edit and delete it; admins and the author
//! also see the edit history. The pieces here are used by the timeline's post tile.

pub mod ack_button;
pub mod history_dialog;
pub mod importance_badge;
pub mod modal_dialog;
pub mod post_body;
pub mod post_editor;
pub mod receipts_dialog;
pub mod reply_quote;
