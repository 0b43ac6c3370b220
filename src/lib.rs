//! Tsunagu SPA.
