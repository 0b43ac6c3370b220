//! A labelled single-line input bound to a signal, the form field most forms repeat.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};

/// `<div class="field">` with a translated `<label>` and an `<input>` that reads and writes
/// `value` on every keystroke. The BEM classes (`field`, `field__label`, `field__input`) are
/// what the stylesheet and the browser tests select.
#[component]
pub fn TextField(
    /// The input's `id`, which the label points at (so the label is its accessible name).
    id: &'static str,
    /// The label's text.
    label: Msg,
    /// The value, kept in sync both ways.
    value: RwSignal<String>,
    /// The input's `type`: `text` (default), `date`, `password`, ….
    #[prop(default = "text")]
    input_type: &'static str,
    /// The `autocomplete` hint for password managers and autofill, if any.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// The `id` of a hint paragraph outside the field that describes the input, if any.
    #[prop(optional)]
    described_by: Option<&'static str>,
    /// Whether the form may not be submitted with this field empty.
    #[prop(optional)]
    required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label class="field__label" for=id>
                {move || i18n.t(label)}
            </label>
            <input
                class="field__input"
                id=id
                type=input_type
                autocomplete=autocomplete
                aria-describedby=described_by
                required=required
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}
