//! The user's own account: two-step verification.

pub mod two_factor_setup;
