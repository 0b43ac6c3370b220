//! What every page of the operator console sits in: a session, an operator's, and the
//! console's navigation.

use leptos::prelude::*;

use crate::app_part::link_rel;
use crate::components::operator::operator_nav::OperatorNav;
use crate::components::operator::pending_count::provide_pending_count;
use crate::components::require_session::RequireSession;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// The console's navigation beside its page, for an operator (asking every minute how many
/// applications wait: [`provide_pending_count`]); anyone else sees "このページは
/// 医師会事務局のアカウントだけが使えます。" with a link home (the server refuses them anyway).
/// Without a session it loads the login page.
#[component]
pub fn OperatorFrame(
    /// The console's routes.
    children: ChildrenFn,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let is_operator = Memo::new(move |_| session.me().is_some_and(|m| m.is_operator));
    let page = StoredValue::new(children);
    view! {
        <RequireSession>
            {move || {
                if is_operator.get() {
                    provide_pending_count();
                    view! {
                        <div class="operator">
                            <OperatorNav/>
                            <div class="operator__page">{page.with_value(|c| c())}</div>
                        </div>
                    }
                        .into_any()
                } else {
                    view! {
                        <div class="operator-only">
                            <p class="operator-only__text" role="alert">
                                {move || i18n.t(Msg::OperatorOnly)}
                            </p>
                            <a class="button button--secondary" href="/" rel=link_rel("/")>
                                {move || i18n.t(Msg::GoHome)}
                            </a>
                        </div>
                    }
                        .into_any()
                }
            }}
        </RequireSession>
    }
}
