//! [`effect`]: the app's side effects through one instance of Leptos's `Effect`.
//!
//! `Effect::new` is generic over its closure, and each instance carried its own copy of the
//! effect's scheduling code (~0.9 KB of WebAssembly, docs/performance.md); boxing the closure
//! first leaves one.

use leptos::prelude::*;

/// Runs `f` after the current render, and again whenever a signal it read changes, like
/// `Effect::new(move |_| f())` (for effects that need their previous value, use `Effect::new`).
pub fn effect(f: impl FnMut() + 'static) {
    run_boxed(Box::new(f));
}

/// The one `Effect` instance.
fn run_boxed(mut f: Box<dyn FnMut()>) {
    Effect::new(move |_| f());
}
