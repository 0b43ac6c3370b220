//! The composer: editor, send button and error message.

use leptos::prelude::*;
use tsunagu_api::{validate_post_body, NewPost, Post, Timeline};
use uuid::Uuid;

use super::draft_sync::use_draft;
use super::editor::Editor;
use crate::api::ApiError;
use crate::drafts::DraftKey;
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// Status used for errors found before sending (the same the server would answer).
const LOCAL_VALIDATION_STATUS: u16 = 422;

/// Writes and sends a post to a group. Validates first with the contract's own rules; sends with
/// an `Idempotency-Key` that is kept for retries of the same text, so a retry never posts twice;
/// keeps the text on any failure and clears it on success. The text is kept as a draft per group
/// and timeline (restored on mount, deleted once sent).
#[component]
pub fn ComposerPanel(
    /// The group to post to.
    group_id: Uuid,
    /// Called with the created post after a successful send.
    on_sent: Callback<Post>,
    /// The timeline to post to (`None`: the group's default, `care`).
    #[prop(optional)]
    timeline: Option<Timeline>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    // The idempotency key of the last attempt and the text it was for.
    let attempt = RwSignal::new(None::<(Uuid, String)>);
    let draft = use_draft(DraftKey::new(group_id, timeline), text);

    let send = Action::new_local({
        let draft = draft.clone();
        move |(body, key): &(String, Uuid)| {
            let client = session.client();
            let draft = draft.clone();
            let body = body.clone();
            let key = *key;
            async move {
                let post = NewPost {
                    body: body.clone(),
                    timeline,
                    ..Default::default()
                };
                match client.create_post(group_id, &post, key).await {
                    Ok(created) => {
                        attempt.set(None);
                        // Only clear what was sent: keep anything typed meanwhile. `try_`: the
                        // composer may have been left while sending.
                        if text.try_with_untracked(|t| *t == body) == Some(true) {
                            text.try_set(String::new());
                        }
                        // Not on failure: then the text and its draft both stay.
                        draft.sent(&body);
                        on_sent.run(created);
                    }
                    Err(e) => error.set(Some(e)),
                }
            }
        }
    });
    let sending = send.pending();

    let submit = Callback::new(move |()| {
        if sending.get_untracked() {
            return;
        }
        let body = text.get_untracked();
        if let Err(code) = validate_post_body(&body) {
            error.set(Some(ApiError::Problem {
                status: LOCAL_VALIDATION_STATUS,
                code,
            }));
            return;
        }
        error.set(None);
        let key = match attempt.get_untracked() {
            Some((key, sent)) if sent == body => key,
            _ => {
                let key = Uuid::now_v7();
                attempt.set(Some((key, body.clone())));
                key
            }
        };
        send.dispatch((body, key));
    });

    let editor_id = match timeline {
        Some(t) => format!("composer-{group_id}-{}", t.as_str()),
        None => format!("composer-{group_id}"),
    };
    let on_edit = Callback::new(move |body: String| draft.edited(body));
    let error_id = format!("{editor_id}-error");
    let error_ref = {
        let error_id = error_id.clone();
        Signal::derive(move || error.with(|e| e.is_some()).then(|| error_id.clone()))
    };

    view! {
        <form
            class="composer"
            aria-label=move || i18n.t(Msg::Composer)
            on:submit=move |ev| {
                ev.prevent_default();
                submit.run(());
            }
        >
            <Editor value=text on_submit=submit id=editor_id error_id=error_ref on_edit/>
            {move || {
                error
                    .get()
                    .map(|err| {
                        view! {
                            <p class="composer__error" role="alert" id=error_id.clone()>
                                {move || i18n.api_error(&err)}
                            </p>
                        }
                    })
            }}
            <div class="composer__actions">
                <button
                    type="submit"
                    class="button button--primary composer__send"
                    disabled=move || sending.get()
                >
                    {move || i18n.t(Msg::Send)}
                </button>
                <span class="composer__status" role="status">
                    {move || sending.get().then(|| i18n.t(Msg::Sending))}
                </span>
            </div>
        </form>
    }
}
