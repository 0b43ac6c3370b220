//! The text area of the composer, with its label, character counter and @mention suggestions.

use leptos::html::Textarea;
use leptos::prelude::*;
use tsunagu_api::{post_chars, Mention, MAX_POST_CHARS};

use super::mention_list::MentionList;
use super::mentions::{active_query, insert, suggestions, Candidate};
use crate::i18n::{char_counter, group_digits, use_i18n, Msg};

/// Remaining characters from which the counter says how many are left.
const NEAR_LIMIT: usize = 1_000;

/// A labelled `<textarea>` ("メッセージ") bound to `value`, with an `n / 10,000` counter that
/// also says how many characters are left near the limit (and how many too many beyond it).
/// Ctrl+Enter or ⌘+Enter submits (not while an IME is composing).
///
/// With `mention_candidates`, typing `@` and at least one character lists the matching members
/// (a listbox: ↑ ↓ move, Enter chooses, Esc closes, or click); choosing replaces the query with
/// `@表示名 ` and reports the member through `on_mention`.
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
    /// Members who may be mentioned; without it no suggestions are offered.
    #[prop(optional, into)]
    mention_candidates: Option<Signal<Vec<Candidate>>>,
    /// Called when the user starts typing a mention (the composer loads the members then).
    #[prop(optional)]
    on_mention_query: Option<Callback<()>>,
    /// Called with the member chosen from the suggestions.
    #[prop(optional)]
    on_mention: Option<Callback<Mention>>,
    /// The text area element, for focusing it from outside.
    #[prop(optional)]
    node_ref: Option<NodeRef<Textarea>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let area = node_ref.unwrap_or_default();
    let count = move || value.with(|v| post_chars(v));
    let counter_class = move || {
        let n = count();
        if n > MAX_POST_CHARS {
            "composer__counter composer__counter--over"
        } else if MAX_POST_CHARS - n <= NEAR_LIMIT {
            "composer__counter composer__counter--near"
        } else {
            "composer__counter"
        }
    };
    let limit_text = move || {
        let n = count();
        let (msg, by) = if n > MAX_POST_CHARS {
            (Msg::ComposerCharsOver, n - MAX_POST_CHARS)
        } else if MAX_POST_CHARS - n <= NEAR_LIMIT {
            (Msg::ComposerCharsLeft, MAX_POST_CHARS - n)
        } else {
            return None;
        };
        Some(i18n.t(msg).replace("{n}", &group_digits(by)))
    };
    let counter_id = format!("{id}-counter");
    let hint_id = format!("{id}-hint");
    let limit_id = format!("{id}-limit");
    let described_by = {
        let base = format!("{counter_id} {limit_id} {hint_id}");
        move || match error_id.get() {
            Some(e) => format!("{base} {e}"),
            None => base.clone(),
        }
    };

    // --- @mentions ---------------------------------------------------------------------
    // The caret, in UTF-16 units as the browser counts them.
    let caret = RwSignal::new(0usize);
    let focused = RwSignal::new(false);
    let active = RwSignal::new(0usize);
    // The `@` (byte index) whose suggestions were closed with Esc.
    let dismissed = RwSignal::new(None::<usize>);
    let query = Memo::new(move |_| {
        mention_candidates?;
        value.with(|v| active_query(v, caret.get()))
    });
    let options = Memo::new(move |_| match (query.get(), mention_candidates) {
        (Some(q), Some(c)) => c.with(|c| suggestions(c, &q.query)),
        _ => Vec::new(),
    });
    let open = Memo::new(move |_| {
        focused.get()
            && !options.with(Vec::is_empty)
            && query.with(|q| q.as_ref().map(|q| q.start)) != dismissed.get()
    });
    // A new query starts at the first option, and tells the composer to load the members.
    Effect::new(move |previous: Option<Option<String>>| {
        let q = query.with(|q| q.as_ref().map(|q| q.query.clone()));
        if q != previous.flatten() {
            active.set(0);
            if q.is_some() {
                if let Some(cb) = on_mention_query {
                    cb.run(());
                }
            }
        }
        q
    });
    let listbox_id = format!("{id}-mentions");
    let option_id = {
        let listbox_id = listbox_id.clone();
        move |i: usize| format!("{listbox_id}-{i}")
    };

    let update_caret = move || {
        if let Some(el) = area.get_untracked() {
            if let Ok(Some(pos)) = el.selection_start() {
                caret.set(pos as usize);
            }
        }
    };
    let choose = Callback::new(move |i: usize| {
        let (Some(q), Some(candidate)) = (
            query.get_untracked(),
            options.with_untracked(|o| o.get(i).cloned()),
        ) else {
            return;
        };
        let (text, pos) = value.with_untracked(|v| insert(v, &q, &candidate.display_name));
        if let Some(el) = area.get_untracked() {
            el.set_value(&text);
            let _ = el.set_selection_range(pos as u32, pos as u32);
        }
        value.set(text.clone());
        caret.set(pos);
        if let Some(cb) = on_edit {
            cb.run(text);
        }
        if let Some(cb) = on_mention {
            cb.run(candidate.mention());
        }
        // The value is re-applied by the render effect; put the caret back after it.
        request_animation_frame(move || {
            if let Some(el) = area.get_untracked() {
                let _ = el.set_selection_range(pos as u32, pos as u32);
            }
        });
    });

    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        // 229: a key pressed while an IME is composing (Safari does not set `isComposing`).
        let composing = ev.is_composing() || ev.key_code() == 229;
        if open.get_untracked() && !composing {
            let n = options.with_untracked(Vec::len);
            match ev.key().as_str() {
                "ArrowDown" => {
                    ev.prevent_default();
                    active.update(|a| *a = (*a + 1) % n);
                    return;
                }
                "ArrowUp" => {
                    ev.prevent_default();
                    active.update(|a| *a = (*a + n - 1) % n);
                    return;
                }
                "Enter" if !(ev.ctrl_key() || ev.meta_key() || ev.shift_key()) => {
                    ev.prevent_default();
                    choose.run(active.get_untracked());
                    return;
                }
                "Escape" => {
                    ev.prevent_default();
                    dismissed.set(query.with_untracked(|q| q.as_ref().map(|q| q.start)));
                    return;
                }
                _ => {}
            }
        }
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) && !composing {
            ev.prevent_default();
            on_submit.run(());
        }
    };

    let listbox = {
        let listbox_id = listbox_id.clone();
        move || {
            open.get().then(|| {
                view! {
                    <MentionList
                        id=listbox_id.clone()
                        options=Signal::from(options)
                        active
                        on_choose=choose
                    />
                }
            })
        }
    };

    view! {
        <div class="composer__editor">
            <label class="composer__label" for=id.clone()>
                {move || i18n.t(Msg::Message)}
            </label>
            <textarea
                id=id
                node_ref=area
                class="composer__textarea"
                rows="3"
                placeholder=move || i18n.t(Msg::Message)
                aria-describedby=described_by
                aria-invalid=move || (count() > MAX_POST_CHARS).to_string()
                aria-autocomplete=mention_candidates.map(|_| "list")
                aria-controls={
                    let listbox_id = listbox_id.clone();
                    move || open.get().then(|| listbox_id.clone())
                }
                aria-activedescendant=move || open.get().then(|| option_id(active.get()))
                prop:value=move || value.get()
                on:input=move |ev| {
                    let body = event_target_value(&ev);
                    value.set(body.clone());
                    update_caret();
                    if let Some(cb) = on_edit {
                        cb.run(body);
                    }
                }
                on:keydown=on_keydown
                on:keyup=move |_| update_caret()
                on:click=move |_| update_caret()
                on:focus=move |_| {
                    focused.set(true);
                    update_caret();
                }
                on:blur=move |_| focused.set(false)
            ></textarea>
            {listbox}
            <div class="composer__info">
                <span class="composer__hint" id=hint_id>
                    {move || i18n.t(Msg::SendHint)}
                </span>
                <span class="composer__limit" id=limit_id>
                    {limit_text}
                </span>
                <span class=counter_class id=counter_id aria-label=move || i18n.t(Msg::CharCount)>
                    {move || char_counter(count())}
                </span>
            </div>
        </div>
    }
}
