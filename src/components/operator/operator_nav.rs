//! The navigation between the console's pages.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::components::operator::pending_count::use_pending_count;
use crate::i18n::{use_i18n, Msg};
use crate::operator_model::{with_number, OperatorSection};

/// "事務局メニュー": 利用申込, 施設とスタッフ, 誓約書 and 設定, the current one marked
/// `aria-current="page"`. Links within the console's build: the router changes the page
/// without loading anything. 利用申込 carries how many applications wait (a badge, part of the
/// link's name, announced politely when it changes), and so does the window's title.
#[component]
pub fn OperatorNav() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let current = Memo::new(move |_| location.pathname.with(|p| OperatorSection::of_path(p)));
    let pending = use_pending_count();
    let waiting = Memo::new(move |_| pending.count().filter(|n| *n > 0));
    // The tab's title shows the count too, so an operator working in another tab sees it.
    crate::effect::effect(move || {
        let title = match waiting.get() {
            Some(n) => format!("({n}) {}", i18n.t(Msg::OperatorConsoleTitle)),
            None => i18n.t(Msg::OperatorConsoleTitle).to_owned(),
        };
        document().set_title(&title);
    });
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
                                    {(section == OperatorSection::Applications)
                                        .then(|| {
                                            view! {
                                                <span class="operator-nav__badge" aria-live="polite">
                                                    {move || {
                                                        waiting
                                                            .get()
                                                            .map(|n| {
                                                                with_number(i18n.t(Msg::ApplicationsWaitingBadge), n)
                                                            })
                                                    }}
                                                </span>
                                            }
                                        })}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
