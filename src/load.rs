//! Data a view loads: [`load`], the app's one `LocalResource`.
//!
//! A `LocalResource` is generic over its value and its fetcher, so each one the app created
//! added its own copy of Leptos's async-derived machinery and of the futures around it (~4 KB
//! of WebAssembly each, docs/performance.md). [`load`] keeps the typed interface but hands
//! Leptos one type-erased resource, so the machinery exists once.

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;

/// A loaded value of any type, as the one erased resource holds it.
type Erased = Rc<dyn Any>;

/// The fetcher of the erased resource.
type Fetch = Box<dyn Fn() -> Pin<Box<dyn Future<Output = Erased>>>>;

/// A value loaded by [`load`]: `None` while loading, reloaded when what the fetcher read
/// changes or on [`Load::refetch`].
pub struct Load<T> {
    inner: LocalResource<Erased>,
    ty: PhantomData<fn() -> T>,
}

impl<T> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Load<T> {}

impl<T: Clone + 'static> Load<T> {
    /// The loaded value, `None` while loading (tracked).
    pub fn get(&self) -> Option<T> {
        self.inner
            .with(|v| v.as_ref().and_then(|v| v.downcast_ref::<T>().cloned()))
    }

    /// `f` of the loaded value (`None` while loading), without cloning it (tracked).
    pub fn with<R>(&self, f: impl FnOnce(Option<&T>) -> R) -> R {
        self.inner
            .with(|v| f(v.as_ref().and_then(|v| v.downcast_ref::<T>())))
    }

    /// Loads again.
    pub fn refetch(&self) {
        self.inner.refetch();
    }
}

/// Loads what `fetch` resolves to, again whenever a signal `fetch` read changes, like
/// `LocalResource::new` (non-`Send` browser futures are fine).
pub fn load<T: 'static, Fut: Future<Output = T> + 'static>(
    fetch: impl Fn() -> Fut + 'static,
) -> Load<T> {
    Load {
        inner: erased(Box::new(move || {
            let fut = fetch();
            Box::pin(async move { Rc::new(fut.await) as Erased })
        })),
        ty: PhantomData,
    }
}

/// The one `LocalResource` instance.
fn erased(fetch: Fetch) -> LocalResource<Erased> {
    LocalResource::new(fetch)
}
