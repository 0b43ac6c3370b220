//! DOM helpers shared by the wasm-bindgen tests (`tests/web.rs`, `tests/post_actions_web.rs`):
//! mounting points, waiting, and finding elements by what users (and screen readers) see.

#![allow(dead_code)] // Each test file uses a different part.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement};

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

pub fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// A physician of さくら診療所 (user id `n`), as a post's author.
pub fn physician(n: u128, name: &str) -> tsunagu_api::Author {
    tsunagu_api::Author {
        id: uuid::Uuid::from_u128(n),
        display_name: name.into(),
        profession: tsunagu_api::Profession::Physician,
        facility_name: Some("さくら診療所".into()),
    }
}

/// A care-timeline post of group `group` by `by`, written now, with nothing else set.
pub fn care_post(group: u128, by: tsunagu_api::Author, body: &str) -> tsunagu_api::Post {
    tsunagu_api::Post {
        id: uuid::Uuid::now_v7(),
        group_id: uuid::Uuid::from_u128(group),
        author: by,
        body: body.into(),
        created_at: chrono::Utc::now(),
        timeline: tsunagu_api::Timeline::Care,
        system: None,
        importance: tsunagu_api::Importance::Normal,
        reply_to: None,
        mentions: Vec::new(),
        edited_at: None,
        deleted_at: None,
        version: 1,
        read_count: 0,
        ack_count: 0,
        acked_by_me: false,
        attachments: Vec::new(),
    }
}

/// A port nothing listens on: requests to it fail without a response.
pub const DEAD_BASE: &str = "http://127.0.0.1:9";

/// Signed in as the nurse 田中 美咲 (user id `me`) against a server that never answers.
pub fn sign_in_nurse(me: u128) {
    storage().clear().unwrap();
    let stored = format!(
        r#"{{"token":"tok","expires_at":"2026-11-24T12:00:00.000Z","idle_timeout_seconds":1800,"user":{{"id":"{}","login_id":"ns.tanaka","display_name":"田中 美咲","display_name_kana":"たなか みさき","profession":"nurse","facility":null}}}}"#,
        uuid::Uuid::from_u128(me)
    );
    storage()
        .set_item(tsunagu_web::session::SESSION_KEY, &stored)
        .unwrap();
    tsunagu_web::api::set_api_base(DEAD_BASE);
}

pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Waits (up to ~3 s) until `cond` holds.
pub async fn wait_for(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..150 {
        if cond() {
            return;
        }
        sleep(20).await;
    }
    panic!("timed out waiting for {what}");
}

/// A fresh element in `<body>` to mount a view into.
pub fn test_root() -> HtmlElement {
    let el = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&el).unwrap();
    el.unchecked_into()
}

pub fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

pub fn text(el: &Element) -> String {
    el.text_content().unwrap_or_default().trim().to_owned()
}

/// The form control whose `<label>` reads exactly `name`.
pub fn labelled(root: &Element, name: &str) -> Option<Element> {
    all(root, "label")
        .into_iter()
        .find(|l| text(l) == name)
        .and_then(|l| l.get_attribute("for"))
        .and_then(|id| document().get_element_by_id(&id))
}

/// The button whose accessible name is `name` (its `aria-label`, else its text without what
/// is `aria-hidden`).
pub fn button(root: &Element, name: &str) -> Option<HtmlElement> {
    all(root, "button")
        .into_iter()
        .find(|b| {
            b.get_attribute("aria-label")
                .unwrap_or_else(|| named_text(b))
                == name
        })
        .map(JsCast::unchecked_into)
}

/// The text of `el` that assistive technology reads: `aria-hidden` parts left out.
fn named_text(el: &Element) -> String {
    let copy: Element = el.clone_node_with_deep(true).unwrap().unchecked_into();
    for hidden in all(&copy, "[aria-hidden=true]") {
        hidden.remove();
    }
    text(&copy)
}

/// Sets the value of an input or textarea and fires `input`, as typing does.
pub fn type_into(el: &Element, value: &str) {
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        input.set_value(value);
    } else if let Some(area) = el.dyn_ref::<HtmlTextAreaElement>() {
        area.set_value(value);
    }
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    el.dispatch_event(&ev).unwrap();
}
