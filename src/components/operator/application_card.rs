//! One facility's application, as the operator reviews and decides it.

use leptos::prelude::*;
use tsunagu_api::{Application, ApplicationStatus, Approval, ErrorCode};

use crate::api::ApiError;
use crate::app_part::link_rel;
use crate::components::operator::reject_form::RejectForm;
use crate::i18n::{facility_kind_label, parenthesized, profession_label, use_i18n, Msg};
use crate::operator_model::with_number;
use crate::session::use_session;
use crate::time_format::{datetime_attr, format_datetime};

/// Why approving failed, in the operator's words.
fn approve_error(err: &ApiError, locale: crate::i18n::Locale) -> &'static str {
    match err.code() {
        Some(ErrorCode::LoginIdTaken) => Msg::ApprovalLoginIdTaken.text(locale),
        _ => crate::i18n::api_error_text(err, locale),
    }
}

/// `<article class="application-card">`: the facility's name as its `<h2>` (kana below), its
/// status, type, address, representative (name, kana, profession), requested login ID, phone,
/// email, the pledge version accepted and when it was sent. A pending one has "承認" and
/// "却下" (which opens the reason); a decided one says who decided, when and why, and an
/// approved one links to its facility's staff.
#[component]
pub fn ApplicationCard(
    /// The application.
    application: Application,
    /// Called with the approval (and the facility's name) once approved.
    on_approved: Callback<(Approval, String)>,
    /// Called once rejected, or when the server says someone decided it meanwhile.
    on_decided: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let Application {
        id,
        status,
        form,
        submitted_at,
        decided_at,
        decided_by,
        reason,
        facility,
    } = application;
    let error = RwSignal::new(None::<ApiError>);
    let rejecting = RwSignal::new(false);
    let name = form.facility_name.clone();
    let approve = Action::new_local(move |_: &()| {
        let client = session.client();
        let name = name.clone();
        async move {
            match client.approve_application(id).await {
                Ok(approval) => on_approved.run((approval, name)),
                Err(e) if e.code() == Some(ErrorCode::ApplicationDecided) => on_decided.run(()),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let busy = move || approve.pending().get();
    let title_id = format!("application-{id}");
    let kind = form.facility_kind;
    let profession = form.representative_profession;
    let pledge_version = form.pledge_version;
    let (status_class, status_msg) = match status {
        ApplicationStatus::Pending => {
            ("application-card__status--pending", Msg::ApplicationPending)
        }
        ApplicationStatus::Approved => (
            "application-card__status--approved",
            Msg::ApplicationApproved,
        ),
        ApplicationStatus::Rejected => (
            "application-card__status--rejected",
            Msg::ApplicationRejected,
        ),
    };
    let pending = status == ApplicationStatus::Pending;
    let mailto = format!("mailto:{}", form.email);
    let tel = format!("tel:{}", form.phone);

    let actions = pending.then(|| {
        view! {
            {move || {
                error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="application-card__error" role="alert">
                                {move || approve_error(&e, i18n.locale())}
                            </p>
                        }
                    })
            }}
            <div class="application-card__actions">
                <button
                    type="button"
                    class="button button--primary"
                    disabled=busy
                    on:click=move |_| {
                        error.set(None);
                        approve.dispatch(());
                    }
                >
                    {move || i18n.t(Msg::Approve)}
                </button>
                <button
                    type="button"
                    class="button button--secondary"
                    aria-expanded=move || rejecting.get().to_string()
                    disabled=busy
                    on:click=move |_| rejecting.update(|r| *r = !*r)
                >
                    {move || i18n.t(Msg::RejectApplication)}
                </button>
            </div>
            <Show when=move || rejecting.get()>
                <RejectForm
                    application=id
                    on_rejected=on_decided
                    on_cancel=Callback::new(move |()| rejecting.set(false))
                />
            </Show>
        }
    });

    let decision = (!pending).then(|| {
        view! {
            {decided_by
                .map(|who| {
                    view! {
                        <dt>{move || i18n.t(Msg::ApplicationDecidedBy)}</dt>
                        <dd>{who}</dd>
                    }
                })}
            {decided_at
                .map(|t| {
                    view! {
                        <dt>{move || i18n.t(Msg::ApplicationDecidedAt)}</dt>
                        <dd>
                            <time datetime=datetime_attr(&t)>
                                {move || format_datetime(&t, i18n.locale())}
                            </time>
                        </dd>
                    }
                })}
            {reason
                .map(|r| {
                    view! {
                        <dt>{move || i18n.t(Msg::RejectReason)}</dt>
                        <dd class="application-card__reason">{r}</dd>
                    }
                })}
        }
    });

    let staff_link = facility.map(|f| {
        let href = format!("/manage/staff/{}", f.id);
        view! {
            <a class="application-card__staff" href=href.clone() rel=link_rel(&href)>
                {move || i18n.t(Msg::StaffManagement)}
            </a>
        }
    });

    let labelled_by = title_id.clone();
    view! {
        <article
            class="application-card"
            class:application-card--pending=pending
            aria-labelledby=labelled_by
        >
            <header class="application-card__header">
                <h2 class="application-card__name" id=title_id>{form.facility_name}</h2>
                <p class="application-card__kana">{form.facility_name_kana}</p>
                <p class=format!("application-card__status {status_class}")>
                    {move || i18n.t(status_msg)}
                </p>
            </header>
            <dl class="application-card__details">
                <dt>{move || i18n.t(Msg::ApplicationKind)}</dt>
                <dd>{move || facility_kind_label(kind, i18n.locale())}</dd>
                <dt>{move || i18n.t(Msg::ApplicationAddress)}</dt>
                <dd>{form.address}</dd>
                <dt>{move || i18n.t(Msg::ApplicationRepresentative)}</dt>
                <dd>
                    <span class="application-card__person">{form.representative_name}</span>
                    " "
                    <span class="application-card__kana">
                        {move || parenthesized(&form.representative_name_kana, i18n.locale())}
                    </span>
                    " "
                    <span>{move || profession_label(profession, i18n.locale())}</span>
                </dd>
                <dt>{move || i18n.t(Msg::LoginId)}</dt>
                <dd class="application-card__login-id">{form.login_id}</dd>
                <dt>{move || i18n.t(Msg::ApplicationPhone)}</dt>
                <dd>
                    <a href=tel>{form.phone}</a>
                </dd>
                <dt>{move || i18n.t(Msg::ApplicationEmail)}</dt>
                <dd>
                    <a href=mailto>{form.email}</a>
                </dd>
                <dt>{move || i18n.t(Msg::ApplicationPledge)}</dt>
                <dd>{move || with_number(i18n.t(Msg::PledgeVersion), pledge_version)}</dd>
                <dt>{move || i18n.t(Msg::ApplicationSubmitted)}</dt>
                <dd>
                    <time datetime=datetime_attr(&submitted_at)>
                        {move || format_datetime(&submitted_at, i18n.locale())}
                    </time>
                </dd>
                {decision}
            </dl>
            {staff_link}
            {actions}
        </article>
    }
}
