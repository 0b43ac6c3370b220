//! The banner listing urgent posts I have not acknowledged.

use std::collections::HashSet;
use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use tsunagu_api::LiveEvent;
use uuid::Uuid;

use super::urgent_entry::UrgentEntry;
use crate::components::keyed_list::{KeyedList, Row};
use crate::i18n::{use_i18n, Msg};
use crate::live::Live;
use crate::post_view::{fill, newly_arrived, urgent_list_affected};
use crate::session::use_session;

/// Wait after a live event before refetching, so a burst of events costs one request.
const REFETCH_DEBOUNCE: Duration = Duration::from_millis(400);
/// How long an arrival announcement stays in the alert region.
const ANNOUNCEMENT_TTL: Duration = Duration::from_secs(10);

/// While signed in: `GET /urgent`, shown as a region "至急の投稿" headed "至急 N件" with each
/// post (group, author, time, excerpt, a link to the group) and a "見ました" button that
/// acknowledges it right there. The list is refetched (debounced) after live events that can
/// change it (urgent posts created or changed, acknowledgements, deletions, membership changes,
/// a stream reset) and after navigation, which also covers a missed live event. Only urgent posts
/// that arrive after the first load are announced (`role="alert"`), each once.
#[component]
pub fn UrgentBanner() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let live = use_context::<Live>();
    let location = use_location();

    let items = super::use_urgent_items();
    let seen = StoredValue::new(HashSet::<Uuid>::new());
    let loaded_once = StoredValue::new(false);
    let announcement = RwSignal::new(String::new());
    let latest_request = StoredValue::new(0u64);
    let debounce = StoredValue::new(None::<TimeoutHandle>);
    let clear_announcement = StoredValue::new(None::<TimeoutHandle>);

    let announce = move |text: String| {
        announcement.set(text);
        if let Some(h) = clear_announcement.get_value() {
            h.clear();
        }
        clear_announcement.set_value(
            set_timeout_with_handle(move || announcement.set(String::new()), ANNOUNCEMENT_TTL).ok(),
        );
    };

    let fetch = Action::new_local(move |_: &()| {
        let client = session.client();
        let request = latest_request.get_value() + 1;
        latest_request.set_value(request);
        async move {
            // Keep the last good list on failure: the banner is a reminder, the timeline stays
            // the place where errors are shown.
            let Ok(list) = client.urgent().await else {
                return;
            };
            if latest_request.get_value() != request || !session.is_logged_in() {
                return;
            }
            let arrived: Vec<String> = seen
                .try_update_value(|seen| {
                    newly_arrived(seen, &list.items)
                        .into_iter()
                        .map(|item| {
                            fill(
                                i18n.t(Msg::UrgentArrived),
                                &[
                                    ("group", &item.group_name),
                                    ("name", &item.post.author.display_name),
                                ],
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            if loaded_once.get_value() && !arrived.is_empty() {
                announce(arrived.join("\n"));
            }
            loaded_once.set_value(true);
            items.set(list.items);
        }
    });

    let schedule = move || {
        if let Some(h) = debounce.get_value() {
            h.clear();
        }
        debounce.set_value(
            set_timeout_with_handle(
                move || {
                    if session.is_logged_in() {
                        fetch.dispatch(());
                    }
                },
                REFETCH_DEBOUNCE,
            )
            .ok(),
        );
    };

    // Signing in loads the list at once; signing out forgets everything about the last user.
    crate::effect::effect(move || {
        if session.token().is_some() {
            fetch.dispatch(());
        } else {
            items.set(Vec::new());
            seen.set_value(HashSet::new());
            loaded_once.set_value(false);
            announcement.set(String::new());
        }
    });

    Effect::new(move |prev: Option<String>| {
        let path = location.pathname.get();
        if prev.is_some_and(|p| p != path) && session.is_logged_in() {
            schedule();
        }
        path
    });

    if let Some(live) = live {
        live.subscribe(move |event: &LiveEvent| {
            let held: HashSet<Uuid> =
                items.with_untracked(|l| l.iter().map(|i| i.post.id).collect());
            if urgent_list_affected(event, &held) {
                schedule();
            }
        });
    }

    on_cleanup(move || {
        if let Some(h) = debounce.get_value() {
            h.clear();
        }
        if let Some(h) = clear_announcement.get_value() {
            h.clear();
        }
    });

    let on_acked = Callback::new(move |post_id: Uuid| {
        items.update(|l| l.retain(|i| i.post.id != post_id));
    });
    let count = move || items.with(Vec::len);
    let shown = move || session.is_logged_in() && count() > 0;

    view! {
        <Show when=move || session.is_logged_in()>
            <div class="visually-hidden" role="alert">
                {move || announcement.get()}
            </div>
        </Show>
        <Show when=shown>
            <section
                class="urgent-banner"
                role="region"
                aria-label=move || i18n.t(Msg::UrgentBanner)
            >
                <h2 class="urgent-banner__title" id="urgent-banner-title" tabindex="-1">
                    {move || fill(i18n.t(Msg::UrgentCount), &[("n", &count().to_string())])}
                </h2>
                <ul class="urgent-banner__list">
                    <KeyedList rows=Signal::derive(move || {
                        items
                            .get()
                            .into_iter()
                            .map(|item| {
                                Row::new(item.post.id, item.post.version.into(), move || {
                                    view! { <UrgentEntry item=item.clone() on_acked/> }.into_any()
                                })
                            })
                            .collect()
                    })/>
                </ul>
            </section>
        </Show>
    }
}
