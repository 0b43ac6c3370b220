//! The urgent banner: urgent posts waiting for my acknowledgement, on every page.

pub mod urgent_banner;
pub mod urgent_entry;
pub mod urgent_items;

pub use urgent_banner::UrgentBanner;
pub use urgent_items::{provide_urgent_items, use_urgent_items};
