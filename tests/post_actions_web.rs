//! Browser tests of the post tile, its dialogs and search highlighting (headless Chromium
//! through wasm-bindgen-test-runner):
//! `cargo test --target wasm32-unknown-unknown -p tsunagu-web --test post_actions_web`
#![cfg(target_arch = "wasm32")]

use chrono::Utc;
use leptos::prelude::*;
use tsunagu_api::{Author, Importance, MemberRole, Mention, Post};
use tsunagu_web::components::composer::reply_target::provide_reply_target;
use tsunagu_web::components::search::marked_text::MarkedText;
use tsunagu_web::components::timeline::post_tile::PostTile;
use tsunagu_web::post_view::GroupViewer;
use tsunagu_web::Providers;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{all, button, test_root, text, wait_for};

const ME: u128 = 0x0192f0c4_0000_7000_8000_000000000001;
const GROUP: u128 = 0x0192f0c4_0000_7000_8000_0000000000aa;

fn sign_in() {
    dom::sign_in_nurse(ME);
}

fn author(n: u128, name: &str) -> Author {
    dom::physician(n, name)
}

fn post(by: Author, body: &str) -> Post {
    dom::care_post(GROUP, by, body)
}

fn mount(post: Post, role: MemberRole) -> (HtmlElement, impl Drop) {
    sign_in();
    let root = test_root();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Providers>
                {provide_context(GroupViewer {
                    group_id: Uuid::from_u128(GROUP),
                    role,
                    archived: false,
                })}
                {provide_reply_target();}
                <PostTile post=post.clone()/>
            </Providers>
        }
    });
    (root, handle)
}

#[wasm_bindgen_test]
async fn another_members_urgent_post_is_labelled_marked_and_escaped() {
    let mut p = post(
        author(2, "佐藤 健一"),
        "<b>@田中 美咲</b> さん、@鈴木 由美 さんと確認を。",
    );
    p.importance = Importance::Urgent;
    p.read_count = 2;
    p.mentions = vec![
        Mention {
            user_id: Uuid::from_u128(ME),
            display_name: "田中 美咲".into(),
        },
        Mention {
            user_id: Uuid::from_u128(3),
            display_name: "鈴木 由美".into(),
        },
    ];
    let id = p.id;
    let (root, handle) = mount(p, MemberRole::Member);
    let el: &Element = root.as_ref();

    let article = el.query_selector("article").unwrap().expect("an article");
    assert_eq!(article.id(), format!("post-{id}"));
    let label = article.get_attribute("aria-label").unwrap();
    assert!(
        label.starts_with("佐藤 健一 ") && label.ends_with(" の投稿"),
        "{label}"
    );
    let class = article.get_attribute("class").unwrap();
    assert!(class.contains("tl-post--awaiting-ack"), "{class}");
    assert!(text(&article).contains("至急"));
    assert!(text(&article).contains("あなた宛て"));

    // User text stays text: no <b> element, the markup shows literally.
    assert!(all(el, ".tl-post__body b").is_empty());
    assert!(text(&article).contains("<b>@田中 美咲</b>"));
    let mine: Vec<String> = all(el, "strong.tl-post__mention--me")
        .iter()
        .map(text)
        .collect();
    assert_eq!(mine, vec!["@田中 美咲"]);
    let others: Vec<String> = all(el, "span.tl-post__mention").iter().map(text).collect();
    assert_eq!(others, vec!["@鈴木 由美"]);

    let ack = button(el, "見ました").expect("見ました");
    assert_eq!(ack.get_attribute("aria-pressed").as_deref(), Some("false"));
    assert!(button(el, "既読 2").is_some());
    assert!(button(el, "返信").is_some());
    assert!(button(el, "編集").is_none() && button(el, "削除").is_none());
    assert!(button(el, "履歴").is_none(), "not edited");

    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
async fn the_authors_tile_shows_counts_and_checks_an_edit_before_sending() {
    let mut p = post(author(ME, "田中 美咲"), "本日15時訪問。");
    p.ack_count = 1;
    p.read_count = 3;
    let (root, handle) = mount(p, MemberRole::Member);
    let el: &Element = root.as_ref();

    assert!(
        button(el, "見ました").is_none(),
        "no acknowledging my own post"
    );
    assert!(text(el).contains("見ました 1"));
    assert!(button(el, "既読 3").is_some());
    button(el, "編集").expect("編集").click();
    wait_for("the editor", || {
        el.query_selector("textarea").unwrap().is_some()
    })
    .await;
    let area: HtmlTextAreaElement = el
        .query_selector("textarea")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(area.value(), "本日15時訪問。");
    let label = el
        .query_selector(&format!("label[for='{}']", area.id()))
        .unwrap()
        .expect("a label");
    assert_eq!(text(&label), "投稿を編集");
    assert_eq!(document().active_element().map(|e| e.id()), Some(area.id()));

    area.set_value(" \n ");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    area.dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    button(el, "保存").unwrap().click();
    wait_for("the alert", || {
        all(el, "[role=alert]")
            .iter()
            .any(|a| text(a) == "投稿内容を入力してください。")
    })
    .await;
    assert_eq!(area.value(), " \n ", "text kept");
    assert_eq!(area.get_attribute("aria-invalid").as_deref(), Some("true"));

    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
async fn a_deleted_post_has_no_actions_but_admins_see_its_history() {
    let mut p = post(author(2, "佐藤 健一"), "");
    p.deleted_at = Some(Utc::now());
    p.version = 2;
    let (root, handle) = mount(p.clone(), MemberRole::Member);
    let el: &Element = root.as_ref();
    assert!(text(el).contains("この投稿は削除されました"));
    assert!(
        all(el, "button").is_empty(),
        "a deleted post offers no action"
    );
    drop(handle);
    root.remove();

    let (root, handle) = mount(p, MemberRole::Admin);
    let el: &Element = root.as_ref();
    let names: Vec<String> = all(el, "button").iter().map(text).collect();
    assert_eq!(names, vec!["履歴"]);
    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
async fn the_receipts_dialog_is_modal_and_gives_focus_back() {
    let p = post(author(2, "佐藤 健一"), "確認お願いします。");
    let (root, handle) = mount(p, MemberRole::Member);
    let el: &Element = root.as_ref();
    let opener = button(el, "既読 0").expect("既読 0");
    opener.focus().unwrap();
    opener.click();
    wait_for("the dialog", || {
        el.query_selector("dialog[open]").unwrap().is_some()
    })
    .await;
    let dialog = el.query_selector("dialog").unwrap().unwrap();
    let title_id = dialog.get_attribute("aria-labelledby").unwrap();
    assert_eq!(
        document()
            .get_element_by_id(&title_id)
            .map(|t| text(&t))
            .as_deref(),
        Some("既読と確認")
    );
    assert!(dialog.matches(":modal").unwrap(), "opened with showModal()");
    // The server never answers: the failure is shown translated inside the dialog.
    wait_for("the error", || {
        text(&dialog).contains("サーバーに接続できません")
    })
    .await;

    button(&dialog, "閉じる").unwrap().click();
    wait_for("the dialog to go", || {
        el.query_selector("dialog").unwrap().is_none()
    })
    .await;
    let active: Option<Element> = document().active_element();
    assert_eq!(
        active.as_ref(),
        Some(opener.as_ref() as &Element),
        "focus back on 既読"
    );

    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
fn search_hits_mark_every_occurrence_in_any_ascii_case() {
    let root = test_root();
    let handle = leptos::mount::mount_to(root.clone(), || {
        view! { <p><MarkedText text="SpO2 96%。<i>spo2</i> 再検".to_owned() query="SPO2".to_owned()/></p> }
    });
    let el: &Element = root.as_ref();
    let marks: Vec<String> = all(el, "mark").iter().map(text).collect();
    assert_eq!(marks, vec!["SpO2", "spo2"]);
    assert!(all(el, "i").is_empty(), "text is never parsed");
    assert_eq!(text(el), "SpO2 96%。<i>spo2</i> 再検");
    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
fn a_long_hit_shows_a_window_around_the_match_with_ellipses() {
    let body = format!(
        "{}ｶﾛﾅｰﾙ 200mg 頓用に変更。{}",
        "経過良好。".repeat(60),
        "次回訪問時に確認。".repeat(40)
    );
    let root = test_root();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <p><MarkedText text=body.clone() query="かろなーる".to_owned()/></p> }
    });
    let el: &Element = root.as_ref();
    let marks: Vec<String> = all(el, "mark").iter().map(text).collect();
    assert_eq!(
        marks,
        vec!["ｶﾛﾅｰﾙ"],
        "found through the fold, marked as written"
    );
    let shown = text(el);
    assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
    assert_eq!(shown.chars().count(), 200 + 2, "{shown}");
    drop(handle);
    root.remove();
}
