//! The members panel of a group: patient profile, members and their roles, pending invitations,
//! adding members, family invitation links, leaving and archiving.

pub mod add_member_panel;
pub mod family_invite;
pub mod group_actions;
pub mod group_mute;
pub mod member_row;
pub mod patient_card;
pub mod patient_form;
pub mod pending_list;

use leptos::prelude::*;
use uuid::Uuid;

use crate::api::ApiError;
use crate::i18n::Msg;

/// State shared by the parts of the members panel.
#[derive(Debug, Clone, Copy)]
pub struct MembersCtx {
    /// The group.
    pub group_id: Uuid,
    /// Bumped to reload the group and its members after a change.
    pub reload: RwSignal<u32>,
    /// The last confirmation, shown in a status region.
    pub notice: RwSignal<Option<Msg>>,
    /// The last failure, shown in an alert.
    pub error: RwSignal<Option<ApiError>>,
}

impl MembersCtx {
    /// Reloads after a successful change and says so.
    pub fn changed(&self, notice: Option<Msg>) {
        self.error.set(None);
        self.notice.set(notice);
        self.reload.update(|v| *v = v.wrapping_add(1));
    }

    /// Shows a failure.
    pub fn failed(&self, err: ApiError) {
        self.notice.set(None);
        self.error.set(Some(err));
    }
}

/// Provides the members panel's context for `group_id`.
pub fn provide_members(group_id: Uuid) -> MembersCtx {
    let ctx = MembersCtx {
        group_id,
        reload: RwSignal::new(0),
        notice: RwSignal::new(None),
        error: RwSignal::new(None),
    };
    provide_context(ctx);
    ctx
}

/// The members panel's context; panics outside [`provide_members`].
pub fn use_members() -> MembersCtx {
    expect_context::<MembersCtx>()
}
