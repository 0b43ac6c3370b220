//! A modal dialog on the native `<dialog>` element.

use std::sync::atomic::{AtomicU32, Ordering};

use leptos::html::Dialog;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::ApiError;
use crate::i18n::{use_i18n, Msg};

/// A modal `<dialog>` opened with `showModal()` as soon as it is mounted, so the browser moves
/// focus into it, makes the page behind it inert and closes it on Esc. Its heading names it.
/// When it closes (Esc, "閉じる", or a click on the backdrop) focus goes back to the control
/// that opened it and `on_close` runs; the owner then unmounts it.
#[component]
pub fn ModalDialog(
    /// Heading of the dialog, also its accessible name.
    #[prop(into)]
    title: Signal<String>,
    /// Runs once the dialog has closed.
    on_close: Callback<()>,
    /// The content.
    children: Children,
) -> impl IntoView {
    static NEXT_ID: AtomicU32 = AtomicU32::new(0);
    let title_id = format!("modal-title-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let labelled_by = title_id.clone();
    let i18n = use_i18n();
    let dialog = NodeRef::<Dialog>::new();
    let closed = crate::modal::use_modal(dialog, on_close);
    let close = move || crate::modal::close(dialog);

    view! {
        <dialog
            class="modal"
            node_ref=dialog
            aria-labelledby=labelled_by
            on:close=closed
            on:click=move |ev| {
                // A click on the backdrop reaches the dialog element itself.
                let on_dialog = ev
                    .target()
                    .zip(dialog.get_untracked())
                    .is_some_and(|(t, d)| {
                        t.dyn_ref::<web_sys::Element>().is_some_and(|t| t == d.as_ref())
                    });
                if on_dialog {
                    close();
                }
            }
        >
            <div class="modal__panel">
                <div class="modal__header">
                    <h2 class="modal__title" id=title_id>
                        {move || title.get()}
                    </h2>
                    <button
                        type="button"
                        class="button button--secondary modal__close"
                        on:click=move |_| close()
                    >
                        {move || i18n.t(Msg::CloseDialog)}
                    </button>
                </div>
                <div class="modal__body">{children()}</div>
            </div>
        </dialog>
    }
}

/// What a [`ListDialog`] shows: `None` while loading, then the list or why it failed.
pub type Listed = Box<dyn Fn() -> Option<Result<AnyView, ApiError>> + Send + Sync>;

/// A [`ModalDialog`] whose content is loaded when it opens: "読み込み中…" (`<block>__status`)
/// while loading, the translated error as an alert (`<block>__error`) if it failed, then the
/// list. One view for the receipts and the history dialogs.
#[component]
pub fn ListDialog(
    /// Heading of the dialog, also its accessible name.
    title: Msg,
    /// BEM block of the status and error texts (`receipts`, `history`).
    block: &'static str,
    /// The loaded content (tracked).
    content: Listed,
    /// Runs once the dialog has closed.
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ModalDialog title=Signal::derive(move || i18n.t(title).to_owned()) on_close>
            {move || match content() {
                None => {
                    view! { <p class=format!("{block}__status")>{move || i18n.t(Msg::Loading)}</p> }
                        .into_any()
                }
                Some(Err(err)) => {
                    view! {
                        <p class=format!("{block}__error") role="alert">
                            {move || i18n.api_error(&err)}
                        </p>
                    }
                        .into_any()
                }
                Some(Ok(list)) => list,
            }}
        </ModalDialog>
    }
}
