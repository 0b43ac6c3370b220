//! The phone's bottom navigation.

use leptos::prelude::*;

use crate::app_part::link_rel;
use crate::components::urgent::use_urgent_items;
use crate::i18n::{use_i18n, Msg};

/// On phones, within the thumb's reach at the bottom of the group list: 「グループ」, 「検索」,
/// 「至急」 with the number of urgent posts waiting for me (it moves to the urgent banner's
/// heading) and 「アカウント」 (the account page: text size, two-step verification). Hidden
/// from 768 px and in an open group, whose composer has the bottom of the screen (the style):
/// it is only ever shown on the group list.
#[component]
pub fn BottomNav() -> impl IntoView {
    let i18n = use_i18n();
    let urgent = use_urgent_items();
    let count = move || urgent.with(Vec::len);
    let to_urgent = move |_| {
        if let Some(title) = document().get_element_by_id("urgent-banner-title") {
            if let Ok(title) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(title) {
                let _ = title.focus();
            }
        }
    };
    view! {
        <nav class="bottom-nav" aria-label=move || i18n.t(Msg::BottomNav)>
            // Shown only with the group list, so that is always where it is.
            <a class="bottom-nav__item" href="/" aria-current="page">
                {move || i18n.t(Msg::NavGroups)}
            </a>
            <a class="bottom-nav__item" href="/search" rel=link_rel("/search")>
                {move || i18n.t(Msg::SearchTitle)}
            </a>
            <button type="button" class="bottom-nav__item" disabled=move || count() == 0 on:click=to_urgent>
                {move || i18n.t(Msg::NavUrgent)}
                <span class="bottom-nav__count">{count}</span>
            </button>
            <a
                class="bottom-nav__item"
                href="/manage/account"
                rel=link_rel("/manage/account")
            >
                {move || i18n.t(Msg::NavAccount)}
            </a>
        </nav>
    }
}
