//! Right pane of the home page when no group is open.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};

/// Invites the user to pick a group (tablets and desktops only; phones show the list instead).
#[component]
pub fn SelectGroupHint() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="select-group-hint">{move || i18n.t(Msg::SelectGroup)}</p> }
}
