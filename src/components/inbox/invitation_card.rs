//! One invitation waiting for the physician's decision.

use leptos::prelude::*;

use crate::app_part::link_rel;
use tsunagu_api::{Invitation, InvitationKind};

use crate::api::ApiError;
use crate::i18n::labels::{honorific, person_action, request_action, PersonAction};
use crate::i18n::{profession_label, use_i18n, Msg};
use crate::session::use_session;
use crate::time_format::{datetime_attr, format_datetime};

/// Group, what is asked (an invitation, or "主治医の変更依頼" / "主治医の削除依頼"), the person
/// concerned (name, profession, facility), who asked and when; "承認" and "辞退" (accessible
/// names include the person's name); declining asks for a reason ("辞退の理由", required).
/// Calls `on_decided` once decided.
#[component]
pub fn InvitationCard(
    /// The invitation.
    invitation: Invitation,
    /// Called after approving or declining.
    on_decided: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = invitation.id;
    let error = RwSignal::new(None::<ApiError>);
    let declining = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let missing_reason = RwSignal::new(false);
    let invitee_name = invitation
        .invitee
        .as_ref()
        .map(|p| p.display_name.clone())
        .unwrap_or_default();
    let approve = Action::new_local(move |_: &()| {
        let client = session.client();
        async move {
            match client.approve_invitation(id).await {
                Ok(_) => on_decided.run(()),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let decline = Action::new_local(move |reason: &String| {
        let client = session.client();
        let reason = reason.clone();
        async move {
            match client.decline_invitation(id, &reason).await {
                Ok(_) => on_decided.run(()),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let on_decline_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let r = reason.get_untracked().trim().to_owned();
        if r.is_empty() {
            missing_reason.set(true);
            return;
        }
        missing_reason.set(false);
        decline.dispatch(r);
    };
    let reason_id = format!("decline-reason-{id}");
    let reason_error_id = format!("{reason_id}-error");
    let created = invitation.created_at;
    let by = invitation.invited_by.display_name.clone();
    let request = match invitation.kind {
        InvitationKind::PhysicianChange => Some(Msg::PhysicianChangeRequest),
        InvitationKind::PhysicianRemoval => Some(Msg::PhysicianRemovalRequest),
        _ => None,
    };
    let cleared =
        invitation.kind == InvitationKind::PhysicianChange && invitation.invitee.is_none();
    // Invitations name the person; requests about the physician name the request too.
    let button_label = move |approve: bool, name: &str| match request {
        Some(m) => {
            let who = (!name.is_empty()).then_some(name);
            request_action(approve, i18n.t(m), who, i18n.locale())
        }
        None => {
            let action = if approve {
                PersonAction::Approve
            } else {
                PersonAction::Decline
            };
            person_action(action, name, i18n.locale())
        }
    };
    let name_approve = invitee_name.clone();
    let name_decline = invitee_name.clone();

    view! {
        <li class="inbox-card">
            <p class="inbox-card__group">
                <span class="inbox-card__label">{move || i18n.t(Msg::GroupLabel)}</span>
                " "
                <a
                    href=format!("/groups/{}", invitation.group.id)
                    rel=link_rel("/groups/")
                >{invitation.group.name.clone()}</a>
            </p>
            {request
                .map(|m| {
                    view! { <p class="inbox-card__request">{move || i18n.t(m)}</p> }
                })}
            {cleared
                .then(|| {
                    view! {
                        <p class="inbox-card__invitee">{move || i18n.t(Msg::NoPhysicianProposed)}</p>
                    }
                })}
            {invitation
                .invitee
                .clone()
                .map(|p| {
                    let profession = p.profession;
                    view! {
                        <p class="inbox-card__invitee">
                            <span class="inbox-card__name">{p.display_name}</span>
                            " "
                            <span>{move || profession_label(profession, i18n.locale())}</span>
                            " "
                            <span>{p.facility_name}</span>
                        </p>
                    }
                })}
            <p class="inbox-card__meta">
                {move || i18n.t(Msg::InvitedBy)}
                ": "
                {move || honorific(&by, i18n.locale())}
                " · "
                <time datetime=datetime_attr(&created)>
                    {move || format_datetime(&created, i18n.locale())}
                </time>
            </p>
            {move || error.get().map(|e| view! { <p role="alert">{move || i18n.api_error(&e)}</p> })}
            <div class="inbox-card__actions">
                <button
                    type="button"
                    class="button button--primary"
                    aria-label=move || button_label(true, &name_approve)
                    disabled=move || approve.pending().get()
                    on:click=move |_| {
                        approve.dispatch(());
                    }
                >
                    {move || i18n.t(Msg::Approve)}
                </button>
                <button
                    type="button"
                    class="button button--secondary"
                    aria-label=move || button_label(false, &name_decline)
                    aria-expanded=move || declining.get().to_string()
                    on:click=move |_| declining.update(|d| *d = !*d)
                >
                    {move || i18n.t(Msg::Decline)}
                </button>
            </div>
            <Show when=move || declining.get()>
                <form class="inbox-card__decline" on:submit=on_decline_submit>
                    <div class="field">
                        <label class="field__label" for=reason_id.clone()>
                            {move || i18n.t(Msg::DeclineReason)}
                        </label>
                        <textarea
                            class="field__input"
                            id=reason_id.clone()
                            rows="2"
                            required
                            aria-invalid=move || missing_reason.get().to_string()
                            aria-describedby=reason_error_id.clone()
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))
                        ></textarea>
                        <p class="field__error" id=reason_error_id.clone()>
                            {move || missing_reason.get().then(|| i18n.t(Msg::Required))}
                        </p>
                    </div>
                    <button type="submit" class="button button--primary">
                        {move || i18n.t(Msg::SendDecline)}
                    </button>
                </form>
            </Show>
        </li>
    }
}
