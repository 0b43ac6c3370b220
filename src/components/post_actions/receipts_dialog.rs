//! Who read and who acknowledged a post.

use leptos::prelude::*;
use tsunagu_api::{Author, Post, Receipt};

use super::modal_dialog::ModalDialog;
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
    let i18n = use_i18n();
    let session = use_session();
    let (group_id, post_id) = (post.group_id, post.id);
    let show_missing = shows_not_acknowledged(&post, session.my_id());
    let receipts = crate::load::load(move || {
        let client = session.client();
        async move { client.post_receipts(group_id, post_id).await }
    });

    view! {
        <ModalDialog title=Signal::derive(move || i18n.t(Msg::ReceiptsTitle).to_owned()) on_close>
            {move || match receipts.get() {
                None => view! { <p class="receipts__status">{move || i18n.t(Msg::Loading)}</p> }.into_any(),
                Some(Err(err)) => {
                    view! { <p class="receipts__error" role="alert">{move || i18n.api_error(&err)}</p> }
                        .into_any()
                }
                Some(Ok(r)) => {
                    view! {
                        <ReceiptSection heading=Msg::ReceiptsRead receipts=ordered_receipts(&r.read)/>
                        <ReceiptSection
                            heading=Msg::ReceiptsAcked
                            receipts=ordered_receipts(&r.acknowledged)
                        />
                        {show_missing
                            .then(|| {
                                view! {
                                    <PeopleSection
                                        heading=Msg::ReceiptsNotAcked
                                        people=r.not_acknowledged.clone()
                                    />
                                }
                            })}
                    }
                        .into_any()
                }
            }}
        </ModalDialog>
    }
}

/// A heading with the count, then the people and when they did it (oldest first).
#[component]
fn ReceiptSection(
    /// What the people did ("既読", "見ました").
    heading: Msg,
    /// Who and when.
    receipts: Vec<Receipt>,
) -> impl IntoView {
    let i18n = use_i18n();
    let n = receipts.len();
    let empty = receipts.is_empty();
    view! {
        <section class="receipts__section">
            <h3 class="receipts__heading">{move || format!("{} ({n})", i18n.t(heading))}</h3>
            {if empty {
                view! { <p class="receipts__empty">{move || i18n.t(Msg::ReceiptsNobody)}</p> }
                    .into_any()
            } else {
                view! {
                    <ul class="receipts__list">
                        {receipts
                            .into_iter()
                            .map(|r| {
                                let at = r.at;
                                view! {
                                    <li class="receipts__item">
                                        <PersonName person=r.user/>
                                        <time class="receipts__time" datetime=datetime_attr(&at)>
                                            {move || format_datetime(&at, i18n.locale())}
                                        </time>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

/// A heading with the count, then the people (who has not done something yet).
#[component]
fn PeopleSection(
    /// What the people have not done yet.
    heading: Msg,
    /// Who.
    people: Vec<Author>,
) -> impl IntoView {
    let i18n = use_i18n();
    let n = people.len();
    let empty = people.is_empty();
    view! {
        <section class="receipts__section receipts__section--missing">
            <h3 class="receipts__heading">{move || format!("{} ({n})", i18n.t(heading))}</h3>
            {if empty {
                view! { <p class="receipts__empty">{move || i18n.t(Msg::ReceiptsNobody)}</p> }
                    .into_any()
            } else {
                view! {
                    <ul class="receipts__list">
                        {people
                            .into_iter()
                            .map(|p| view! { <li class="receipts__item"><PersonName person=p/></li> })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

/// A person's name and profession.
#[component]
fn PersonName(
    /// The person.
    person: Author,
) -> impl IntoView {
    let i18n = use_i18n();
    let profession = person.profession;
    view! {
        <span class="receipts__name">{person.display_name}</span>
        <span class="receipts__profession">
            {move || profession_label(profession, i18n.locale())}
        </span>
    }
}
