//! The user's own account (two-step verification) and this device's text size and
//! notifications.

pub mod email_setting;
pub mod push_setting;
pub mod text_size_setting;
pub mod two_factor_setup;
