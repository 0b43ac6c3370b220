//! The login form of `login.html`, shown while the login build downloads, and its hand-over to
//! the app.
//!
//! On a slow phone the WebAssembly takes seconds to arrive; the static form lets the user type
//! (and even submit) in the meantime. When the app starts, [`provide_boot_login`] takes what
//! was typed, where the focus was and whether the form was submitted, and removes the static
//! form; the login page then continues from there ([`use_boot_login`]).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What the static login form held when the app took over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BootLogin {
    /// The login ID typed so far.
    pub login_id: String,
    /// The password typed so far.
    pub password: String,
    /// The user pressed ログイン before the app had loaded: the app sends the login at once.
    pub submitted: bool,
    /// The field the cursor was in, to put it back in the app's form.
    pub focus: Option<BootField>,
}

/// A field of the login form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BootField {
    /// The login ID.
    LoginId,
    /// The password.
    Password,
}

#[derive(Clone, Copy)]
struct BootContext(StoredValue<Option<BootLogin>>);

/// Takes over the static login form (if it was shown) and provides what it held; call once,
/// before the app's view is built, so the static form and the app's never show together.
pub fn provide_boot_login() {
    provide_context(BootContext(StoredValue::new(take_static_form())));
}

/// What the static login form held, the first time it is asked for; `None` afterwards, when the
/// form was not shown (a stored session, a family link) or outside [`provide_boot_login`].
pub fn use_boot_login() -> Option<BootLogin> {
    let context = use_context::<BootContext>()?;
    let mut taken = None;
    context.0.update_value(|held| taken = held.take());
    taken
}

/// Reads and removes `#boot`; `None` when it was never shown.
fn take_static_form() -> Option<BootLogin> {
    let document = web_sys::window()?.document()?;
    let boot = document.get_element_by_id("boot")?;
    let shown = !boot.has_attribute("hidden");
    let value = |id: &str| {
        document
            .get_element_by_id(id)
            .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|input| input.value())
            .unwrap_or_default()
    };
    let login = BootLogin {
        login_id: value("boot-login-id"),
        password: value("boot-password"),
        submitted: document
            .get_element_by_id("boot-login")
            .is_some_and(|form| form.has_attribute("data-submitted")),
        focus: match document.active_element().map(|el| el.id()).as_deref() {
            Some("boot-login-id") => Some(BootField::LoginId),
            Some("boot-password") => Some(BootField::Password),
            _ => None,
        },
    };
    boot.remove();
    shown.then_some(login)
}

#[cfg(test)]
mod tests {
    use crate::i18n::{Locale, Msg};

    /// The static form's texts are the i18n table's, in both languages: each element marked
    /// `data-msg="Name"` holds the Japanese text (or `data-ja`) and `data-en` the English.
    #[test]
    fn the_static_login_form_speaks_the_i18n_tables_texts() {
        let html = include_str!("../login.html");
        let marked = [
            (Msg::AppName, "AppName"),
            (Msg::LoginTitle, "LoginTitle"),
            (Msg::LoginId, "LoginId"),
            (Msg::Password, "Password"),
            (Msg::LoginButton, "LoginButton"),
            (Msg::LoggingIn, "LoggingIn"),
        ];
        for (msg, name) in marked {
            let at = html
                .find(&format!("data-msg=\"{name}\""))
                .unwrap_or_else(|| panic!("login.html has no data-msg=\"{name}\""));
            let element = &html[at..at + html[at..].find('<').unwrap()];
            let ja = msg.text(Locale::Ja);
            let en = msg.text(Locale::En);
            assert!(
                element.contains(&format!("data-en=\"{en}\"")),
                "{name}: English text is not {en:?} in {element}"
            );
            assert!(
                element.ends_with(&format!(">{ja}"))
                    || element.contains(&format!("data-ja=\"{ja}\"")),
                "{name}: Japanese text is not {ja:?} in {element}"
            );
        }
        assert_eq!(html.matches("data-msg=").count(), marked.len());
    }
}
