//! Searching posts across my groups.

pub mod marked_text;
pub mod search_form;
pub mod search_hit;
pub mod search_results;
