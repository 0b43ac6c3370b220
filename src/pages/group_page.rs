//! An open group: its name, timeline tabs, timeline and composer.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_params_map, use_query_map};
use tsunagu_api::{ErrorCode, Group, LiveEvent, Post, Timeline};
use uuid::Uuid;

use crate::app_part::timeline_in;
use crate::components::attachments::{provide_viewer_host, ViewerOutlet};
use crate::components::composer::reply_target::provide_reply_target;
use crate::components::composer::ComposerPanel;
use crate::components::group::group_header::GroupHeader;
use crate::components::group::timeline_tabs::TimelineTabs;
use crate::components::group_list::GroupListRefresh;
use crate::components::timeline::TimelinePanel;
use crate::i18n::{error_text, use_i18n, Msg};
use crate::live;
use crate::post_view::GroupViewer;
use crate::session::use_session;
use crate::timeline_model::TimelineModel;

/// The group id of the `:id` route parameter.
pub fn use_group_id() -> Memo<Option<Uuid>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|s| Uuid::parse_str(&s).ok())
    })
}

/// The group named by the `:id` route parameter: heading with the group name and a link to its
/// members; for patient groups seen by professionals the tabs "ケア（専門職）" and "家族と共有"
/// (family members see only the family timeline); the timeline and the composer (none in
/// archived groups, which show a banner instead). Everything is rebuilt when the id changes.
///
/// When the group's membership changes (`member.changed`), the page asks for the group again;
/// if the reader is no longer a member, the timeline is taken off the screen at once.
#[component]
pub fn GroupPage() -> impl IntoView {
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
        let group = crate::load::load(move || {
            let client = session.client();
            async move { client.group(gid).await }
        });
        let access_lost = RwSignal::new(false);
        live::use_live().subscribe(move |event| {
            if let LiveEvent::MemberChanged(change) = event {
                if change.group_id == gid {
                    let client = session.client();
                    spawn_local(async move {
                        // Only a definite "not yours any more" closes the page (not a network
                        // error); other changes leave the open timeline as it is.
                        if let Err(err) = client.group(gid).await {
                            if err.code() == Some(ErrorCode::NotFound) {
                                access_lost.try_set(true);
                            }
                        }
                    });
                }
            }
        });

        view! {
            <div class="group-page">
                {move || match group.get() {
                    _ if access_lost.get() => {
                        view! {
                            <GroupUnavailable reason=Signal::derive(move || {
                                i18n.t(Msg::GroupAccessLost)
                            })/>
                        }
                            .into_any()
                    }
                    None => {
                        view! {
                            <div class="group-page__header">
                                <h1 class="group-page__title">{move || i18n.t(Msg::Loading)}</h1>
                            </div>
                        }
                            .into_any()
                    }
                    Some(Err(err)) => {
                        view! {
                            <GroupUnavailable reason=Signal::derive(move || i18n.api_error(&err))/>
                        }
                            .into_any()
                    }
                    Some(Ok(g)) => view! { <GroupBody group=g/> }.into_any(),
                }}
            </div>
        }
        .into_any()
    }
}

/// Shown instead of a group that can't be shown (not found, not a member, no longer a member):
/// the way back to the group list, and why, as an alert.
#[component]
fn GroupUnavailable(
    /// Why, translated.
    reason: Signal<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="group-page__header">
            <a class="group-page__back" href="/">
                {move || i18n.t(Msg::BackToGroups)}
            </a>
            <p class="group-page__error" role="alert">
                {move || reason.get()}
            </p>
        </div>
    }
}

/// The loaded group: header, tabs, timeline and composer.
#[component]
fn GroupBody(
    /// The group.
    group: Group,
) -> impl IntoView {
    let i18n = use_i18n();
    let refresh = use_context::<GroupListRefresh>();
    let gid = group.id;
    let archived = group.archived;
    let timelines = if group.timelines.is_empty() {
        vec![Timeline::Care]
    } else {
        group.timelines.clone()
    };
    // `?timeline=family` (coming back from the sending page) opens that tab.
    let asked = use_query_map()
        .with_untracked(timeline_in)
        .filter(|t| timelines.contains(t));
    let selected = RwSignal::new(asked.unwrap_or(timelines[0]));
    // Post tiles need my role (admins see edit histories) and whether the group is read only.
    provide_context(GroupViewer {
        group_id: gid,
        role: group.my_role,
        archived,
    });
    let on_read = Callback::new(move |()| {
        if let Some(r) = refresh {
            r.bump();
        }
    });

    view! {
        <GroupHeader group=group.clone()/>
        {archived
            .then(|| {
                view! {
                    <p class="group-page__archived" role="status">
                        {move || i18n.t(Msg::ArchivedBanner)}
                    </p>
                }
            })}
        {(timelines.len() > 1)
            .then(|| view! { <TimelineTabs timelines=timelines.clone() selected/> })}
        {move || {
            let tl = selected.get();
            let model = RwSignal::new(TimelineModel::new());
            provide_reply_target();
            let viewer = provide_viewer_host();
            let on_sent = Callback::new(move |post: Post| {
                model.update(|m| m.insert(post));
                if let Some(r) = refresh {
                    r.bump();
                }
            });
            view! {
                <div
                    class="group-page__timeline"
                    role="tabpanel"
                    id=format!("timeline-{}", tl.as_str())
                    aria-labelledby=format!("tab-{}", tl.as_str())
                >
                    <TimelinePanel group_id=gid model timeline=tl on_read/>
                    {(!archived)
                        .then(|| view! { <ComposerPanel group_id=gid on_sent timeline=tl/> })}
                    <ViewerOutlet host=viewer/>
                </div>
            }
        }}
    }
}
