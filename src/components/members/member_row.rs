//! One member of a group.

use leptos::prelude::*;
use tsunagu_api::{Member, MemberRole};

use super::use_members;
use crate::components::confirm_button::ConfirmButton;
use crate::components::staff::activation_link_panel::ActivationLinkPanel;
use crate::i18n::labels::{person_action, relationship_label, role_label, PersonAction};
use crate::i18n::{profession_label, use_i18n, with_note, Msg};
use crate::session::use_session;

/// Name, profession, facility and role badge (管理者 / メンバー / 家族 with the relationship);
/// for admins "管理者にする" / "メンバーにする" and "削除" (accessible names include the name),
/// and for a family member "新しいリンク（パスワード再設定）" with the link it issues.
#[component]
pub fn MemberRow(
    /// The member.
    member: Member,
    /// Whether the caller may change members.
    can_manage: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let ctx = use_members();
    let user_id = member.person.id;
    let name = member.person.display_name.clone();
    let role = member.role;
    let relationship = member.relationship;
    let profession = member.person.profession;
    let is_me = session.my_id() == Some(user_id);

    let set_role = Action::new_local(move |role: &MemberRole| {
        let client = session.client();
        let role = *role;
        async move {
            match client.update_member(ctx.group_id, user_id, role).await {
                Ok(_) => ctx.changed(None),
                Err(e) => ctx.failed(e),
            }
        }
    });
    // A family member who forgot the password: a new link, shown under the row until the page
    // is left (it is never shown again).
    let issued = RwSignal::new(None::<tsunagu_api::StaffActivation>);
    let reissue = Action::new_local(move |_: &()| {
        let client = session.client();
        async move {
            match client
                .reissue_family_activation(ctx.group_id, user_id)
                .await
            {
                Ok(link) => issued.set(Some(link)),
                Err(e) => ctx.failed(e),
            }
        }
    });
    let remove = Action::new_local(move |_: &()| {
        let client = session.client();
        async move {
            match client.remove_member(ctx.group_id, user_id).await {
                Ok(false) => ctx.changed(None),
                Ok(true) => ctx.changed(Some(Msg::RemovalPending)),
                Err(e) => ctx.failed(e),
            }
        }
    });

    let badge = move || {
        let locale = i18n.locale();
        match relationship {
            Some(r) => with_note(
                role_label(role, locale),
                relationship_label(r, locale),
                locale,
            ),
            None => role_label(role, locale).to_owned(),
        }
    };
    let manage = can_manage && !is_me && role != MemberRole::Family;
    let name_role = name.clone();
    let name_remove = name.clone();

    view! {
        <li class="member-row">
            <span class="member-row__name">{member.person.display_name.clone()}</span>
            <span class="member-row__profession">
                {move || profession_label(profession, i18n.locale())}
            </span>
            {member
                .person
                .facility_name
                .clone()
                .map(|f| view! { <span class="member-row__facility">{f}</span> })}
            <span class=format!("badge badge--{}", role.as_str())>{badge}</span>
            {manage
                .then(|| {
                    let (next, text, action) = if role == MemberRole::Admin {
                        (MemberRole::Member, Msg::MakeMember, PersonAction::MakeMember)
                    } else {
                        (MemberRole::Admin, Msg::MakeAdmin, PersonAction::MakeAdmin)
                    };
                    view! {
                        <span class="member-row__actions">
                            <button
                                type="button"
                                class="button button--secondary"
                                aria-label=move || person_action(action, &name_role, i18n.locale())
                                on:click=move |_| {
                                    set_role.dispatch(next);
                                }
                            >
                                {move || i18n.t(text)}
                            </button>
                            <ConfirmButton
                                label=Msg::Remove
                                aria_label=Signal::derive(move || {
                                    person_action(PersonAction::Remove, &name_remove, i18n.locale())
                                })
                                question=Msg::ConfirmRemove
                                on_confirm=Callback::new(move |()| {
                                    remove.dispatch(());
                                })
                            />
                        </span>
                    }
                })}
            {(can_manage && !is_me && role == MemberRole::Family)
                .then(|| {
                    let name_reissue = name.clone();
                    view! {
                        <span class="member-row__actions">
                            <ConfirmButton
                                label=Msg::FamilyReissue
                                aria_label=Signal::derive(move || {
                                    format!("{} {}", i18n.t(Msg::FamilyReissue), name_reissue)
                                })
                                question=Msg::FamilyReissueConfirm
                                on_confirm=Callback::new(move |()| {
                                    reissue.dispatch(());
                                })
                            />
                            <ConfirmButton
                                label=Msg::Remove
                                aria_label=Signal::derive(move || {
                                    person_action(PersonAction::Remove, &name, i18n.locale())
                                })
                                question=Msg::ConfirmRemove
                                on_confirm=Callback::new(move |()| {
                                    remove.dispatch(());
                                })
                            />
                        </span>
                    }
                })}
            {move || issued.get().map(|s| view! {
                <ActivationLinkPanel link=s.activation name=s.staff.display_name/>
            })}
        </li>
    }
}
