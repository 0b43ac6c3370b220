//! The members panel of a group (`/groups/:id/members`).

use leptos::prelude::*;

use crate::app_part::link_rel;
use tsunagu_api::{GroupKind, MemberRole};

use crate::components::members::add_member_panel::AddMemberPanel;
use crate::components::members::family_invite::FamilyInvite;
use crate::components::members::group_actions::GroupActions;
use crate::components::members::group_mute::GroupMute;
use crate::components::members::member_row::MemberRow;
use crate::components::members::patient_card::PatientCard;
use crate::components::members::pending_list::PendingList;
use crate::components::members::provide_members;
use crate::i18n::{error_text, use_i18n, Msg};
use crate::pages::group_page::use_group_id;
use crate::session::use_session;

/// The group's name, the switch muting its notifications, the patient profile (patient groups), the members with role badges, the
/// invitations waiting for the physician, and — for admins — adding members, inviting family
/// and archiving; everyone can leave. Archived groups show the read-only banner.
#[component]
pub fn MembersPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let group_id = use_group_id();
    move || {
        let Some(gid) = group_id.get() else {
            return view! {
                <p class="group-page__error" role="alert">
                    {move || error_text(tsunagu_api::ErrorCode::NotFound, i18n.locale())}
                </p>
            }
            .into_any();
        };
        let ctx = provide_members(gid);
        let data = crate::load::load(move || {
            ctx.reload.track();
            let client = session.client();
            async move {
                let group = client.group(gid).await?;
                let members = client.members(gid).await?;
                Ok::<_, crate::api::ApiError>((group, members))
            }
        });
        view! {
            <div class="members">
                <div class="group-page__header">
                    <a
                        class="members__back"
                        href=format!("/groups/{gid}")
                        rel=link_rel("/groups/")
                    >
                        {move || i18n.t(Msg::BackToTimeline)}
                    </a>
                </div>
                <p class="members__notice" role="status">
                    {move || ctx.notice.get().map(|m| i18n.t(m))}
                </p>
                {move || {
                    ctx.error
                        .get()
                        .map(|e| {
                            view! {
                                <p class="members__error" role="alert">
                                    {move || i18n.api_error(&e)}
                                </p>
                            }
                        })
                }}
                {move || match data.get() {
                    None => view! { <p>{i18n.t(Msg::Loading)}</p> }.into_any(),
                    Some(Err(err)) => {
                        view! {
                            <p class="group-page__error" role="alert">
                                {move || i18n.api_error(&err)}
                            </p>
                        }
                            .into_any()
                    }
                    Some(Ok((group, members))) => {
                        let is_admin = group.my_role == MemberRole::Admin;
                        let archived = group.archived;
                        let can_manage = is_admin && !archived;
                        let is_patient = group.kind == GroupKind::Patient;
                        view! {
                            <h1 class="group-page__title">{group.name.clone()}</h1>
                            <GroupMute group_id=gid muted=group.muted/>
                            {archived
                                .then(|| {
                                    view! {
                                        <p class="group-page__archived">
                                            {move || i18n.t(Msg::ArchivedBanner)}
                                        </p>
                                    }
                                })}
                            {group
                                .patient
                                .clone()
                                .map(|profile| view! { <PatientCard profile can_edit=can_manage/> })}
                            <section class="members__section" aria-labelledby="members-heading">
                                <h2 class="members__heading" id="members-heading">
                                    {move || i18n.t(Msg::Members)}
                                </h2>
                                <ul class="members__list">
                                    {members
                                        .items
                                        .into_iter()
                                        .map(|member| view! { <MemberRow member can_manage/> })
                                        .collect_view()}
                                </ul>
                            </section>
                            <PendingList pending=members.pending/>
                            {can_manage.then(|| view! { <AddMemberPanel/> })}
                            {(can_manage && is_patient).then(|| view! { <FamilyInvite/> })}
                            <GroupActions is_admin archived/>
                        }
                            .into_any()
                    }
                }}
            </div>
        }
        .into_any()
    }
}
