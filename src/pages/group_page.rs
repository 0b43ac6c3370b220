//! An open group: its name, timeline and composer.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tsunagu_api::Post;
use uuid::Uuid;

use crate::components::composer::ComposerPanel;
use crate::components::group_list::GroupListRefresh;
use crate::components::timeline::TimelinePanel;
use crate::i18n::{error_text, group_kind_label, member_count, use_i18n, Msg};
use crate::session::use_session;
use crate::timeline_model::TimelineModel;

/// The group named by the `:id` route parameter: heading with the group name, the timeline and
/// the composer; on phones a back link to the group list. Everything is rebuilt when the id
/// changes, so no state leaks from one group to another.
#[component]
pub fn GroupPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let refresh = use_context::<GroupListRefresh>();
    let group_id = Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|s| Uuid::parse_str(&s).ok())
    });

    move || {
        let Some(gid) = group_id.get() else {
            return view! {
                <p class="group-page__error" role="alert">
                    {move || error_text(tsunagu_api::ErrorCode::NotFound, i18n.locale())}
                </p>
            }
            .into_any();
        };
        let group = LocalResource::new(move || {
            let client = session.client();
            async move { client.group(gid).await }
        });
        let model = RwSignal::new(TimelineModel::new());
        let on_sent = Callback::new(move |post: Post| {
            model.update(|m| m.insert(post));
            if let Some(r) = refresh {
                r.0.update(|v| *v = v.wrapping_add(1));
            }
        });

        view! {
            <div class="group-page">
                <div class="group-page__header">
                    <a class="group-page__back" href="/">
                        {move || i18n.t(Msg::BackToGroups)}
                    </a>
                    {move || match group.get() {
                        None => {
                            view! {
                                <h1 class="group-page__title">{move || i18n.t(Msg::Loading)}</h1>
                            }
                                .into_any()
                        }
                        Some(Err(err)) => {
                            view! {
                                <p class="group-page__error" role="alert">
                                    {move || i18n.api_error(&err)}
                                </p>
                            }
                                .into_any()
                        }
                        Some(Ok(g)) => {
                            let kind = g.kind;
                            let members = g.member_count;
                            view! {
                                <h1 class="group-page__title">{g.name}</h1>
                                <span class="group-page__meta">
                                    <span class=format!(
                                        "group-item__kind group-item__kind--{}",
                                        kind.as_str(),
                                    )>{move || group_kind_label(kind, i18n.locale())}</span>
                                    <span>{move || member_count(members, i18n.locale())}</span>
                                </span>
                            }
                                .into_any()
                        }
                    }}
                </div>
                <Show when=move || !matches!(group.get(), Some(Err(_)))>
                    <TimelinePanel group_id=gid model/>
                    <ComposerPanel group_id=gid on_sent/>
                </Show>
            </div>
        }
        .into_any()
    }
}
