//! 文字の大きさ: the text size of this device.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::text_size::TextSize;

/// "文字の大きさ": 標準, 大 or 特大, for this device (kept in its storage, not the account), shown
/// at once and on every page after (`public/page.js` applies it before each build renders).
#[component]
pub fn TextSizeSetting() -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(TextSize::stored());
    let label = |size: TextSize| match size {
        TextSize::Standard => Msg::TextSizeStandard,
        TextSize::Large => Msg::TextSizeLarge,
        TextSize::ExtraLarge => Msg::TextSizeExtraLarge,
    };
    view! {
        <fieldset class="text-size">
            <legend class="text-size__title">{move || i18n.t(Msg::TextSizeTitle)}</legend>
            <p class="text-size__hint">{move || i18n.t(Msg::TextSizeHint)}</p>
            <div class="text-size__choices">
                {TextSize::ALL
                    .map(|size| {
                        view! {
                            <label class="text-size__choice">
                                <input
                                    type="radio"
                                    name="text-size"
                                    prop:checked=move || current.get() == size
                                    on:change=move |_| {
                                        size.choose();
                                        current.set(size);
                                    }
                                />
                                {move || i18n.t(label(size))}
                            </label>
                        }
                    })}
            </div>
        </fieldset>
    }
}
