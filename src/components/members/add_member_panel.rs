//! Adding a registered professional to a group.

use leptos::prelude::*;
use tsunagu_api::{DirectoryPerson, MemberRole};

use super::use_members;
use crate::api::AddOutcome;
use crate::components::directory::person_search::PersonSearch;
use crate::i18n::labels::PersonAction;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// The "メンバーを追加" toggle and, when open, the directory search whose "追加" buttons add the
/// person; when the physician's approval is needed, says "主治医の承認待ちです".
#[component]
pub fn AddMemberPanel() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let ctx = use_members();
    let open = RwSignal::new(false);
    let add = Action::new_local(move |person: &DirectoryPerson| {
        let client = session.client();
        let user_id = person.id;
        async move {
            match client
                .add_member(ctx.group_id, user_id, MemberRole::Member)
                .await
            {
                Ok(AddOutcome::Added(_)) => ctx.changed(Some(Msg::AddedMember)),
                Ok(AddOutcome::Pending(_)) => ctx.changed(Some(Msg::AddedPending)),
                Err(e) => ctx.failed(e),
            }
        }
    });
    let on_pick = Callback::new(move |p: DirectoryPerson| {
        add.dispatch(p);
    });
    view! {
        <section class="members__section">
            <button
                type="button"
                class="button button--primary"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {move || i18n.t(Msg::AddMember)}
            </button>
            <Show when=move || open.get()>
                <PersonSearch
                    id="add-member"
                    action_text=Msg::Add
                    action=PersonAction::Add
                    on_pick
                />
            </Show>
        </section>
    }
}
