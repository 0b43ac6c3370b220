//! The navigation between the console's pages.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::i18n::{use_i18n, Msg};
use crate::operator_model::OperatorSection;

/// "事務局メニュー": 利用申込, 施設とスタッフ, 誓約書 and 設定, the current one marked
/// `aria-current="page"`. Links within the console's build: the router changes the page
/// without loading anything.
#[component]
pub fn OperatorNav() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let current = Memo::new(move |_| location.pathname.with(|p| OperatorSection::of_path(p)));
    view! {
        <nav class="operator-nav" aria-label=move || i18n.t(Msg::OperatorMenu)>
            <ul class="operator-nav__items">
                {OperatorSection::ALL
                    .into_iter()
                    .map(|section| {
                        let here = move || current.get() == Some(section);
                        view! {
                            <li class="operator-nav__item">
                                <a
                                    class="operator-nav__link"
                                    class:operator-nav__link--current=here
                                    href=section.href()
                                    aria-current=move || here().then_some("page")
                                >
                                    {move || i18n.t(section.label())}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
