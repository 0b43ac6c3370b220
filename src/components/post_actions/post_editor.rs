//! Editing one's own post in place.

use leptos::html::Textarea;
use leptos::prelude::*;
use tsunagu_api::{post_chars, validate_post_body, ErrorCode, Post, PostEdit, MAX_POST_CHARS};

use crate::api::ApiError;
use crate::i18n::{char_counter, error_text, use_i18n, Msg};
use crate::post_view::retained_mentions;
use crate::session::use_session;

/// Why the edit was not saved.
#[derive(Debug, Clone, Copy, PartialEq)]
enum EditError {
    /// Refused before sending (empty, too long).
    Invalid(ErrorCode),
    /// The server or the network refused it.
    Api(ApiError),
}

/// The post's text in a labelled textarea with a character counter, "保存" and "キャンセル".
/// The text is checked first (same rules as a new post); saving unchanged text just closes the
/// editor; saving a change sends `PATCH` with
/// `If-Match` of the version the edit started from. When someone changed the post meanwhile
/// (412), the translated message and the current text are shown, the typed text stays, and
/// saving again applies it on top of the version now shown. Nothing typed is lost on an error.
#[component]
pub fn PostEditor(
    /// The post as it was when editing started.
    post: Post,
    /// Runs with the saved post.
    on_saved: Callback<Post>,
    /// Runs with the post's current state after a conflict, so the tile shows it.
    on_latest: Callback<Post>,
    /// Runs when the user gives up the edit.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let input_id = format!("post-{}-edit", post.id);
    let error_id = format!("post-{}-edit-error", post.id);
    let counter_id = format!("post-{}-edit-counter", post.id);
    let described_by = format!("{counter_id} {error_id}");
    let text = RwSignal::new(post.body.clone());
    let base = StoredValue::new(post);
    let error = RwSignal::new(None::<EditError>);
    let latest_text = RwSignal::new(None::<String>);
    let textarea = NodeRef::<Textarea>::new();

    crate::effect::effect(move || {
        if let Some(el) = textarea.get() {
            let _ = el.focus();
        }
    });

    let save = Action::new_local(move |_: &()| {
        let client = session.client();
        let body = text.get_untracked();
        let (group_id, post_id, version, mentions) =
            base.with_value(|p| (p.group_id, p.id, p.version, retained_mentions(&body, p)));
        let edit = PostEdit {
            body,
            importance: None,
            mentions,
        };
        async move {
            match client.edit_post(group_id, post_id, version, &edit).await {
                Ok(saved) => {
                    error.set(None);
                    on_saved.run(saved);
                }
                Err(err) => {
                    error.set(Some(EditError::Api(err)));
                    if err.code() == Some(ErrorCode::PreconditionFailed) {
                        // Show what is there now; the next save builds on it knowingly.
                        if let Ok(current) = client.post(group_id, post_id).await {
                            latest_text.set(Some(current.body.clone()));
                            base.set_value(current.clone());
                            on_latest.run(current);
                        }
                    }
                }
            }
        }
    });
    let saving = save.pending();

    let submit = move || {
        if saving.get_untracked() {
            return;
        }
        let body = text.get_untracked();
        // Nothing changed: no request, no empty revision in the history.
        if base.with_value(|p| p.body == body) {
            error.set(None);
            on_cancel.run(());
            return;
        }
        match validate_post_body(&body) {
            Err(code) => error.set(Some(EditError::Invalid(code))),
            Ok(()) => {
                error.set(None);
                save.dispatch(());
            }
        }
    };

    let message = move || {
        error.get().map(|e| match e {
            EditError::Invalid(code) => error_text(code, i18n.locale()),
            EditError::Api(err) => i18n.api_error(&err),
        })
    };

    view! {
        <div class="post-editor">
            {move || {
                latest_text
                    .get()
                    .map(|latest| {
                        view! {
                            <div class="post-editor__latest">
                                <p class="post-editor__latest-heading">
                                    {move || i18n.t(Msg::LatestText)}
                                </p>
                                <p class="post-editor__latest-body">{latest}</p>
                            </div>
                        }
                    })
            }}
            <label class="post-editor__label" for=input_id.clone()>
                {move || i18n.t(Msg::EditPostLabel)}
            </label>
            <textarea
                id=input_id
                class="composer__textarea post-editor__textarea"
                node_ref=textarea
                prop:value=move || text.get()
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=described_by
                on:input=move |ev| text.set(event_target_value(&ev))
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) && !ev.is_composing() {
                        ev.prevent_default();
                        submit();
                    }
                }
            ></textarea>
            <div class="post-editor__info">
                <span class="post-editor__error" id=error_id role="alert">
                    {message}
                </span>
                <span
                    class=move || {
                        if text.with(|t| post_chars(t)) > MAX_POST_CHARS {
                            "composer__counter composer__counter--over"
                        } else {
                            "composer__counter"
                        }
                    }
                    id=counter_id
                    aria-label=move || i18n.t(Msg::CharCount)
                >
                    {move || char_counter(text.with(|t| post_chars(t)))}
                </span>
            </div>
            <div class="post-editor__buttons">
                <button
                    type="button"
                    class="button button--primary"
                    disabled=move || saving.get()
                    on:click=move |_| submit()
                >
                    {move || i18n.t(if saving.get() { Msg::SavingEdit } else { Msg::SaveEdit })}
                </button>
                <button
                    type="button"
                    class="button button--secondary"
                    on:click=move |_| on_cancel.run(())
                >
                    {move || i18n.t(Msg::Cancel)}
                </button>
            </div>
        </div>
    }
}
