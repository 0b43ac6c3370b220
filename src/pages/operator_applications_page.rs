//! The operator's applications (`/operator`, `/operator/applications`).

use leptos::prelude::*;
use tsunagu_api::Approval;

use crate::components::keyed_list::{KeyedList, Row};
use crate::components::operator::application_card::ApplicationCard;
use crate::components::operator::approval_result::ApprovalResult;
use crate::components::operator::pending_count::use_pending_count;
use crate::i18n::{use_i18n, Msg};
use crate::operator_model::{order_applications, pending_count, with_number};
use crate::session::use_session;

/// "利用申込": the activation links of the approvals made on this page (newest first, until
/// closed), how many applications wait, then every application — pending ones first, the
/// oldest first, then the decided ones, the latest decision first. The list reloads when the
/// console's count of pending applications changes.
#[component]
pub fn OperatorApplicationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let pending = use_pending_count();
    let bump = move || {
        reload.update(|v| *v = v.wrapping_add(1));
        pending.refresh();
    };
    let list = crate::load::load(move || {
        reload.track();
        // A new application (the count, asked every minute, changed) reloads the list.
        pending.count();
        let client = session.client();
        async move {
            client
                .applications()
                .await
                .map(|l| order_applications(l.items))
        }
    });
    let results = RwSignal::new(Vec::<(Approval, String)>::new());
    let on_approved = Callback::new(move |(approval, name): (Approval, String)| {
        results.update(|r| r.insert(0, (approval, name)));
        bump();
    });
    let on_decided = Callback::new(move |()| bump());

    let result_rows = Signal::derive(move || {
        results
            .get()
            .into_iter()
            .map(|(approval, name)| {
                let user = approval.activation.user_id;
                Row::new(user, 0, move || {
                    let on_close = Callback::new(move |()| {
                        results.update(|r| r.retain(|(a, _)| a.activation.user_id != user));
                    });
                    view! {
                        <ApprovalResult
                            approval=approval.clone()
                            facility_name=name.clone()
                            on_close
                        />
                    }
                    .into_any()
                })
            })
            .collect::<Vec<_>>()
    });
    let card_rows = Signal::derive(move || {
        list.with(|l| {
            l.and_then(|r| r.as_ref().ok())
                .map(|items| {
                    items
                        .iter()
                        .map(|a| {
                            let application = a.clone();
                            // Drawn again once decided (status and time change together).
                            let decided = a.decided_at.map_or(0, |t| t.timestamp_millis() as u64);
                            Row::new(a.id, decided, move || {
                                view! {
                                    <ApplicationCard
                                        application=application.clone()
                                        on_approved
                                        on_decided
                                    />
                                }
                                .into_any()
                            })
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });

    view! {
        <div class="operator-page">
            <h1 class="operator-page__title">{move || i18n.t(Msg::OperatorApplications)}</h1>
            <div class="operator-page__results">
                <KeyedList rows=result_rows/>
            </div>
            {move || {
                list.with(|l| match l {
                    None => view! { <p class="operator-page__status">{i18n.t(Msg::Loading)}</p> }
                        .into_any(),
                    Some(Err(err)) => {
                        let err = *err;
                        view! { <p role="alert">{move || i18n.api_error(&err)}</p> }.into_any()
                    }
                    Some(Ok(items)) if items.is_empty() => {
                        view! {
                            <p class="operator-page__status">{move || i18n.t(Msg::ApplicationsNone)}</p>
                        }
                            .into_any()
                    }
                    Some(Ok(items)) => {
                        let pending = pending_count(items);
                        view! {
                            <p class="operator-page__status" role="status">
                                {move || with_number(i18n.t(Msg::ApplicationsPending), pending)}
                            </p>
                        }
                            .into_any()
                    }
                })
            }}
            <div class="application-list">
                <KeyedList rows=card_rows/>
            </div>
        </div>
    }
}
