//! The directory (`/directory`): people and facilities.

use leptos::prelude::*;

use crate::app_part::{link_rel, use_go};
use tsunagu_api::DirectoryPerson;

use crate::api::ApiError;
use crate::components::directory::facility_list::FacilityList;
use crate::components::directory::person_search::PersonSearch;
use crate::components::group_list::GroupListRefresh;
use crate::i18n::labels::PersonAction;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// "名簿": searching people (each with "メッセージ", which opens or reuses the direct message and
/// goes there) and the facilities grouped by type.
#[component]
pub fn DirectoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let go = use_go();
    let refresh = use_context::<GroupListRefresh>();
    let error = RwSignal::new(None::<ApiError>);
    let open_dm = Action::new_local(move |person: &DirectoryPerson| {
        let client = session.client();
        let user_id = person.id;
        let go = go.clone();
        async move {
            match client.open_direct(user_id).await {
                Ok(group) => {
                    if let Some(r) = refresh {
                        r.bump();
                    }
                    go(&format!("/groups/{}", group.id));
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let on_pick = Callback::new(move |p: DirectoryPerson| {
        open_dm.dispatch(p);
    });
    view! {
        <div class="directory">
            <div class="group-page__header">
                <a class="group-page__back" href="/" rel=link_rel("/")>
                    {move || i18n.t(Msg::BackToGroups)}
                </a>
                <h1 class="group-page__title">{move || i18n.t(Msg::Directory)}</h1>
            </div>
            {move || error.get().map(|e| view! { <p role="alert">{move || i18n.api_error(&e)}</p> })}
            <section class="directory__section" aria-labelledby="directory-people">
                <h2 class="members__heading" id="directory-people">
                    {move || i18n.t(Msg::People)}
                </h2>
                <PersonSearch
                    id="directory"
                    action_text=Msg::SendMessage
                    action=PersonAction::Message
                    on_pick
                />
            </section>
            <section class="directory__section" aria-labelledby="directory-facilities">
                <h2 class="members__heading" id="directory-facilities">
                    {move || i18n.t(Msg::Facilities)}
                </h2>
                <FacilityList/>
            </section>
        </div>
    }
}
