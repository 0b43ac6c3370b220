//! How many applications wait for the operator, asked every minute while the console is open:
//! the console's navigation announces a new one, and the applications page reloads its list.

use std::time::Duration;

use leptos::leptos_dom::helpers::set_interval_with_handle;
use leptos::prelude::*;

use crate::session::use_session;

/// How often the console asks. An application waits days for paper today; a minute is prompt.
const POLL: Duration = Duration::from_secs(60);

/// The number of pending applications (`None` until the first answer).
#[derive(Clone, Copy)]
pub struct PendingCount {
    count: RwSignal<Option<u32>>,
}

impl PendingCount {
    /// The count, tracked.
    pub fn count(&self) -> Option<u32> {
        self.count.get()
    }

    /// Asks the server again now (after a decision on this page).
    pub fn refresh(&self) {
        let count = self.count;
        let client = use_session().client();
        leptos::task::spawn_local(async move {
            if let Ok(p) = client.pending_applications().await {
                count.set(Some(p.count));
            }
        });
    }
}

/// Starts asking (now, then every [`POLL`]) for as long as the console is mounted.
pub fn provide_pending_count() -> PendingCount {
    let pending = PendingCount {
        count: RwSignal::new(None),
    };
    provide_context(pending);
    let session = use_session();
    let ask = move || {
        if !session.is_logged_in() {
            return;
        }
        let client = session.client();
        leptos::task::spawn_local(async move {
            if let Ok(p) = client.pending_applications().await {
                pending.count.set(Some(p.count));
            }
        });
    };
    ask();
    if let Ok(handle) = set_interval_with_handle(ask, POLL) {
        on_cleanup(move || handle.clear());
    }
    pending
}

/// The console's pending-applications count.
pub fn use_pending_count() -> PendingCount {
    expect_context::<PendingCount>()
}
