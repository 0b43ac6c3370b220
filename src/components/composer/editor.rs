//! The text area of the composer, with its label and character counter.

use leptos::prelude::*;
use tsunagu_api::{post_chars, MAX_POST_CHARS};

use crate::i18n::{char_counter, use_i18n, Msg};

/// A labelled `<textarea>` ("メッセージ") bound to `value`, with an `n / 10,000` counter.
/// Ctrl+Enter or ⌘+Enter submits (not while an IME is composing).
#[component]
pub fn Editor(
    /// The text being written.
    value: RwSignal<String>,
    /// Called on Ctrl/⌘+Enter.
    on_submit: Callback<()>,
    /// `id` of the text area, for its label.
    #[prop(into)]
    id: String,
    /// `id` of an element describing the current error, if any.
    #[prop(into)]
    error_id: Signal<Option<String>>,
    /// Called with the new text after each edit by the user (not after programmatic changes).
    #[prop(optional)]
    on_edit: Option<Callback<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let count = move || value.with(|v| post_chars(v));
    let counter_class = move || {
        if count() > MAX_POST_CHARS {
            "composer__counter composer__counter--over"
        } else {
            "composer__counter"
        }
    };
    let counter_id = format!("{id}-counter");
    let hint_id = format!("{id}-hint");
    let described_by = {
        let base = format!("{counter_id} {hint_id}");
        move || match error_id.get() {
            Some(e) => format!("{base} {e}"),
            None => base.clone(),
        }
    };

    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) && !ev.is_composing() {
            ev.prevent_default();
            on_submit.run(());
        }
    };

    view! {
        <div class="composer__editor">
            <label class="composer__label" for=id.clone()>
                {move || i18n.t(Msg::Message)}
            </label>
            <textarea
                id=id
                class="composer__textarea"
                rows="3"
                aria-describedby=described_by
                aria-invalid=move || (count() > MAX_POST_CHARS).to_string()
                prop:value=move || value.get()
                on:input=move |ev| {
                    let body = event_target_value(&ev);
                    value.set(body.clone());
                    if let Some(cb) = on_edit {
                        cb.run(body);
                    }
                }
                on:keydown=on_keydown
            ></textarea>
            <div class="composer__info">
                <span class="composer__hint" id=hint_id>
                    {move || i18n.t(Msg::SendHint)}
                </span>
                <span class=counter_class id=counter_id aria-label=move || i18n.t(Msg::CharCount)>
                    {move || char_counter(count())}
                </span>
            </div>
        </div>
    }
}
