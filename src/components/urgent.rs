//! The urgent banner: urgent posts waiting for my acknowledgement, on every page.

pub mod urgent_banner;
pub mod urgent_entry;

pub use urgent_banner::UrgentBanner;
