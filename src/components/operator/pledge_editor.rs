//! Publishing a new version of the confidentiality pledge.

use leptos::prelude::*;
use tsunagu_api::Pledge;

use crate::api::ApiError;
use crate::components::confirm_button::ConfirmButton;
use crate::i18n::{group_digits, use_i18n, Msg};
use crate::operator_model::pledge_problem;
use crate::session::use_session;
use tsunagu_api::MAX_PLEDGE_CHARS;

/// "新しい版の本文", prefilled with the version in force, and "新しい版を公開", which asks first
/// ("新しい版を公開すると、以後の申込と有効化はこの版への同意になります。公開しますか？"). An empty
/// or unchanged text, or one over 20,000 characters, is not sent.
#[component]
pub fn PledgeEditor(
    /// The version in force.
    current: Pledge,
    /// Called with the new version once published.
    on_published: Callback<Pledge>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let text = RwSignal::new(current.text.clone());
    let problem = RwSignal::new(None::<Msg>);
    let error = RwSignal::new(None::<ApiError>);
    let current_text = StoredValue::new(current.text);
    let publish = Action::new_local(move |text: &String| {
        let client = session.client();
        let text = text.clone();
        async move {
            match client.publish_pledge(&text).await {
                Ok(pledge) => on_published.run(pledge),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let on_confirm = Callback::new(move |()| {
        if publish.pending().get_untracked() {
            return;
        }
        let typed = text.get_untracked();
        error.set(None);
        match current_text.with_value(|c| pledge_problem(&typed, c)) {
            Some(m) => problem.set(Some(m)),
            None => {
                problem.set(None);
                publish.dispatch(typed.trim().to_owned());
            }
        }
    });
    let count = move || {
        format!(
            "{} / {}",
            group_digits(text.with(|t| t.chars().count())),
            group_digits(MAX_PLEDGE_CHARS)
        )
    };

    view! {
        <div class="pledge-editor">
            <div class="field">
                <label class="field__label" for="pledge-text">
                    {move || i18n.t(Msg::PledgeNewText)}
                </label>
                <textarea
                    class="field__input pledge-editor__text"
                    id="pledge-text"
                    rows="16"
                    aria-invalid=move || problem.get().is_some().to_string()
                    aria-describedby="pledge-text-hint pledge-text-count pledge-text-error"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
                <p class="field__hint" id="pledge-text-hint">{move || i18n.t(Msg::PledgeNewHint)}</p>
                <p class="field__hint pledge-editor__count" id="pledge-text-count">{count}</p>
                <p class="field__error" id="pledge-text-error">
                    {move || problem.get().map(|m| i18n.t(m))}
                </p>
            </div>
            {move || {
                error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="pledge-editor__error" role="alert">{move || i18n.api_error(&e)}</p>
                        }
                    })
            }}
            <ConfirmButton
                label=Msg::PledgePublish
                question=Msg::PledgeConfirm
                on_confirm=on_confirm
                class="pledge-editor__publish"
            />
        </div>
    }
}
