//! One group in the group list.

use leptos::prelude::*;

use crate::app_part::{link_rel, MANAGE_PREFIX};
use leptos_router::hooks::use_location;
use tsunagu_api::Group;

use crate::clock::use_clock;
use crate::home_model::display_name;
use crate::i18n::labels::unread_label;
use crate::i18n::system::system_preview_text;
use crate::i18n::{use_i18n, Msg};
use crate::time_format::{datetime_attr, format_ago, format_datetime};

/// A group as a link whose accessible name is exactly the group name; the latest post (author:
/// excerpt, or the system entry phrased), its time, the mention badge ("@2", read out as
/// "メンション 2件") and the unread badge (a pill, read out as "未読 3件") sit beside it, and the
/// whole row is the touch target.
#[component]
pub fn GroupListItem(
    /// The group to show.
    group: Group,
) -> impl IntoView {
    let i18n = use_i18n();
    let clock = use_clock();
    let location = use_location();
    let href = format!("/groups/{}", group.id);
    let current = {
        let href = href.clone();
        move || {
            location
                .pathname
                .with(|p| {
                    // The group's own pages, its timeline here and its members in the
                    // management build.
                    let p = p.strip_prefix(MANAGE_PREFIX).unwrap_or(p);
                    p == href || p.starts_with(&format!("{href}/"))
                })
                .then_some("page")
        }
    };
    let unread = group.unread_count;
    let mentions = group.mention_count;
    let archived = group.archived;
    let preview = group.last_post.clone();
    let preview_text = move || {
        let locale = i18n.locale();
        match &preview {
            None => i18n.t(Msg::NoPostsShort).to_owned(),
            Some(p) => match system_preview_text(p, locale) {
                Some(text) => text,
                None => match &p.author_name {
                    Some(a) => format!("{a}: {}", p.excerpt),
                    None => p.excerpt.clone(),
                },
            },
        }
    };
    let last = group
        .last_post
        .as_ref()
        .map(|p| p.created_at)
        .or(group.last_post_at);

    view! {
        <li class="group-item" class:group-item--archived=archived>
            <div class="group-item__top">
                <a class="group-item__link" href=href.clone() rel=link_rel(&href) aria-current=current>
                    {display_name(&group)}
                </a>
                {(mentions > 0)
                    .then(|| {
                        view! {
                            <span class="group-item__mention">
                                <span aria-hidden="true">"@" {mentions}</span>
                                <span class="visually-hidden">
                                    {move || {
                                        i18n.t(Msg::MentionCount).replace("{n}", &mentions.to_string())
                                    }}
                                </span>
                            </span>
                        }
                    })}
                {(unread > 0)
                    .then(|| {
                        view! {
                            <span class="group-item__unread">
                                <span aria-hidden="true">{unread}</span>
                                <span class="visually-hidden">
                                    {move || unread_label(unread, i18n.locale())}
                                </span>
                            </span>
                        }
                    })}
            </div>
            <span class="group-item__preview">{preview_text}</span>
            {last
                .map(|t| {
                    view! {
                        <time
                            class="group-item__time"
                            datetime=datetime_attr(&t)
                            title=move || format_datetime(&t, i18n.locale())
                        >
                            {move || format_ago(&t, &clock.now(), i18n.locale())}
                        </time>
                    }
                })}
        </li>
    }
}
