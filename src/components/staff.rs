//! A facility's staff, managed by its administrator or the operator: the list with each
//! account's actions, adding one, the activation link to hand over, and the CSV import.

pub mod activation_link_panel;
pub mod add_staff_form;
pub mod staff_import;
pub mod staff_row;

use leptos::prelude::*;
use tsunagu_api::StaffActivation;
use uuid::Uuid;

use crate::api::ApiError;

/// What the staff page's parts share: the facility, the list's reload, the links issued on
/// this visit (shown until the page is left: they are never shown again), the last error.
#[derive(Clone, Copy)]
pub struct StaffPage {
    pub facility: Uuid,
    /// Bumped to reload the list.
    pub version: RwSignal<u32>,
    /// Links issued on this visit, newest first.
    pub issued: RwSignal<Vec<StaffActivation>>,
    pub error: RwSignal<Option<ApiError>>,
}

impl StaffPage {
    /// Reloads the list.
    pub fn reload(&self) {
        self.version.update(|v| *v += 1);
    }

    /// Keeps a link just issued, to show, and reloads the list.
    pub fn issued(&self, links: Vec<StaffActivation>) {
        self.issued.update(|all| {
            for link in links.into_iter().rev() {
                all.insert(0, link);
            }
        });
        self.error.set(None);
        self.reload();
    }
}

/// Provides the staff page's shared state for `facility`.
pub fn provide_staff_page(facility: Uuid) -> StaffPage {
    let page = StaffPage {
        facility,
        version: RwSignal::new(0),
        issued: RwSignal::new(Vec::new()),
        error: RwSignal::new(None),
    };
    provide_context(page);
    page
}

/// The staff page's shared state (inside [`provide_staff_page`]).
pub fn use_staff_page() -> StaffPage {
    expect_context::<StaffPage>()
}
