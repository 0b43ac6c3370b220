//! A button that asks before doing something that cannot be undone.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};

/// A button; clicking it shows the question with "はい" and "キャンセル" in its place, and
/// `on_confirm` runs only after "はい".
#[component]
pub fn ConfirmButton(
    /// Visible text of the button.
    label: Msg,
    /// Accessible name of the button when it differs from the text (e.g. includes a name).
    #[prop(optional, into)]
    aria_label: Option<Signal<String>>,
    /// The question asked before acting.
    question: Msg,
    /// Runs after confirmation.
    on_confirm: Callback<()>,
    /// Extra class of the button, e.g. `button--danger`.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    let button_class = format!("button button--secondary {class}");
    view! {
        <span class="confirm">
            <Show
                when=move || asking.get()
                fallback=move || {
                    view! {
                        <button
                            type="button"
                            class=button_class.clone()
                            aria-label=move || aria_label.map(|a| a.get())
                            on:click=move |_| asking.set(true)
                        >
                            {move || i18n.t(label)}
                        </button>
                    }
                }
            >
                <span class="confirm__box" role="group" aria-label=move || i18n.t(question)>
                    <span class="confirm__question">{move || i18n.t(question)}</span>
                    <button
                        type="button"
                        class="button button--primary"
                        on:click=move |_| {
                            asking.set(false);
                            on_confirm.run(());
                        }
                    >
                        {move || i18n.t(Msg::Confirm)}
                    </button>
                    <button
                        type="button"
                        class="button button--ghost"
                        on:click=move |_| asking.set(false)
                    >
                        {move || i18n.t(Msg::Cancel)}
                    </button>
                </span>
            </Show>
        </span>
    }
}
