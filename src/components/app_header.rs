//! The bar at the top of every page, and the urgent banner under it.

use leptos::prelude::*;

use crate::app_part::link_rel;

use crate::components::urgent::UrgentBanner;
use crate::i18n::{profession_label, use_i18n, Msg};
use crate::session::use_session;

/// App name (つなぐ Tsunagu), the current user's name and profession, "検索" (signed in), the
/// language switch and the logout button; below the bar, while signed in, the banner of urgent
/// posts waiting for my acknowledgement, so it follows me to every page.
#[component]
pub fn AppHeader() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let me = move || session.me();

    view! {
        <header class="app-header">
            <a class="app-header__brand" href="/" rel=link_rel("/")>
                {move || i18n.t(Msg::AppName)}
            </a>
            <div class="app-header__actions">
                {move || {
                    me()
                        .map(|me| {
                            let profession = me.profession;
                            view! {
                                <span class="app-header__user">
                                    <span class="visually-hidden">
                                        {move || i18n.t(Msg::SignedInAs)}
                                    </span>
                                    <span class="app-header__user-name">{me.display_name}</span>
                                    <span class="app-header__user-profession">
                                        {move || profession_label(profession, i18n.locale())}
                                    </span>
                                </span>
                            }
                        })
                }}
                <Show when=move || session.is_logged_in()>
                    <a
                        class="button button--ghost app-header__search"
                        href="/search"
                        rel=link_rel("/search")
                    >
                        {move || i18n.t(Msg::SearchTitle)}
                    </a>
                </Show>
                <button
                    type="button"
                    class="button button--ghost app-header__lang"
                    lang=move || i18n.locale().other().tag()
                    on:click=move |_| i18n.toggle()
                >
                    {move || i18n.t(Msg::SwitchLanguage)}
                </button>
                <Show when=move || session.is_logged_in()>
                    <button
                        type="button"
                        class="button button--ghost app-header__logout"
                        on:click=move |_| session.logout()
                    >
                        {move || i18n.t(Msg::Logout)}
                    </button>
                </Show>
            </div>
        </header>
        <UrgentBanner/>
    }
}
