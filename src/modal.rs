//! What every modal `<dialog>` of the app does, shared by the post actions' dialog and the
//! photo viewer: `showModal()` as soon as it is mounted (the browser moves focus into it, makes
//! the page behind inert and closes it on Esc), and focus back to the control that opened it
//! once it has closed (the browser does not do so reliably when the dialog is removed rather
//! than closed).

use leptos::html::Dialog;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

/// Opens `dialog` modally once mounted and returns its `close` handler: focus back to the
/// element focused now (its opener), then `on_close`.
pub fn use_modal(
    dialog: NodeRef<Dialog>,
    on_close: Callback<()>,
) -> impl Fn(web_sys::Event) + Copy {
    let opener = StoredValue::new(SendWrapper::new(
        document()
            .active_element()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
    ));
    crate::effect::effect(move || {
        if let Some(d) = dialog.get() {
            if !d.open() {
                let _ = d.show_modal();
            }
        }
    });
    move |_| {
        opener.with_value(|o| {
            if let Some(el) = o.as_ref() {
                if el.is_connected() {
                    let _ = el.focus();
                }
            }
        });
        on_close.run(());
    }
}

/// Closes `dialog` (its `close` event then runs the handler of [`use_modal`]).
pub fn close(dialog: NodeRef<Dialog>) {
    if let Some(d) = dialog.get_untracked() {
        d.close();
    }
}
