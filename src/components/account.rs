//! The user's own account (two-step verification) and this device's text size.

pub mod text_size_setting;
pub mod two_factor_setup;
