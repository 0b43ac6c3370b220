//! The attending physician's inbox (`/invitations`).

use leptos::prelude::*;

use crate::app_part::link_rel;

use crate::components::group_list::GroupListRefresh;
use crate::components::inbox::invitation_card::InvitationCard;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// "承認待ちの招待": every invitation waiting for the caller's decision, newest last.
#[component]
pub fn InvitationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let refresh = use_context::<GroupListRefresh>();
    let reload = RwSignal::new(0u32);
    let list = crate::load::load(move || {
        reload.track();
        let client = session.client();
        async move { client.invitations().await }
    });
    let on_decided = Callback::new(move |()| {
        reload.update(|v| *v = v.wrapping_add(1));
        if let Some(r) = refresh {
            r.bump();
        }
    });
    view! {
        <div class="inbox">
            <div class="group-page__header">
                <a class="group-page__back" href="/" rel=link_rel("/")>
                    {move || i18n.t(Msg::BackToGroups)}
                </a>
                <h1 class="group-page__title">{move || i18n.t(Msg::InboxTitle)}</h1>
            </div>
            {move || match list.get() {
                None => view! { <p>{i18n.t(Msg::Loading)}</p> }.into_any(),
                Some(Err(err)) => {
                    view! { <p role="alert">{move || i18n.api_error(&err)}</p> }.into_any()
                }
                Some(Ok(l)) if l.items.is_empty() => {
                    view! { <p class="inbox__empty">{move || i18n.t(Msg::InboxEmpty)}</p> }
                        .into_any()
                }
                Some(Ok(l)) => {
                    view! {
                        <ul class="inbox__items">
                            {l
                                .items
                                .into_iter()
                                .map(|invitation| view! { <InvitationCard invitation on_decided/> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}
