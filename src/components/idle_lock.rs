//! The idle lock of the nurse's app (MHLW guideline 6.0): after a time without input the
//! content leaves the page and the password is asked for again. The logic is in
//! [`crate::idle_lock`]; here the gate around the app, the lock screen and the watch on input.

mod activity;
pub mod idle_lock_gate;
pub mod lock_screen;

pub use idle_lock_gate::IdleLock;
pub use lock_screen::LockScreen;
