//! Leaving and archiving a group.

use leptos::prelude::*;

use crate::app_part::use_go;

use super::use_members;
use crate::components::confirm_button::ConfirmButton;
use crate::components::group_list::GroupListRefresh;
use crate::i18n::Msg;
use crate::session::use_session;

/// "グループから退出" for everyone and, for admins of a group not yet archived, "アーカイブ";
/// both ask first.
#[component]
pub fn GroupActions(
    /// Whether the caller is an admin.
    is_admin: bool,
    /// Whether the group is archived already.
    archived: bool,
) -> impl IntoView {
    let session = use_session();
    let ctx = use_members();
    let go = use_go();
    let refresh = use_context::<GroupListRefresh>();
    let leave = Action::new_local(move |_: &()| {
        let client = session.client();
        let me = session.my_id();
        let go = go.clone();
        async move {
            let Some(me) = me else { return };
            match client.remove_member(ctx.group_id, me).await {
                Ok(_) => {
                    if let Some(r) = refresh {
                        r.bump();
                    }
                    go("/");
                }
                Err(e) => ctx.failed(e),
            }
        }
    });
    let archive = Action::new_local(move |_: &()| {
        let client = session.client();
        async move {
            match client.archive_group(ctx.group_id).await {
                Ok(_) => {
                    if let Some(r) = refresh {
                        r.bump();
                    }
                    ctx.changed(None);
                }
                Err(e) => ctx.failed(e),
            }
        }
    });
    view! {
        <section class="members__section members__actions">
            <ConfirmButton
                label=Msg::LeaveGroup
                question=Msg::ConfirmLeave
                on_confirm=Callback::new(move |()| {
                    leave.dispatch(());
                })
            />
            {(is_admin && !archived)
                .then(|| {
                    view! {
                        <ConfirmButton
                            label=Msg::Archive
                            question=Msg::ConfirmArchive
                            on_confirm=Callback::new(move |()| {
                                archive.dispatch(());
                            })
                        />
                    }
                })}
        </section>
    }
}
