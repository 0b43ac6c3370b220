//! Links of the home side panel: new group, directory, physician inbox.

use leptos::prelude::*;

use crate::app_part::link_rel;
use tsunagu_api::Profession;

use crate::components::group_list::GroupListRefresh;
use crate::i18n::labels::pending_link;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// "新しいグループ" and "名簿" for professionals, "アカウント設定" for everyone (the text size, two-step
/// verification; family members too), and for
/// physicians "承認待ち" with the number of invitations waiting for them (recounted whenever the
/// group list reloads).
#[component]
pub fn HomeNav() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let profession = Memo::new(move |_| session.me().map(|m| m.profession));
    let is_professional = move || profession.get().is_some_and(|p| p != Profession::Family);
    let is_physician = move || profession.get() == Some(Profession::Physician);
    let refresh = use_context::<GroupListRefresh>();
    let pending = crate::load::load(move || {
        if let Some(r) = refresh {
            r.0.track();
        }
        let physician = is_physician();
        let client = session.client();
        async move {
            if physician {
                client.invitation_count().await.unwrap_or(0)
            } else {
                0
            }
        }
    });

    view! {
        <nav class="home-nav" aria-label=move || i18n.t(Msg::HomeNav)>
            <Show when=is_professional>
                <a class="home-nav__link" href="/manage/groups/new" rel=link_rel("/manage/groups/new")>
                    {move || i18n.t(Msg::NewGroup)}
                </a>
                <a class="home-nav__link" href="/manage/directory" rel=link_rel("/manage/directory")>
                    {move || i18n.t(Msg::Directory)}
                </a>
            </Show>
            <a class="home-nav__link" href="/manage/account" rel=link_rel("/manage/account")>
                {move || i18n.t(Msg::AccountSettings)}
            </a>
            <Show when=is_physician>
                <a class="home-nav__link" href="/manage/invitations" rel=link_rel("/manage/invitations")>
                    {move || pending_link(pending.get().unwrap_or(0), i18n.locale())}
                </a>
            </Show>
        </nav>
    }
}
