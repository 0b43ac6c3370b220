//! Unknown routes.

use leptos::prelude::*;

use crate::app_part::link_rel;

use crate::i18n::{use_i18n, Msg};

/// Says the page does not exist and links home.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="not-found">
            <h1>{move || i18n.t(Msg::PageNotFound)}</h1>
            <a class="button button--secondary" href="/" rel=link_rel("/")>
                {move || i18n.t(Msg::GoHome)}
            </a>
        </div>
    }
}
