//! The confidentiality pledge (`/operator/pledge`).

use leptos::prelude::*;
use tsunagu_api::Pledge;

use crate::components::operator::pledge_editor::PledgeEditor;
use crate::i18n::{use_i18n, Msg};
use crate::operator_model::with_number;
use crate::session::use_session;
use crate::time_format::{datetime_attr, format_datetime};

/// "誓約書": the version in force (its number, when it was published, its text) and the editor
/// of the next version; after publishing, "第N版を公開しました。" and the new version.
#[component]
pub fn OperatorPledgePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let published = RwSignal::new(None::<u32>);
    let pledge = crate::load::load(move || {
        let client = session.client();
        async move { client.current_pledge().await }
    });
    let on_published = Callback::new(move |p: Pledge| {
        published.set(Some(p.version));
        pledge.refetch();
    });
    let current = move |p: Pledge| {
        let at = p.published_at;
        let version = p.version;
        view! {
            <section class="pledge" aria-labelledby="pledge-current-title">
                <h2 class="pledge__title" id="pledge-current-title">
                    {move || i18n.t(Msg::PledgeCurrent)}
                    " "
                    {move || with_number(i18n.t(Msg::PledgeVersion), version)}
                </h2>
                <p class="pledge__meta">
                    {move || i18n.t(Msg::PledgePublishedAt)}
                    " "
                    <time datetime=datetime_attr(&at)>{move || format_datetime(&at, i18n.locale())}</time>
                </p>
                <div class="pledge__text">{p.text.clone()}</div>
            </section>
            <PledgeEditor current=p on_published/>
        }
    };
    view! {
        <div class="operator-page">
            <h1 class="operator-page__title">{move || i18n.t(Msg::OperatorPledge)}</h1>
            {move || {
                published
                    .get()
                    .map(|v| {
                        view! {
                            <p class="operator-page__notice" role="status">
                                {move || with_number(i18n.t(Msg::PledgePublished), v)}
                            </p>
                        }
                    })
            }}
            {move || match pledge.get() {
                None => view! { <p class="operator-page__status">{i18n.t(Msg::Loading)}</p> }.into_any(),
                Some(Err(err)) => view! { <p role="alert">{move || i18n.api_error(&err)}</p> }.into_any(),
                Some(Ok(p)) => current(p).into_any(),
            }}
        </div>
    }
}
