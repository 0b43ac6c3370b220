//! Where a page shows the full-screen viewer: outside the virtualised timeline.
//!
//! A modal `<dialog>` leaves the top layer when its element is taken out of the document, and
//! the timeline moves and re-renders its tiles (loading, scrolling, a post arriving): a viewer
//! inside a tile then fell back into the list, small and covered. The page provides a host
//! and renders [`ViewerOutlet`] once; a post's photos open there.

use leptos::prelude::*;

use super::media_viewer::{MediaViewer, ViewerImage};

/// The page's viewer: which photos it shows and which first (`None`: closed). Cheap to copy.
#[derive(Clone, Copy)]
pub struct ViewerHost(RwSignal<Option<(Vec<ViewerImage>, usize)>>);

impl ViewerHost {
    /// Opens the viewer on `images`, at `start`.
    pub fn open(&self, images: Vec<ViewerImage>, start: usize) {
        self.0.set(Some((images, start)));
    }
}

/// Provides the page's viewer host (the group page, around its timeline).
pub fn provide_viewer_host() -> ViewerHost {
    let host = ViewerHost(RwSignal::new(None));
    provide_context(host);
    host
}

/// The page's viewer host, if it has one (a tile shown on its own opens its own viewer).
pub fn use_viewer_host() -> Option<ViewerHost> {
    use_context::<ViewerHost>()
}

/// Renders the host's viewer while it is open.
#[component]
pub fn ViewerOutlet(
    /// The host whose viewer this shows.
    host: ViewerHost,
) -> impl IntoView {
    move || {
        host.0.get().map(|(images, start)| {
            view! {
                <MediaViewer images start on_close=Callback::new(move |()| host.0.set(None))/>
            }
        })
    }
}
