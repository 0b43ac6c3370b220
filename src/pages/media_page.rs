//! A group's photos and files (`/media/groups/:id`, the media build).

use leptos::prelude::*;
use leptos::task::spawn_local;
use tsunagu_api::{MediaItem, MediaKind};
use uuid::Uuid;

use crate::api::ApiError;
use crate::app_part::link_rel;
use crate::components::attachments::media_viewer::{MediaViewer, ViewerImage};
use crate::components::gallery::compare_view::CompareView;
use crate::components::gallery::gallery_item::GalleryItem;
use crate::home_model::display_name;
use crate::i18n::{error_text, use_i18n, Msg};
use crate::media_view::{merge_page, PickTwo};
use crate::pages::group_page::use_group_id;
use crate::post_view::fill;
use crate::session::use_session;

/// Files asked for per page.
const PAGE: u32 = 30;

/// The kinds of the filter, in its order (`None`: every kind).
const KINDS: [(Option<MediaKind>, Msg); 5] = [
    (None, Msg::GalleryKindAll),
    (Some(MediaKind::Image), Msg::GalleryKindImage),
    (Some(MediaKind::Video), Msg::GalleryKindVideo),
    (Some(MediaKind::Audio), Msg::GalleryKindAudio),
    (Some(MediaKind::Document), Msg::GalleryKindDocument),
];

/// "写真・ファイル" of the group named by `:id`: the files of the timelines I read (the server
/// decides which: family members get the family timeline's only), newest first, page by page
/// ("さらに読み込む"), filtered by kind. A photo opens the full-screen viewer over the listed
/// photos; picking two ("比較") and "2枚を並べて比較" shows them side by side.
#[component]
pub fn MediaPage() -> impl IntoView {
    let i18n = use_i18n();
    let group_id = use_group_id();
    move || match group_id.get() {
        Some(gid) => view! { <Gallery gid/> }.into_any(),
        None => view! {
            <p class="gallery__error" role="alert">
                {move || error_text(tsunagu_api::ErrorCode::NotFound, i18n.locale())}
            </p>
        }
        .into_any(),
    }
}

/// The media view of one group.
#[component]
fn Gallery(
    /// The group.
    gid: Uuid,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let group = crate::load::load(move || {
        let client = session.client();
        async move { client.group(gid).await }
    });
    let kind = RwSignal::new(None::<MediaKind>);
    let items = RwSignal::new(Vec::<MediaItem>::new());
    let next = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    // Answers to an earlier filter are dropped.
    let generation = StoredValue::new(0_u32);
    let picks = RwSignal::new(PickTwo::default());
    let comparing = RwSignal::new(false);
    let viewer = RwSignal::new(None::<usize>);

    let fetch = move |reset: bool| {
        let before = if reset { None } else { next.get_untracked() };
        if !reset && before.is_none() {
            return;
        }
        generation.update_value(|g| *g += 1);
        let current = generation.get_value();
        if reset {
            items.set(Vec::new());
            next.set(None);
            loaded.set(false);
        }
        busy.set(true);
        let client = session.client();
        let k = kind.get_untracked();
        spawn_local(async move {
            let result = client.group_media(gid, k, before, Some(PAGE)).await;
            if generation.try_with_value(|g| *g) != Some(current) {
                return;
            }
            busy.set(false);
            loaded.set(true);
            match result {
                Ok(page) => {
                    error.set(None);
                    items.update(|v| merge_page(v, page.items));
                    next.set(page.next);
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    crate::effect::effect(move || {
        kind.track();
        fetch(true);
    });

    let photos = move || {
        items.with(|v| {
            v.iter()
                .filter(|i| i.attachment.kind == MediaKind::Image)
                .map(|i| ViewerImage {
                    attachment: i.attachment.clone(),
                    author: i.author.display_name.clone(),
                    at: i.created_at,
                })
                .collect::<Vec<_>>()
        })
    };
    let open_photo = move |id: Uuid| {
        let index = items.with_untracked(|v| {
            v.iter()
                .filter(|i| i.attachment.kind == MediaKind::Image)
                .position(|i| i.attachment.id == id)
        });
        viewer.set(index);
    };
    let timeline_href = format!("/groups/{gid}");

    view! {
        <div class="gallery">
            <div class="group-page__header">
                <a class="group-page__back group-page__back--always" href=timeline_href.clone() rel=link_rel(&timeline_href)>
                    {move || i18n.t(Msg::GalleryBackToTimeline)}
                </a>
                <h1 class="group-page__title">{move || i18n.t(Msg::GalleryTitle)}</h1>
                <span class="group-page__meta">
                    {move || group.get().and_then(Result::ok).map(|g| display_name(&g))}
                </span>
            </div>
            {move || {
                if comparing.get() {
                    let pair = items.with(|v| picks.with(|p| p.pair(v)));
                    if let Some((earlier, later)) = pair {
                        return view! {
                            <CompareView
                                earlier
                                later
                                on_back=Callback::new(move |()| comparing.set(false))
                            />
                        }
                            .into_any();
                    }
                }
                view! {
                    <div class="gallery__toolbar">
                        <label class="gallery__filter">
                            <span class="gallery__filter-label">{move || i18n.t(Msg::GalleryKind)}</span>
                            <select
                                class="gallery__filter-select"
                                on:change=move |ev| {
                                    let value = event_target_value(&ev);
                                    kind.set(value.parse::<MediaKind>().ok().filter(|_| !value.is_empty()));
                                }
                            >
                                {KINDS
                                    .iter()
                                    .map(|(k, msg)| {
                                        let (k, msg) = (*k, *msg);
                                        view! {
                                            <option
                                                value=k.map_or("", MediaKind::as_str)
                                                selected=move || kind.get() == k
                                            >
                                                {move || i18n.t(msg)}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </label>
                        <p class="gallery__picked" role="status">
                            {move || {
                                fill(
                                    i18n.t(Msg::GalleryPicked),
                                    &[("n", &picks.with(PickTwo::count).to_string())],
                                )
                            }}
                        </p>
                        <button
                            type="button"
                            class="button gallery__compare"
                            disabled=move || picks.with(PickTwo::count) < 2
                            on:click=move |_| comparing.set(true)
                        >
                            {move || i18n.t(Msg::GalleryCompare)}
                        </button>
                        <button
                            type="button"
                            class="button button--secondary gallery__clear"
                            disabled=move || picks.with(PickTwo::count) == 0
                            on:click=move |_| picks.update(PickTwo::clear)
                        >
                            {move || i18n.t(Msg::GalleryClearPicks)}
                        </button>
                    </div>
                    <ul
                        class="gallery__list"
                        aria-label=move || i18n.t(Msg::GalleryList)
                        aria-busy=move || busy.get().to_string()
                    >
                        <For
                            each=move || items.get()
                            key=|i| i.attachment.id
                            children=move |item| {
                                let id = item.attachment.id;
                                view! {
                                    <GalleryItem
                                        item
                                        picks
                                        on_open=Callback::new(move |()| open_photo(id))
                                    />
                                }
                            }
                        />
                    </ul>
                    {move || {
                        (loaded.get() && error.get().is_none() && items.with(Vec::is_empty))
                            .then(|| view! { <p class="gallery__empty">{move || i18n.t(Msg::GalleryEmpty)}</p> })
                    }}
                    {move || {
                        (!loaded.get()).then(|| view! { <p class="gallery__status">{move || i18n.t(Msg::Loading)}</p> })
                    }}
                    {move || {
                        error
                            .get()
                            .map(|err| {
                                view! {
                                    <p class="gallery__error" role="alert">
                                        {move || i18n.api_error(&err)}
                                    </p>
                                }
                            })
                    }}
                    {move || {
                        next.with(Option::is_some)
                            .then(|| {
                                view! {
                                    <button
                                        type="button"
                                        class="button button--secondary gallery__more"
                                        disabled=move || busy.get()
                                        on:click=move |_| fetch(false)
                                    >
                                        {move || i18n.t(Msg::GalleryLoadMore)}
                                    </button>
                                }
                            })
                    }}
                }
                    .into_any()
            }}
            {move || {
                viewer
                    .get()
                    .map(|start| {
                        view! {
                            <MediaViewer
                                images=untrack(photos)
                                start
                                on_close=Callback::new(move |()| viewer.set(None))
                            />
                        }
                    })
            }}
        </div>
    }
}
