//! The current locale as a Leptos context, remembered in `localStorage` and mirrored to
//! `<html lang>`.

use leptos::prelude::*;

use super::{api_error_text, Locale, Msg};
use crate::api::ApiError;
use crate::storage;

/// `localStorage` key remembering the chosen locale.
pub const LOCALE_KEY: &str = "tsunagu.locale";

/// The current locale, shared by every component.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    /// The current locale (tracked).
    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    /// Switches the locale, remembers it and updates `<html lang>`.
    pub fn set_locale(&self, locale: Locale) {
        storage::set(LOCALE_KEY, locale.tag());
        set_html_lang(locale);
        self.locale.set(locale);
    }

    /// Switches to the other locale.
    pub fn toggle(&self) {
        self.set_locale(self.locale.get_untracked().other());
    }

    /// Text of a message in the current locale (tracked).
    pub fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.locale())
    }

    /// Translation of an API failure in the current locale (tracked).
    pub fn api_error(&self, err: &ApiError) -> &'static str {
        api_error_text(err, self.locale())
    }
}

/// The locale remembered in `localStorage`, Japanese when none is.
pub fn stored_locale() -> Locale {
    storage::get(LOCALE_KEY)
        .and_then(|s| Locale::parse(&s))
        .unwrap_or_default()
}

fn set_html_lang(locale: Locale) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", locale.tag());
    }
}

/// Provides the i18n context, starting from the remembered locale.
pub fn provide_i18n() -> I18n {
    let locale = stored_locale();
    set_html_lang(locale);
    let i18n = I18n {
        locale: RwSignal::new(locale),
    };
    provide_context(i18n);
    i18n
}

/// The i18n context; panics when [`provide_i18n`] was not called above.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}
