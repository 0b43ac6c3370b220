//! Browser tests of attachments in a post and the full-screen viewer (headless Chromium through
//! wasm-bindgen-test-runner):
//! `cargo test --target wasm32-unknown-unknown -p tsunagu-web --test media_viewer_web`
#![cfg(target_arch = "wasm32")]

use chrono::Utc;
use leptos::prelude::*;
use tsunagu_api::{Attachment, MediaKind, MemberRole, Post};
use tsunagu_web::components::timeline::post_tile::PostTile;
use tsunagu_web::post_view::GroupViewer;
use tsunagu_web::Providers;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{all, button, test_root, text, wait_for};

const ME: u128 = 0x0192f0c4_0000_7000_8000_000000000001;
const GROUP: u128 = 0x0192f0c4_0000_7000_8000_0000000000aa;

fn sign_in() {
    dom::sign_in_nurse(ME);
}

fn file(n: u128, kind: MediaKind, name: &str, size: u64, px: Option<(u32, u32)>) -> Attachment {
    Attachment {
        id: Uuid::from_u128(n),
        kind,
        content_type: match kind {
            MediaKind::Image => "image/jpeg",
            MediaKind::Video => "video/mp4",
            MediaKind::Audio => "audio/mpeg",
            MediaKind::Document => "application/pdf",
        }
        .into(),
        name: name.into(),
        size,
        width: px.map(|p| p.0),
        height: px.map(|p| p.1),
        thumbnail: matches!(kind, MediaKind::Image | MediaKind::Video),
    }
}

fn post(attachments: Vec<Attachment>) -> Post {
    let mut by = dom::physician(2, "佐藤 健一");
    by.facility_name = None;
    Post {
        attachments,
        ..dom::care_post(GROUP, by, "創部の写真です")
    }
}

fn mount(post: Post) -> (HtmlElement, impl Drop) {
    sign_in();
    let root = test_root();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Providers>
                {provide_context(GroupViewer {
                    group_id: Uuid::from_u128(GROUP),
                    role: MemberRole::Member,
                    archived: false,
                })}
                <PostTile post=post.clone()/>
            </Providers>
        }
    });
    (root, handle)
}

fn attr(el: &Element, name: &str) -> String {
    el.get_attribute(name).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_lone_photo_reserves_its_box_and_loads_lazily() {
    let p = post(vec![file(
        1,
        MediaKind::Image,
        "創部.jpg",
        900_000,
        Some((3000, 4000)),
    )]);
    let (root, _handle) = mount(p);
    let el: &Element = root.as_ref();
    let imgs = all(el, "img.attachment__image");
    assert_eq!(imgs.len(), 1);
    let img = &imgs[0];
    assert_eq!(attr(img, "loading"), "lazy");
    // 3000×4000 fitted into 360×270: the height limits.
    assert_eq!(
        (attr(img, "width"), attr(img, "height")),
        ("203".into(), "270".into())
    );
    assert!(attr(img, "src").ends_with(&format!("/api/v1/media/{}/thumbnail", Uuid::from_u128(1))));
    assert_eq!(attr(img, "alt"), "創部.jpg");
    // The box is there before any byte of the file arrived (the server is unreachable).
    let rect = img.get_bounding_client_rect();
    assert_eq!(
        (rect.width().round(), rect.height().round()),
        (203.0, 270.0)
    );
    assert!(button(el, "写真を開く: 創部.jpg").is_some());
}

#[wasm_bindgen_test]
async fn several_photos_make_a_grid_and_other_files_their_players_and_cards() {
    let p = post(vec![
        file(1, MediaKind::Image, "a.jpg", 1, Some((4000, 3000))),
        file(2, MediaKind::Document, "紹介状.pdf", 1_234_567, None),
        file(3, MediaKind::Image, "b.jpg", 1, Some((3000, 4000))),
        file(
            4,
            MediaKind::Video,
            "歩行.mp4",
            5_000_000,
            Some((1920, 1080)),
        ),
        file(5, MediaKind::Audio, "呼吸音.m4a", 300_000, None),
    ]);
    let (root, _handle) = mount(p);
    let el: &Element = root.as_ref();
    let grid = el
        .query_selector(".attachment__grid")
        .unwrap()
        .expect("a grid");
    assert!(attr(&grid, "class").contains("attachment__grid--cols-2"));
    assert_eq!(attr(&grid, "aria-label"), "写真 2枚");
    let cells = all(el, "img.attachment__image");
    assert_eq!(cells.len(), 2);
    for img in &cells {
        // Square cells: the same reserved height for both, whatever their shape.
        let r = img.get_bounding_client_rect();
        assert!(
            (r.width() - r.height()).abs() < 1.0,
            "{} × {}",
            r.width(),
            r.height()
        );
        assert!(r.height() > 50.0);
    }

    let video = el.query_selector("video").unwrap().expect("a video");
    assert_eq!(attr(&video, "preload"), "none");
    assert!(video.has_attribute("controls"));
    assert!(attr(&video, "poster").ends_with("/thumbnail"));
    assert_eq!(
        (attr(&video, "width"), attr(&video, "height")),
        ("360".into(), "203".into())
    );
    assert_eq!(attr(&video, "aria-label"), "動画: 歩行.mp4");

    let audio = el
        .query_selector("audio")
        .unwrap()
        .expect("an audio player");
    assert_eq!(attr(&audio, "preload"), "none");
    assert_eq!(attr(&audio, "aria-label"), "音声: 呼吸音.m4a");

    let card = el
        .query_selector(".attachment__doc")
        .unwrap()
        .expect("a card");
    assert!(text(&card).contains("紹介状.pdf"));
    assert!(text(&card).contains("PDF"));
    assert!(text(&card).contains("1.2 MB"));
    let link = card.query_selector("a").unwrap().unwrap();
    assert_eq!(
        attr(&link, "aria-label"),
        "紹介状.pdf をダウンロード（PDF、1.2 MB）"
    );
    assert_eq!(attr(&link, "download"), "紹介状.pdf");
    assert!(attr(&link, "href").ends_with(&format!("/api/v1/media/{}", Uuid::from_u128(2))));
}

#[wasm_bindgen_test]
async fn a_deleted_post_shows_no_files() {
    let mut p = post(vec![file(1, MediaKind::Image, "a.jpg", 1, Some((10, 10)))]);
    p.deleted_at = Some(Utc::now());
    p.body = String::new();
    let (root, _handle) = mount(p);
    let el: &Element = root.as_ref();
    assert!(text(el).contains("この投稿は削除されました"));
    assert!(all(el, ".attachment").is_empty());
    assert!(all(el, "img").is_empty());
}

/// A `keydown` of `key` on `target`: a plain event with its `key` (what the handler reads), so
/// the test needs no more web-sys features than the app.
fn key(target: &Element, key: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::Event::new_with_event_init_dict("keydown", &init).unwrap();
    js_sys::Reflect::set(&ev, &"key".into(), &key.into()).unwrap();
    target.dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn the_viewer_opens_full_screen_steps_with_the_keys_and_closes() {
    let p = post(vec![
        file(1, MediaKind::Image, "1週目.jpg", 1, Some((4000, 3000))),
        file(2, MediaKind::Image, "2週目.jpg", 1, Some((4000, 3000))),
        file(3, MediaKind::Image, "3週目.jpg", 1, Some((4000, 3000))),
    ]);
    let (root, _handle) = mount(p);
    let el: &Element = root.as_ref();
    // Focused first, as a tap or Enter does (a script's click() moves no focus).
    let opener = button(el, "写真を開く: 2週目.jpg").unwrap();
    opener.focus().unwrap();
    opener.click();
    wait_for("the viewer", || {
        el.query_selector("dialog.media-viewer[open]")
            .unwrap()
            .is_some()
    })
    .await;
    let dialog = el.query_selector("dialog.media-viewer").unwrap().unwrap();
    assert_eq!(attr(&dialog, "aria-label"), "写真 2 / 3");
    assert!(text(&dialog).contains("佐藤 健一"));
    let shown = || {
        attr(
            &dialog
                .query_selector("img.zoomable__image")
                .unwrap()
                .unwrap(),
            "alt",
        )
    };
    assert_eq!(shown(), "2週目.jpg");
    // Focus is inside the modal dialog.
    let active = dom::document().active_element().unwrap();
    assert!(dialog.contains(Some(&active)), "focus left the dialog");

    key(&dialog, "ArrowRight");
    wait_for("the third photo", || shown() == "3週目.jpg").await;
    assert_eq!(attr(&dialog, "aria-label"), "写真 3 / 3");
    // The last photo: "次の写真" is disabled, → does nothing.
    assert!(button(&dialog, "次の写真")
        .unwrap()
        .has_attribute("disabled"));
    key(&dialog, "ArrowRight");
    key(&dialog, "ArrowLeft");
    key(&dialog, "ArrowLeft");
    wait_for("the first photo", || shown() == "1週目.jpg").await;

    // The zoom button steps and says what it does.
    let zoom = button(&dialog, "拡大 100%（押すと 200%）").expect("zoom button");
    zoom.click();
    wait_for("200 %", || {
        button(&dialog, "拡大 200%（押すと 400%）").is_some()
    })
    .await;
    let img: HtmlElement = dialog
        .query_selector("img.zoomable__image")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(img.style().get_property_value("width").unwrap(), "200%");

    let download = dialog.query_selector("a[download]").unwrap().unwrap();
    assert_eq!(attr(&download, "download"), "1週目.jpg");

    button(&dialog, "閉じる").unwrap().click();
    wait_for("the viewer to go", || {
        el.query_selector("dialog.media-viewer").unwrap().is_none()
    })
    .await;
    // Focus went back to the photo that opened it.
    let active = dom::document().active_element().unwrap();
    assert_eq!(attr(&active, "aria-label"), "写真を開く: 2週目.jpg");
}

/// The nurse's composer has no attaching code: 「添付」 is a link to the media build's sending
/// page of the same timeline, and it counts the files already waiting with the draft, so the
/// text is not sent alone by someone who believes the photos went with it.
#[wasm_bindgen_test]
async fn the_attach_link_leads_to_the_sending_page_and_counts_the_draft_files() {
    use tsunagu_api::Timeline;
    use tsunagu_web::components::composer::attach_link::AttachLink;
    use tsunagu_web::drafts::DraftKey;
    use tsunagu_web::media::{store, FileUpload, PendingAttachment};

    sign_in();
    let me = Uuid::from_u128(ME);
    let group = Uuid::from_u128(GROUP);
    let key = DraftKey::new(me, group, Some(Timeline::Family));
    store::save_draft(&key, &[]).await.unwrap();
    let root = test_root();
    let (changed, set_changed) = signal(0_u32);
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Providers>
                <AttachLink group_id=group timeline=Some(Timeline::Family) key changed/>
            </Providers>
        }
    });
    let el: &Element = root.as_ref();
    let link = || el.query_selector("a.attach__link").unwrap().unwrap();
    wait_for("the link", || text(&link()).starts_with("添付")).await;
    assert_eq!(
        link().get_attribute("href"),
        Some(format!("/media/groups/{group}/send?timeline=family"))
    );
    // Another build: the router must leave the click to the browser.
    assert_eq!(link().get_attribute("rel").as_deref(), Some("external"));
    assert!(!text(&link()).contains('件'), "{}", text(&link()));

    let waiting = PendingAttachment {
        file: FileUpload::new(
            Uuid::now_v7(),
            "wound.jpg".into(),
            "image/jpeg".into(),
            1000,
        ),
        poster: None,
        picked_size: 4000,
    };
    store::add_to_draft(&key, vec![waiting.clone(), waiting])
        .await
        .unwrap();
    set_changed.set(1);
    wait_for("the count", || text(&link()).starts_with("添付 1件")).await;

    store::save_draft(&key, &[]).await.unwrap();
    drop(handle);
    root.remove();
}
