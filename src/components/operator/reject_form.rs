//! Rejecting an application, with the reason the applicant is told.

use leptos::html::Textarea;
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::ApiError;
use crate::i18n::{use_i18n, Msg};
use crate::operator_model::reject_reason;
use crate::session::use_session;

/// "却下の理由" (required, up to 500 characters, focused when the form opens) with "却下を確定"
/// and "キャンセル". Nothing is sent without a reason; a refusal by the server is shown here.
#[component]
pub fn RejectForm(
    /// The application to reject.
    application: Uuid,
    /// Called once the rejection is recorded.
    on_rejected: Callback<()>,
    /// Called when the operator gives up rejecting.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Msg>);
    let error = RwSignal::new(None::<ApiError>);
    let textarea = NodeRef::<Textarea>::new();
    crate::effect::effect(move || {
        if let Some(el) = textarea.get() {
            let _ = el.focus();
        }
    });
    let reject = Action::new_local(move |reason: &String| {
        let client = session.client();
        let reason = reason.clone();
        async move {
            match client.reject_application(application, &reason).await {
                Ok(_) => on_rejected.run(()),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if reject.pending().get_untracked() {
            return;
        }
        match reject_reason(&reason.get_untracked()) {
            Ok(r) => {
                problem.set(None);
                error.set(None);
                reject.dispatch(r);
            }
            Err(m) => problem.set(Some(m)),
        }
    };
    let field_id = format!("reject-reason-{application}");
    let hint_id = format!("{field_id}-hint");
    let error_id = format!("{field_id}-error");
    let described_by = format!("{hint_id} {error_id}");

    view! {
        <form class="reject-form" on:submit=submit novalidate>
            <div class="field">
                <label class="field__label" for=field_id.clone()>
                    {move || i18n.t(Msg::RejectReason)}
                </label>
                <textarea
                    class="field__input reject-form__reason"
                    id=field_id
                    rows="3"
                    required
                    aria-invalid=move || problem.get().is_some().to_string()
                    aria-describedby=described_by
                    node_ref=textarea
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))
                ></textarea>
                <p class="field__hint" id=hint_id>{move || i18n.t(Msg::RejectReasonHint)}</p>
                <p class="field__error" id=error_id>{move || problem.get().map(|m| i18n.t(m))}</p>
            </div>
            {move || {
                error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="reject-form__error" role="alert">
                                {move || i18n.api_error(&e)}
                            </p>
                        }
                    })
            }}
            <div class="reject-form__actions">
                <button
                    type="submit"
                    class="button button--primary"
                    disabled=move || reject.pending().get()
                >
                    {move || i18n.t(Msg::RejectSend)}
                </button>
                <button
                    type="button"
                    class="button button--ghost"
                    on:click=move |_| on_cancel.run(())
                >
                    {move || i18n.t(Msg::Cancel)}
                </button>
            </div>
        </form>
    }
}
