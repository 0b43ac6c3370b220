//! Invitations of a group waiting for the attending physician.

use leptos::prelude::*;
use tsunagu_api::{Invitation, InvitationKind};

use crate::i18n::labels::honorific;
use crate::i18n::{profession_label, use_i18n, Msg};

/// "主治医の承認待ち" and what waits: people invited, or a change or removal of the physician,
/// with who asked.
#[component]
pub fn PendingList(
    /// The pending invitations (may be empty: then nothing is shown).
    pending: Vec<Invitation>,
) -> impl IntoView {
    let i18n = use_i18n();
    (!pending.is_empty()).then(|| {
        view! {
            <section class="members__section" aria-labelledby="pending-heading">
                <h2 class="members__heading" id="pending-heading">
                    {move || i18n.t(Msg::PendingInvitations)}
                </h2>
                <ul class="members__list">
                    {pending
                        .into_iter()
                        .map(|inv| {
                            let invitee = inv.invitee.clone();
                            let request = match inv.kind {
                                InvitationKind::PhysicianChange => Some(Msg::PhysicianChangeRequest),
                                InvitationKind::PhysicianRemoval => {
                                    Some(Msg::PhysicianRemovalRequest)
                                }
                                _ => None,
                            };
                            let by = inv.invited_by.display_name.clone();
                            view! {
                                <li class="member-row member-row--pending">
                                    {request
                                        .map(|m| {
                                            view! {
                                                <span class="member-row__request">{move || i18n.t(m)}</span>
                                            }
                                        })}
                                    {invitee
                                        .map(|p| {
                                            let profession = p.profession;
                                            view! {
                                                <span class="member-row__name">{p.display_name}</span>
                                                <span class="member-row__profession">
                                                    {move || profession_label(profession, i18n.locale())}
                                                </span>
                                            }
                                        })}
                                    <span class="badge badge--pending">
                                        {move || i18n.t(Msg::PendingInvitations)}
                                    </span>
                                    <span class="member-row__facility">
                                        {move || i18n.t(Msg::InvitedBy)}
                                        ": "
                                        {move || honorific(&by, i18n.locale())}
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}
