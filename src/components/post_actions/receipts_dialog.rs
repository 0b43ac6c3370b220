//! Who read and who acknowledged a post.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use tsunagu_api::{Author, Post, Receipt};

use super::modal_dialog::ListDialog;
use crate::i18n::{profession_label, use_i18n, Msg};
use crate::post_view::{ordered_receipts, shows_not_acknowledged};
use crate::session::use_session;
use crate::time_format::{datetime_attr, format_datetime};

/// A dialog loading `GET …/receipts` when it opens (never before: tiles stay cheap) and listing
/// who read the post and when, who pressed "見ました" and when, and — for the author of an
/// urgent post — who has not acknowledged it yet.
#[component]
pub fn ReceiptsDialog(
    /// The post, as shown when the dialog was opened.
    post: Post,
    /// Runs when the dialog has closed.
    on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let (group_id, post_id) = (post.group_id, post.id);
    let show_missing = shows_not_acknowledged(&post, session.my_id());
    let receipts = crate::load::load(move || {
        let client = session.client();
        async move { client.post_receipts(group_id, post_id).await }
    });
    let content = Box::new(move || {
        receipts.get().map(|r| {
            r.map(|r| {
                let missing = show_missing.then(|| {
                    let people = r.not_acknowledged.into_iter().map(|p| (p, None)).collect();
                    section(Msg::ReceiptsNotAcked, true, people)
                });
                view! {
                    {section(Msg::ReceiptsRead, false, timed(&r.read))}
                    {section(Msg::ReceiptsAcked, false, timed(&r.acknowledged))}
                    {missing}
                }
                .into_any()
            })
        })
    });
    view! { <ListDialog title=Msg::ReceiptsTitle block="receipts" content on_close/> }
}

/// Who did it and when, oldest first.
fn timed(receipts: &[Receipt]) -> Vec<(Author, Option<DateTime<Utc>>)> {
    ordered_receipts(receipts)
        .into_iter()
        .map(|r| (r.user, Some(r.at)))
        .collect()
}

/// A heading with the count, then the people (name and profession) and, for what they did,
/// when; `missing` for who has not done something yet.
fn section(heading: Msg, missing: bool, people: Vec<(Author, Option<DateTime<Utc>>)>) -> AnyView {
    let i18n = use_i18n();
    let n = people.len();
    let class = if missing {
        "receipts__section receipts__section--missing"
    } else {
        "receipts__section"
    };
    let list = if people.is_empty() {
        view! { <p class="receipts__empty">{move || i18n.t(Msg::ReceiptsNobody)}</p> }.into_any()
    } else {
        let items = people
            .into_iter()
            .map(|(person, at)| {
                let profession = person.profession;
                let time = at.map(|at| {
                    view! {
                        <time class="receipts__time" datetime=datetime_attr(&at)>
                            {move || format_datetime(&at, i18n.locale())}
                        </time>
                    }
                });
                view! {
                    <li class="receipts__item">
                        <span class="receipts__name">{person.display_name}</span>
                        <span class="receipts__profession">
                            {move || profession_label(profession, i18n.locale())}
                        </span>
                        {time}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="receipts__list">{items}</ul> }.into_any()
    };
    view! {
        <section class=class>
            <h3 class="receipts__heading">{move || format!("{} ({n})", i18n.t(heading))}</h3>
            {list}
        </section>
    }
    .into_any()
}
