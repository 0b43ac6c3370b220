//! Browser tests of the SPA (headless Chromium through wasm-bindgen-test-runner):
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p tsunagu-web --test web`
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use leptos_router::components::Router;
use tsunagu_api::{ErrorCode, Group, JoinInfo, Me, Meta, Post};
use tsunagu_web::api::{self, ApiError, Client};
use tsunagu_web::components::app_header::AppHeader;
use tsunagu_web::components::composer::ComposerPanel;
use tsunagu_web::components::group_list::filtered_groups::FilteredGroups;
use tsunagu_web::components::qr_code::QrCode;
use tsunagu_web::i18n::{self, Locale};
use tsunagu_web::pages::join_page::JoinForm;
use tsunagu_web::pages::login_page::LoginPage;
use tsunagu_web::{session, Providers};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{all, button, document, labelled, sleep, storage, test_root, text, type_into, wait_for};

/// A port nothing listens on: requests to it fail without a response.
const DEAD_BASE: &str = "http://127.0.0.1:9";

/// Clears this page's `localStorage` and `sessionStorage` (the tests share one page, and the
/// session keeps who logged out and why a session ended in `sessionStorage`).
fn reset_storage() {
    storage().clear().unwrap();
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
}

fn html_lang() -> String {
    document()
        .document_element()
        .unwrap()
        .get_attribute("lang")
        .unwrap_or_default()
}

fn alert_text(root: &Element) -> Option<String> {
    root.query_selector("[role=alert]")
        .unwrap()
        .map(|e| text(&e))
}

fn problem_response(status: u16, content_type: &str, body: &str) -> gloo_net::http::Response {
    let headers = web_sys::Headers::new().unwrap();
    headers.set("Content-Type", content_type).unwrap();
    let init = web_sys::ResponseInit::new();
    init.set_status(status);
    init.set_headers(&headers);
    web_sys::Response::new_with_opt_str_and_init(Some(body), &init)
        .unwrap()
        .into()
}

#[wasm_bindgen_test]
fn locale_is_remembered_and_restored_by_a_fresh_context() {
    reset_storage();
    Owner::new().with(|| {
        let i18n = i18n::provide_i18n();
        assert_eq!(i18n.locale(), Locale::Ja, "Japanese by default");
        assert_eq!(html_lang(), "ja");
        i18n.set_locale(Locale::En);
        assert_eq!(
            storage().get_item(i18n::LOCALE_KEY).unwrap().as_deref(),
            Some("en")
        );
        assert_eq!(html_lang(), "en");
    });
    Owner::new().with(|| {
        let i18n = i18n::provide_i18n();
        assert_eq!(i18n.locale(), Locale::En, "restored after a reload");
        assert_eq!(html_lang(), "en");
        i18n.toggle();
        assert_eq!(i18n.locale(), Locale::Ja);
    });
    assert_eq!(
        storage().get_item(i18n::LOCALE_KEY).unwrap().as_deref(),
        Some("ja")
    );
    reset_storage();
}

#[wasm_bindgen_test]
fn api_base_setting_is_persisted() {
    reset_storage();
    assert_eq!(api::api_base(), "", "same origin by default");
    api::set_api_base(" https://tsunagu.example.jp/ ");
    assert_eq!(
        storage().get_item(api::API_BASE_KEY).unwrap().as_deref(),
        Some("https://tsunagu.example.jp")
    );
    assert_eq!(api::api_base(), "https://tsunagu.example.jp");
    assert_eq!(
        Client::new(api::api_base(), None).url("/meta"),
        "https://tsunagu.example.jp/api/v1/meta"
    );
    api::set_api_base("  ");
    assert_eq!(storage().get_item(api::API_BASE_KEY).unwrap(), None);
    assert_eq!(api::api_base(), "");
}

#[wasm_bindgen_test]
async fn problem_json_responses_decode_to_their_code() {
    let expired = problem_response(
        401,
        tsunagu_api::PROBLEM_JSON,
        r#"{"type":"about:blank","title":"Unauthorized","status":401,"code":"session_expired"}"#,
    );
    let err = api::decode::<Me>(expired).await.unwrap_err();
    assert_eq!(
        err,
        ApiError::Problem {
            status: 401,
            code: ErrorCode::SessionExpired
        }
    );
    assert!(err.is_auth_lost());

    let too_long = problem_response(
        422,
        tsunagu_api::PROBLEM_JSON,
        r#"{"type":"about:blank","title":"Unprocessable","status":422,"code":"post_too_long","errors":[{"field":"body","code":"post_too_long"}]}"#,
    );
    let err = api::decode::<Post>(too_long).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::PostTooLong));
    assert!(!err.is_auth_lost());

    let newer = problem_response(
        409,
        tsunagu_api::PROBLEM_JSON,
        r#"{"type":"about:blank","title":"x","status":409,"code":"some_future_code"}"#,
    );
    assert_eq!(
        api::decode::<Post>(newer).await.unwrap_err().code(),
        Some(ErrorCode::Unknown)
    );

    let proxy = problem_response(502, "text/html", "<html><body>Bad Gateway</body></html>");
    assert_eq!(
        api::decode::<Post>(proxy).await.unwrap_err(),
        ApiError::Problem {
            status: 502,
            code: ErrorCode::InternalError
        }
    );

    let ok = problem_response(
        200,
        "application/json",
        r#"{"name":"tsunagu-server","version":"0.1.0","api_version":"v1","capabilities":[],"limits":{"max_post_chars":10000,"max_page_limit":100,"session_idle_timeout_seconds":1800}}"#,
    );
    let meta: Meta = api::decode(ok).await.unwrap();
    assert_eq!(meta.limits.max_post_chars, 10_000);
}

#[wasm_bindgen_test]
async fn no_response_is_a_network_error() {
    let err = Client::new(DEAD_BASE, None).meta().await.unwrap_err();
    assert_eq!(err, ApiError::Network);
    assert_eq!(err.code(), None);
}

#[wasm_bindgen_test]
async fn login_page_has_accessible_controls_in_both_languages() {
    reset_storage();
    let root = test_root();
    let handle = leptos::mount::mount_to(root.clone(), || {
        view! {
            <Providers>
                <Router>
                    <AppHeader/>
                    <LoginPage/>
                </Router>
            </Providers>
        }
    });
    let el: &Element = root.as_ref();

    let id = labelled(el, "ログインID").expect("textbox ログインID");
    assert_eq!(id.get_attribute("type").as_deref(), Some("text"));
    let pw = labelled(el, "パスワード").expect("textbox パスワード");
    assert_eq!(pw.get_attribute("type").as_deref(), Some("password"));
    let submit = button(el, "ログイン").expect("button ログイン");
    assert_eq!(submit.get_attribute("type").as_deref(), Some("submit"));
    assert!(
        labelled(el, "サーバーのURL").is_some(),
        "server URL input is labelled"
    );
    assert!(
        button(el, "ログアウト").is_none(),
        "no logout without a session"
    );
    assert_eq!(html_lang(), "ja");

    button(el, "English").expect("language switch").click();
    wait_for("English labels", || labelled(el, "Login ID").is_some()).await;
    assert!(labelled(el, "Password").is_some());
    assert!(button(el, "Log in").is_some());
    assert!(
        button(el, "日本語").is_some(),
        "switch back offers Japanese"
    );
    assert_eq!(html_lang(), "en");
    assert_eq!(
        storage().get_item(i18n::LOCALE_KEY).unwrap().as_deref(),
        Some("en")
    );

    button(el, "日本語").unwrap().click();
    wait_for("Japanese labels", || labelled(el, "ログインID").is_some()).await;
    assert_eq!(html_lang(), "ja");

    drop(handle);
    root.remove();
    reset_storage();
}

#[wasm_bindgen_test]
async fn failed_login_shows_a_translated_alert_and_keeps_the_login_id() {
    reset_storage();
    api::set_api_base(DEAD_BASE);
    let root = test_root();
    let handle = leptos::mount::mount_to(root.clone(), || {
        view! {
            <Providers>
                <Router>
                    <LoginPage/>
                </Router>
            </Providers>
        }
    });
    let el: &Element = root.as_ref();

    let id = labelled(el, "ログインID").unwrap();
    let pw = labelled(el, "パスワード").unwrap();
    type_into(&id, "nurse.sato");
    type_into(&pw, "wrong password");
    assert_eq!(alert_text(el), None);
    button(el, "ログイン").unwrap().click();

    wait_for("the alert", || alert_text(el).is_some()).await;
    assert_eq!(
        alert_text(el).unwrap(),
        "サーバーに接続できません。通信状況を確認してください。"
    );
    let id: HtmlInputElement = labelled(el, "ログインID").unwrap().unchecked_into();
    assert_eq!(id.value(), "nurse.sato", "login ID kept");
    let submit: web_sys::HtmlButtonElement = button(el, "ログイン").unwrap().unchecked_into();
    assert!(!submit.disabled(), "button enabled again");

    drop(handle);
    root.remove();
    reset_storage();
}

#[wasm_bindgen_test]
async fn composer_validates_before_sending_and_keeps_the_text() {
    reset_storage();
    let root = test_root();
    let sent = RwSignal::new(0u32);
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Providers>
                <ComposerPanel
                    group_id=Uuid::now_v7()
                    on_sent=Callback::new(move |_: Post| sent.update(|n| *n += 1))
                />
            </Providers>
        }
    });
    let el: &Element = root.as_ref();

    let area = labelled(el, "メッセージ").expect("textarea メッセージ");
    assert_eq!(area.tag_name().to_lowercase(), "textarea");
    assert!(text(el).contains("0 / 10,000"));

    type_into(&area, "  \n ");
    wait_for("counter", || text(el).contains("4 / 10,000")).await;
    button(el, "送信").expect("button 送信").click();
    wait_for("the alert", || alert_text(el).is_some()).await;
    assert_eq!(alert_text(el).unwrap(), "投稿内容を入力してください。");
    let area: HtmlTextAreaElement = labelled(el, "メッセージ").unwrap().unchecked_into();
    assert_eq!(area.value(), "  \n ", "text kept");

    let long = "褥".repeat(tsunagu_api::MAX_POST_CHARS + 1);
    type_into(&area, &long);
    button(el, "送信").unwrap().click();
    wait_for("the too-long alert", || {
        alert_text(el).as_deref() == Some("投稿は10,000文字以内で入力してください。")
    })
    .await;
    assert_eq!(
        area.value().chars().count(),
        tsunagu_api::MAX_POST_CHARS + 1
    );
    assert!(text(el).contains("10,001 / 10,000"));
    assert_eq!(sent.get_untracked(), 0, "nothing was sent");

    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
fn a_stored_session_survives_a_reload_and_is_dropped_on_auth_loss() {
    reset_storage();
    let stored = r#"{"token":"tok-123","expires_at":"2026-11-24T12:00:00.000Z","idle_timeout_seconds":1800,"user":{"id":"0192f0c4-0000-7000-8000-000000000001","login_id":"nurse.sato","display_name":"佐藤 花子","display_name_kana":"さとう はなこ","profession":"nurse","facility":null}}"#;
    storage().set_item(session::SESSION_KEY, stored).unwrap();
    Owner::new().with(|| {
        let s = session::provide_session();
        assert!(s.is_logged_in());
        assert_eq!(s.token().as_deref(), Some("tok-123"));
        assert_eq!(s.me().unwrap().display_name, "佐藤 花子");
        s.drop_session(Some(ErrorCode::SessionExpired));
        assert!(!s.is_logged_in());
        assert_eq!(s.notice(), Some(ErrorCode::SessionExpired));
    });
    assert_eq!(storage().get_item(session::SESSION_KEY).unwrap(), None);
    reset_storage();
}

fn demo_group(n: u128, kind: tsunagu_api::GroupKind, name: &str, kana: Option<&str>) -> Group {
    Group {
        id: Uuid::from_u128(n),
        kind,
        name: name.into(),
        name_kana: kana.map(str::to_owned),
        my_role: tsunagu_api::MemberRole::Member,
        member_count: 3,
        created_at: chrono::Utc::now(),
        last_post_at: None,
        archived: false,
        muted: false,
        timelines: vec![tsunagu_api::Timeline::Care],
        unread_count: n as u32,
        mention_count: 0,
        last_post: None,
        patient: None,
        physician_rule: None,
        peer: None,
    }
}

#[wasm_bindgen_test]
async fn the_home_filter_narrows_the_mounted_list() {
    reset_storage();
    let root = test_root();
    use tsunagu_api::GroupKind as K;
    let groups = vec![
        demo_group(1, K::Patient, "山田 花子 様", Some("やまだ はなこ")),
        demo_group(2, K::Patient, "中村 一郎 様", Some("なかむら いちろう")),
        demo_group(3, K::Workplace, "あおば訪問看護ステーション 連絡", None),
    ];
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let filter = RwSignal::new(String::new());
        view! {
            <Providers>
                <Router>
                    <FilteredGroups groups=groups.clone() filter/>
                </Router>
            </Providers>
        }
    });
    let el: &Element = root.as_ref();
    let links = |el: &Element| all(el, "a").iter().map(text).collect::<Vec<_>>();
    wait_for("three links", || links(el).len() == 3).await;
    let headings: Vec<String> = all(el, "h3").iter().map(text).collect();
    assert_eq!(headings, ["患者グループ", "職場グループ"]);
    assert!(text(el).contains("未読 2件"), "unread badge is read out");

    let input = labelled(el, "グループを絞り込み").expect("filter textbox");
    type_into(&input, "ヤマダ");
    wait_for("one link", || links(el).len() == 1).await;
    assert_eq!(links(el), ["山田 花子 様"]);
    type_into(&input, "該当なし");
    wait_for("no match", || links(el).is_empty()).await;
    assert!(text(el).contains("該当するグループはありません。"));

    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
async fn the_join_form_refuses_a_weak_password_before_sending() {
    reset_storage();
    api::set_api_base(DEAD_BASE);
    let root = test_root();
    let info = JoinInfo {
        kind: tsunagu_api::InvitationKind::Family,
        group_name: "山田 花子 様".into(),
        invited_by: tsunagu_api::Author {
            id: Uuid::now_v7(),
            display_name: "鈴木 由美".into(),
            profession: tsunagu_api::Profession::CareManager,
            facility_name: None,
        },
        expires_at: chrono::Utc::now(),
    };
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Providers>
                <Router>
                    <JoinForm info=info.clone() token="tok".to_owned()/>
                </Router>
            </Providers>
        }
    });
    let el: &Element = root.as_ref();
    assert!(text(el).contains("山田 花子 様に招待されています"));
    type_into(&labelled(el, "表示名").unwrap(), "山田 太郎");
    type_into(&labelled(el, "ログインID").unwrap(), "yamada.taro");
    type_into(&labelled(el, "パスワード").unwrap(), "short-1A");
    type_into(&labelled(el, "パスワード（確認）").unwrap(), "short-1A");
    button(el, "参加する").expect("button 参加する").click();
    wait_for("the alert", || alert_text(el).is_some()).await;
    assert_eq!(
        alert_text(el).unwrap(),
        "パスワードは13文字以上で、英字・数字・記号をすべて含めてください。"
    );
    sleep(100).await;
    assert_eq!(
        alert_text(el).unwrap(),
        "パスワードは13文字以上で、英字・数字・記号をすべて含めてください。",
        "nothing was sent (a send to the dead server would say network error)"
    );
    let login: HtmlInputElement = labelled(el, "ログインID").unwrap().unchecked_into();
    assert_eq!(login.value(), "yamada.taro", "fields kept");
    let name: HtmlInputElement = labelled(el, "表示名").unwrap().unchecked_into();
    assert_eq!(name.value(), "山田 太郎");

    drop(handle);
    root.remove();
    reset_storage();
}

#[wasm_bindgen_test]
async fn the_qr_code_is_an_svg_with_its_accessible_name() {
    reset_storage();
    let root = test_root();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Providers>
                <QrCode text=Signal::derive(|| "https://example.org/join/abc".to_owned())/>
            </Providers>
        }
    });
    let el: &Element = root.as_ref();
    let svg = el.query_selector("svg").unwrap().expect("an svg");
    assert_eq!(svg.get_attribute("role").as_deref(), Some("img"));
    assert_eq!(
        svg.get_attribute("aria-label").as_deref(),
        Some("招待リンクのQRコード")
    );
    assert!(!all(el, "svg rect, svg path").is_empty());
    drop(handle);
    root.remove();
}

// --- Composer drafts in IndexedDB -----------------------------------------------------------

use tsunagu_api::Timeline;
use tsunagu_web::drafts::store::DraftStore;
use tsunagu_web::drafts::{op_for, Draft, DraftKey, MAX_AGE_MS};

/// A database of its own per test, deleted first so reruns start empty.
async fn fresh_draft_db(name: &str) -> DraftStore {
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let req = factory.delete_database(name).unwrap();
    let done = js_sys::Promise::new(&mut |resolve, _| {
        req.set_onsuccess(Some(&resolve));
    });
    JsFuture::from(done).await.unwrap();
    DraftStore::open_named(name)
        .await
        .expect("open the draft store")
}

/// The user of a composer mounted without a session (drafts are keyed by user).
const NOBODY: Uuid = Uuid::nil();

fn draft_at(key: DraftKey, body: &str, at: i64) -> Draft {
    Draft {
        key,
        body: body.to_owned(),
        updated_at_ms: at,
        reply: None,
    }
}

#[wasm_bindgen_test]
async fn a_saved_draft_is_read_back_through_a_fresh_connection_and_deleted() {
    let name = "tsunagu-test-roundtrip";
    let db = fresh_draft_db(name).await;
    let key = DraftKey::new(NOBODY, Uuid::from_u128(1), Some(Timeline::Care));
    let d = draft_at(key, "明日の訪問は10時です。", 1_000);
    db.save(&d).await.unwrap();
    db.close();

    let again = DraftStore::open_named(name).await.unwrap();
    assert_eq!(
        again.load(&key).await.unwrap(),
        Some(d),
        "committed, not rolled back"
    );
    again.delete(&key).await.unwrap();
    assert_eq!(again.load(&key).await.unwrap(), None);
    again.close();
    let third = DraftStore::open_named(name).await.unwrap();
    assert_eq!(
        third.load(&key).await.unwrap(),
        None,
        "the delete was committed"
    );
    third.close();
}

#[wasm_bindgen_test]
async fn an_empty_text_deletes_the_draft() {
    let db = fresh_draft_db("tsunagu-test-empty").await;
    let key = DraftKey::new(NOBODY, Uuid::from_u128(2), None);
    db.apply(&op_for(key, "下書き", None, 1)).await.unwrap();
    assert!(db.load(&key).await.unwrap().is_some());
    db.apply(&op_for(key, "  \n ", None, 2)).await.unwrap();
    assert_eq!(db.load(&key).await.unwrap(), None);
    assert!(db.all().await.unwrap().is_empty(), "no empty draft is kept");
    db.close();
}

#[wasm_bindgen_test]
async fn the_care_and_family_drafts_of_one_group_do_not_collide() {
    let db = fresh_draft_db("tsunagu-test-timelines").await;
    let gid = Uuid::from_u128(3);
    let care = DraftKey::new(NOBODY, gid, Some(Timeline::Care));
    let family = DraftKey::new(NOBODY, gid, Some(Timeline::Family));
    db.save(&draft_at(care, "専門職向け", 1)).await.unwrap();
    db.save(&draft_at(family, "ご家族向け", 2)).await.unwrap();
    assert_eq!(db.load(&care).await.unwrap().unwrap().body, "専門職向け");
    assert_eq!(db.load(&family).await.unwrap().unwrap().body, "ご家族向け");
    db.delete(&care).await.unwrap();
    assert_eq!(db.load(&family).await.unwrap().unwrap().body, "ご家族向け");
    db.close();
}

#[wasm_bindgen_test]
async fn pruning_removes_old_drafts_and_drafts_of_groups_left() {
    let db = fresh_draft_db("tsunagu-test-prune").await;
    let now = 100 * MAX_AGE_MS;
    let mine = DraftKey::new(NOBODY, Uuid::from_u128(4), None);
    let old = DraftKey::new(NOBODY, Uuid::from_u128(4), Some(Timeline::Family));
    let left = DraftKey::new(NOBODY, Uuid::from_u128(5), None);
    db.save(&draft_at(mine, "keep", now - 1_000)).await.unwrap();
    db.save(&draft_at(old, "old", now - MAX_AGE_MS - 1))
        .await
        .unwrap();
    db.save(&draft_at(left, "left", now)).await.unwrap();

    let removed = db
        .prune(NOBODY, Some(&[Uuid::from_u128(4)]), now)
        .await
        .unwrap();
    assert_eq!(removed, 2);
    let keys: Vec<DraftKey> = db.all().await.unwrap().into_iter().map(|d| d.key).collect();
    assert_eq!(keys, vec![mine]);
    db.close();
}

/// Mounts a composer; dropping the returned handle unmounts it.
fn mount_composer(root: &HtmlElement, group_id: Uuid, timeline: Timeline) -> impl Sized {
    leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Providers>
                <ComposerPanel group_id on_sent=Callback::new(|_: Post| ()) timeline/>
            </Providers>
        }
    })
}

#[wasm_bindgen_test]
async fn the_composer_saves_its_draft_debounced_and_restores_it_on_mount() {
    reset_storage();
    api::set_api_base(DEAD_BASE);
    let gid = Uuid::now_v7();
    let key = DraftKey::new(NOBODY, gid, Some(Timeline::Family));
    let root = test_root();
    let handle = mount_composer(&root, gid, Timeline::Family);
    let el: &Element = root.as_ref();
    type_into(
        &labelled(el, "メッセージ").unwrap(),
        "週末の付き添いについて",
    );
    sleep(800).await;
    let db = DraftStore::open().await.unwrap();
    assert_eq!(
        db.load(&key).await.unwrap().map(|d| d.body).as_deref(),
        Some("週末の付き添いについて"),
        "saved after the debounce"
    );

    // Typed and unmounted at once: the unmount saves without waiting for the debounce.
    type_into(
        &labelled(el, "メッセージ").unwrap(),
        "週末の付き添いについて、土曜",
    );
    drop(handle);
    root.remove();
    sleep(200).await;

    let root = test_root();
    let handle = mount_composer(&root, gid, Timeline::Family);
    let el: &Element = root.as_ref();
    wait_for("the restored draft", || {
        labelled(el, "メッセージ")
            .and_then(|a| a.dyn_into::<HtmlTextAreaElement>().ok())
            .is_some_and(|a| a.value() == "週末の付き添いについて、土曜")
    })
    .await;
    drop(handle);
    root.remove();

    // The other timeline of the group starts empty.
    let root = test_root();
    let handle = mount_composer(&root, gid, Timeline::Care);
    sleep(300).await;
    let area: HtmlTextAreaElement = labelled(root.as_ref(), "メッセージ")
        .unwrap()
        .unchecked_into();
    assert_eq!(area.value(), "");
    drop(handle);
    root.remove();

    db.delete(&key).await.unwrap();
    db.close();
    reset_storage();
}

#[wasm_bindgen_test]
async fn every_keystroke_is_copied_to_session_storage_at_once() {
    reset_storage();
    api::set_api_base(DEAD_BASE);
    let gid = Uuid::now_v7();
    let key = DraftKey::new(NOBODY, gid, Some(Timeline::Care));
    let session_store = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    let copy_key = tsunagu_web::drafts::session_key(&key);
    let root = test_root();
    let handle = mount_composer(&root, gid, Timeline::Care);
    let el: &Element = root.as_ref();
    type_into(&labelled(el, "メッセージ").unwrap(), "体温37.2℃");
    // No wait: the copy is written by the input event itself, before any debounce.
    let copy = session_store
        .get_item(&copy_key)
        .unwrap()
        .and_then(|json| Draft::from_json(&json))
        .expect("a session copy right after typing");
    assert_eq!(copy.body, "体温37.2℃");
    assert_eq!(copy.key, key);
    drop(handle);
    root.remove();

    // A copy newer than IndexedDB (the write never finished) is what the next composer shows,
    // and it is written to IndexedDB.
    let db = DraftStore::open().await.unwrap();
    db.save(&draft_at(key, "古い下書き", 1)).await.unwrap();
    let newer = draft_at(key, "新しい入力", js_sys::Date::now() as i64 + 60_000);
    session_store.set_item(&copy_key, &newer.to_json()).unwrap();
    let root = test_root();
    let handle = mount_composer(&root, gid, Timeline::Care);
    let el: &Element = root.as_ref();
    wait_for("the newer session copy", || {
        labelled(el, "メッセージ")
            .and_then(|a| a.dyn_into::<HtmlTextAreaElement>().ok())
            .is_some_and(|a| a.value() == "新しい入力")
    })
    .await;
    assert_eq!(
        db.load(&key).await.unwrap().map(|d| d.body).as_deref(),
        Some("新しい入力")
    );
    drop(handle);
    root.remove();
    db.delete(&key).await.unwrap();
    db.close();
    session_store.remove_item(&copy_key).unwrap();
    reset_storage();
}

#[wasm_bindgen_test]
async fn a_reply_being_written_comes_back_as_a_reply_after_a_reload() {
    reset_storage();
    api::set_api_base(DEAD_BASE);
    let gid = Uuid::now_v7();
    let quoted = tsunagu_web::outbox::ReplyQuote {
        id: Uuid::now_v7(),
        author_name: "佐藤 健一".into(),
        excerpt: "明日の訪問時に血圧を測ってください".into(),
    };
    let reply_key = DraftKey {
        reply_to: Some(quoted.id),
        ..DraftKey::new(NOBODY, gid, Some(Timeline::Care))
    };
    let db = DraftStore::open().await.unwrap();
    // An older draft of a new post, and the reply typed last (as the closed tab left them).
    db.save(&draft_at(
        DraftKey::new(NOBODY, gid, Some(Timeline::Care)),
        "別件の下書き",
        1_000,
    ))
    .await
    .unwrap();
    let mut reply = draft_at(reply_key, "承知しました。測定します。", 2_000);
    reply.reply = Some(quoted.clone());
    db.save(&reply).await.unwrap();

    let root = test_root();
    let handle = mount_composer(&root, gid, Timeline::Care);
    let el: &Element = root.as_ref();
    let area =
        || -> HtmlTextAreaElement { labelled(el, "メッセージ").unwrap().unchecked_into() };
    wait_for("the reply's text", || {
        area().value() == "承知しました。測定します。"
    })
    .await;
    wait_for("the quoted post above the editor", || {
        text(el).contains("佐藤 健一") && text(el).contains("明日の訪問時に血圧を測って")
    })
    .await;
    assert!(button(el, "返信をやめる").is_some());

    // Typing goes on under the reply's key, quote and all; the other draft is untouched.
    type_into(&area().into(), "承知しました。明朝測定します。");
    sleep(800).await;
    let stored = db.load(&reply_key).await.unwrap().unwrap();
    assert_eq!(stored.body, "承知しました。明朝測定します。");
    assert_eq!(stored.reply, Some(quoted));
    assert_eq!(
        db.load(&DraftKey::new(NOBODY, gid, Some(Timeline::Care)))
            .await
            .unwrap()
            .map(|d| d.body)
            .as_deref(),
        Some("別件の下書き")
    );
    drop(handle);
    root.remove();
    db.delete_all(&[reply_key, DraftKey::new(NOBODY, gid, Some(Timeline::Care))])
        .await
        .unwrap();
    db.close();
    reset_storage();
}

// --- The outbox: its IndexedDB store, the schema upgrade, and the composer sending through it --

use indexed_db_futures::database::Database as IdbDatabase;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use tsunagu_api::{Author, Importance, Member, MemberList, MemberRole, Mention, Profession};
use tsunagu_web::components::composer::reply_target::{provide_reply_target, ReplyTarget};
use tsunagu_web::outbox::store::OutboxStore;
use tsunagu_web::outbox::{ItemState, NewItem, OutboxItem, ReplyQuote};

async fn delete_db(name: &str) {
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let req = factory.delete_database(name).unwrap();
    let done = js_sys::Promise::new(&mut |resolve, _| {
        req.set_onsuccess(Some(&resolve));
    });
    JsFuture::from(done).await.unwrap();
}

fn outbox_item(n: u128, body: &str) -> OutboxItem {
    OutboxItem::new(
        NewItem {
            author_id: Uuid::from_u128(0xA),
            group_id: Uuid::from_u128(0xB),
            timeline: Some(Timeline::Care),
            body: body.to_owned(),
            importance: Importance::Urgent,
            reply_to: Some(ReplyQuote {
                id: Uuid::from_u128(0xC),
                author_name: "佐藤 健一".into(),
                excerpt: "処方を変更しました".into(),
            }),
            mentions: vec![Mention {
                user_id: Uuid::from_u128(0xD),
                display_name: "佐藤 健一".into(),
            }],
            attachments: vec![],
        },
        Uuid::from_u128(n),
        1_000 + n as i64,
    )
}

#[wasm_bindgen_test]
async fn outbox_items_and_their_states_survive_a_fresh_database_handle() {
    let name = "tsunagu-test-outbox";
    delete_db(name).await;
    let db = OutboxStore::open_named(name).await.unwrap();
    let queued = outbox_item(1, "体温36.6℃。");
    let mut sending = outbox_item(2, "送信中に閉じた");
    sending.state = ItemState::Sending { since_ms: 5_000 };
    let mut rejected = outbox_item(3, "断られた投稿");
    rejected.attempts = 4;
    rejected.next_attempt_at_ms = 99_000;
    rejected.state = ItemState::Rejected {
        code: ErrorCode::GroupArchived,
        status: 409,
    };
    for item in [&queued, &sending, &rejected] {
        db.put(item).await.unwrap();
    }
    db.close();

    let again = OutboxStore::open_named(name).await.unwrap();
    let all = again.all().await.unwrap();
    assert_eq!(all, vec![queued.clone(), sending.clone(), rejected.clone()]);
    assert_eq!(
        again.get(rejected.key).await.unwrap(),
        Some(rejected.clone())
    );
    assert_eq!(
        again.all_of(Uuid::from_u128(0xE)).await.unwrap(),
        vec![],
        "another user's items are not theirs"
    );
    again.delete(queued.key).await.unwrap();
    again.close();

    let third = OutboxStore::open_named(name).await.unwrap();
    assert_eq!(
        third.get(queued.key).await.unwrap(),
        None,
        "the delete was committed"
    );
    assert_eq!(third.all().await.unwrap().len(), 2);
    third.close();
}

#[wasm_bindgen_test]
async fn the_upgrade_drops_drafts_without_an_owner_and_keeps_the_outbox() {
    let name = "tsunagu-test-upgrade";
    delete_db(name).await;
    // The schema of version 2, as the previous release created it: `drafts` keyed without a
    // user (whoever logged in next would have got them), and the outbox.
    let unowned_key = format!("{}/family", Uuid::from_u128(7));
    let unowned =
        format!(r#"{{"key":"{unowned_key}","body":"前の人の下書き","updated_at_ms":1234}}"#);
    let item = outbox_item(1, "アップグレード前の投稿");
    let v2 = IdbDatabase::open(name)
        .with_version(2u32)
        .with_on_upgrade_needed(|_, db| {
            db.create_object_store("drafts").build()?;
            db.create_object_store("outbox").build()?;
            Ok(())
        })
        .await
        .unwrap();
    let tx = v2
        .transaction(["drafts", "outbox"])
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    tx.object_store("drafts")
        .unwrap()
        .put(unowned)
        .with_key(unowned_key)
        .primitive()
        .unwrap()
        .await
        .unwrap();
    tx.object_store("outbox")
        .unwrap()
        .put(item.to_json())
        .with_key(item.key.to_string())
        .primitive()
        .unwrap()
        .await
        .unwrap();
    tx.commit().await.unwrap();
    v2.close();

    // The new version opens it: the ownerless drafts are gone, the outbox is kept.
    let drafts = DraftStore::open_named(name).await.unwrap();
    assert_eq!(drafts.all().await.unwrap(), vec![]);
    let outbox = OutboxStore::open_named(name).await.unwrap();
    assert_eq!(outbox.all().await.unwrap(), vec![item]);
    // Drafts keep working after the upgrade.
    let other = DraftKey::new(NOBODY, Uuid::from_u128(8), None);
    drafts
        .save(&draft_at(other, "新しい下書き", 2))
        .await
        .unwrap();
    assert_eq!(drafts.all().await.unwrap().len(), 1);
    drafts.close();
    outbox.close();

    let db = tsunagu_web::drafts::store::open_database(name)
        .await
        .unwrap();
    assert_eq!(db.version() as u32, tsunagu_web::drafts::store::DB_VERSION);
    let names = db.object_store_names();
    let mut stores: Vec<String> = (0..names.length()).filter_map(|i| names.item(i)).collect();
    stores.sort();
    assert_eq!(stores, vec!["drafts", "media", "outbox"]);
    db.close();
}

#[wasm_bindgen_test]
async fn a_database_of_a_newer_version_fails_to_open_with_the_browsers_reason() {
    let name = "tsunagu-test-newer";
    delete_db(name).await;
    // A newer app version in another tab upgraded it: this version cannot open it.
    let newer = IdbDatabase::open(name)
        .with_version(tsunagu_web::drafts::store::DB_VERSION + 1)
        .await
        .unwrap();
    newer.close();
    let err = DraftStore::open_named(name).await.unwrap_err();
    assert!(!err.0.is_empty(), "the error says why: {err}");
    delete_db(name).await;
}

#[wasm_bindgen_test]
async fn removing_a_users_device_data_leaves_the_other_users_alone() {
    let name = "tsunagu-test-erase";
    delete_db(name).await;
    let me = Uuid::from_u128(0xA);
    let next = Uuid::from_u128(0xE);
    let drafts = DraftStore::open_named(name).await.unwrap();
    let gid = Uuid::from_u128(0xB);
    let mine = DraftKey::new(me, gid, None);
    let theirs = DraftKey::new(next, gid, None);
    drafts.save(&draft_at(mine, "私の", 1)).await.unwrap();
    drafts.save(&draft_at(theirs, "次の人の", 2)).await.unwrap();
    assert_eq!(drafts.delete_user(me).await.unwrap(), 1);
    let left: Vec<DraftKey> = drafts
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.key)
        .collect();
    assert_eq!(left, vec![theirs]);
    drafts.close();

    let outbox = OutboxStore::open_named(name).await.unwrap();
    let my_item = outbox_item(1, "私の投稿");
    let mut their_item = outbox_item(2, "次の人の投稿");
    their_item.author_id = next;
    outbox.put(&my_item).await.unwrap();
    outbox.put(&their_item).await.unwrap();
    assert_eq!(outbox.delete_all_of(me).await.unwrap(), 1);
    assert_eq!(outbox.all().await.unwrap(), vec![their_item]);
    outbox.close();
}

// A fake server for the composer: `window.fetch` answers from `window.__routes` (keyed
// "METHOD /path") and records every request in `window.__requests`; an unknown route fails like
// a dead network.
const FETCH_MOCK: &str = r#"
window.__realFetch = window.__realFetch || window.fetch;
window.__requests = [];
window.__routes = {};
window.fetch = async (input, init) => {
  const r = input instanceof Request ? input : new Request(input, init);
  const url = new URL(r.url, location.href);
  const body = r.method === 'GET' ? null : await r.clone().text();
  window.__requests.push({ method: r.method, path: url.pathname, body: body,
    key: r.headers.get('Idempotency-Key'), auth: r.headers.get('Authorization') });
  const route = window.__routes[r.method + ' ' + url.pathname];
  if (!route) throw new TypeError('Failed to fetch');
  return new Response(route.body, { status: route.status,
    headers: { 'Content-Type': route.type || 'application/json' } });
};
"#;

fn run_js(code: &str) -> wasm_bindgen::JsValue {
    js_sys::Function::new_no_args(code)
        .call0(&wasm_bindgen::JsValue::NULL)
        .unwrap()
}

fn set_route(method_path: &str, status: u16, body: &str, content_type: &str) {
    let routes = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__routes".into()).unwrap();
    let route = js_sys::Object::new();
    js_sys::Reflect::set(&route, &"status".into(), &status.into()).unwrap();
    js_sys::Reflect::set(&route, &"body".into(), &body.into()).unwrap();
    js_sys::Reflect::set(&route, &"type".into(), &content_type.into()).unwrap();
    js_sys::Reflect::set(&routes, &method_path.into(), &route).unwrap();
}

fn clear_route(method_path: &str) {
    let routes = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__routes".into()).unwrap();
    let routes: js_sys::Object = routes.unchecked_into();
    js_sys::Reflect::delete_property(&routes, &method_path.into()).unwrap();
}

/// The recorded `POST` requests: (idempotency key, JSON body).
fn posted() -> Vec<(String, serde_json::Value)> {
    let json = run_js("return JSON.stringify(window.__requests.filter(r => r.method === 'POST'))");
    let list: Vec<serde_json::Value> = serde_json::from_str(&json.as_string().unwrap()).unwrap();
    list.iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap_or_default().to_owned(),
                serde_json::from_str(r["body"].as_str().unwrap()).unwrap(),
            )
        })
        .collect()
}

fn key_event(el: &Element, key: &str) {
    let f = js_sys::Function::new_with_args(
        "el, key",
        "el.dispatchEvent(new KeyboardEvent('keydown', { key: key, bubbles: true, cancelable: true }))",
    );
    f.call2(&wasm_bindgen::JsValue::NULL, el, &key.into())
        .unwrap();
}

fn author(n: u128, name: &str, profession: Profession) -> Author {
    Author {
        id: Uuid::from_u128(n),
        display_name: name.into(),
        profession,
        facility_name: None,
    }
}

fn created_post(group: Uuid, body: &str) -> Post {
    serde_json::from_value(serde_json::json!({
        "id": Uuid::now_v7(), "group_id": group, "body": body,
        "author": author(0xA, "田中 美咲", Profession::Nurse),
        "created_at": "2026-11-24T00:00:00.000Z", "timeline": "care",
    }))
    .unwrap()
}

/// A clean page with `nurse` logged in (a stored session) and the fake server installed.
fn start_as_nurse(nurse: &Author, kana: &str) {
    reset_storage();
    let stored_session = serde_json::json!({
        "token": format!("tok-{}", nurse.id), "expires_at": "2099-01-01T00:00:00.000Z",
        "idle_timeout_seconds": 1800,
        "user": { "id": nurse.id, "login_id": format!("ns.{}", nurse.id.simple()),
            "display_name": nurse.display_name, "display_name_kana": kana,
            "profession": "nurse", "facility": null }
    });
    storage()
        .set_item(session::SESSION_KEY, &stored_session.to_string())
        .unwrap();
    run_js(FETCH_MOCK);
}

/// Serves `GET /groups/{gid}/members` with these people (and the readings of their names).
fn serve_members(gid: Uuid, people: Vec<(Author, &str, MemberRole)>) {
    let members = MemberList {
        items: people
            .into_iter()
            .map(|(person, kana, role)| Member {
                person,
                display_name_kana: kana.into(),
                role,
                relationship: None,
                joined_at: chrono::DateTime::from_timestamp_millis(0).unwrap(),
            })
            .collect(),
        pending: vec![],
    };
    set_route(
        &format!("GET /api/v1/groups/{gid}/members"),
        200,
        &serde_json::to_string(&members).unwrap(),
        "application/json",
    );
}

#[component]
fn WithReplyTarget(out: RwSignal<Option<ReplyTarget>>, children: Children) -> impl IntoView {
    out.set(Some(provide_reply_target()));
    children()
}

#[wasm_bindgen_test]
async fn the_composer_queues_offline_retries_with_the_same_key_and_handles_refusals() {
    let me = author(0xA, "田中 美咲", Profession::Nurse);
    start_as_nurse(&me, "たなか みさき");
    let gid = Uuid::now_v7();
    let posts_route = format!("POST /api/v1/groups/{gid}/posts");
    serve_members(
        gid,
        vec![
            (me.clone(), "たなか みさき", MemberRole::Member),
            (
                author(0xD, "佐藤 健一", Profession::Physician),
                "さとう けんいち",
                MemberRole::Admin,
            ),
            (
                author(0xF, "山田 一郎", Profession::Family),
                "やまだ いちろう",
                MemberRole::Family,
            ),
        ],
    );

    let sent = RwSignal::new(Vec::<Post>::new());
    let live_posts = RwSignal::new(0u32);
    let target = RwSignal::new(None::<ReplyTarget>);
    let root = test_root();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Providers>
                {
                    tsunagu_web::live::use_live()
                        .subscribe(move |ev| {
                            if let tsunagu_api::LiveEvent::PostCreated(_) = ev {
                                live_posts.update(|n| *n += 1);
                            }
                        });
                }
                <WithReplyTarget out=target>
                    <ComposerPanel
                        group_id=gid
                        timeline=Timeline::Care
                        on_sent=Callback::new(move |p: Post| sent.update(|s| s.push(p)))
                    />
                </WithReplyTarget>
            </Providers>
        }
    });
    let el: &Element = root.as_ref();
    let area =
        || -> HtmlTextAreaElement { labelled(el, "メッセージ").unwrap().unchecked_into() };
    let waiting_texts = || -> Vec<String> { all(el, ".outbox li").iter().map(text).collect() };

    // @mention: the suggestions list professionals only (the care timeline), keyboard chooses.
    area().focus().unwrap();
    type_into(&area(), "確認お願いします @さと");
    wait_for("the suggestions", || {
        all(el, "[role=listbox] [role=option]").len() == 1
    })
    .await;
    let listbox = el.query_selector("[role=listbox]").unwrap().unwrap();
    assert_eq!(
        listbox.get_attribute("aria-label").as_deref(),
        Some("メンションする人")
    );
    assert!(text(&listbox).contains("佐藤 健一"));
    assert!(
        !text(&listbox).contains("山田"),
        "no family member in the care timeline"
    );
    assert_eq!(
        area().get_attribute("aria-activedescendant"),
        el.query_selector("[role=option]")
            .unwrap()
            .unwrap()
            .get_attribute("id")
    );
    key_event(&area(), "Enter");
    wait_for("the inserted mention", || {
        area().value() == "確認お願いします @佐藤 健一 "
    })
    .await;
    wait_for("the list to close after choosing", || {
        all(el, "[role=listbox]").is_empty()
    })
    .await;
    type_into(&area(), "確認お願いします @佐藤 健一 明日の訪問について");

    // Importance 至急.
    let select: web_sys::HtmlSelectElement = labelled(el, "重要度").unwrap().unchecked_into();
    assert_eq!(select.value(), "normal");
    select.set_value("urgent");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    select
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();

    // Offline: queued, stored, the editor and options reset; it waits for a retry.
    button(el, "送信").unwrap().click();
    wait_for("the editor to clear", || area().value().is_empty()).await;
    wait_for("the waiting post", || {
        waiting_texts().iter().any(|t| {
            t.contains("送信待ち") && t.contains("明日の訪問について") && t.contains("至急")
        })
    })
    .await;
    wait_for("the retry notice", || {
        text(el).contains("接続が戻ると自動で送信します")
    })
    .await;
    let select: web_sys::HtmlSelectElement = labelled(el, "重要度").unwrap().unchecked_into();
    assert_eq!(select.value(), "normal", "importance resets after sending");
    let store = OutboxStore::open().await.unwrap();
    let mine = store.all_of(me.id).await.unwrap();
    assert_eq!(mine.len(), 1, "stored before anything else");
    assert_eq!(mine[0].importance, Importance::Urgent);
    assert_eq!(
        mine[0]
            .mentions
            .iter()
            .map(|m| m.user_id)
            .collect::<Vec<_>>(),
        vec![Uuid::from_u128(0xD)]
    );
    assert!(mine[0].attempts >= 1);
    assert_eq!(mine[0].state, ItemState::Queued);

    // Online again: sent at once, with the same key and the same body; shown once, published.
    set_route(
        &posts_route,
        201,
        &serde_json::to_string(&created_post(gid, &mine[0].body)).unwrap(),
        "application/json",
    );
    web_sys::window()
        .unwrap()
        .dispatch_event(&web_sys::Event::new("online").unwrap())
        .unwrap();
    wait_for("the delivery", || sent.with_untracked(|s| s.len()) == 1).await;
    wait_for("the outbox to empty", || waiting_texts().is_empty()).await;
    assert_eq!(live_posts.get_untracked(), 1, "published as a live event");
    let requests = posted();
    assert!(requests.len() >= 2, "{requests:?}");
    assert!(
        requests
            .iter()
            .all(|(k, b)| *k == requests[0].0 && *b == requests[0].1),
        "{requests:?}"
    );
    assert_eq!(mine[0].key.to_string(), requests[0].0);
    let body = &requests[0].1;
    assert_eq!(body["importance"], "urgent");
    assert_eq!(body["timeline"], "care");
    assert_eq!(body["mentions"], serde_json::json!([Uuid::from_u128(0xD)]));
    assert!(
        store.all_of(me.id).await.unwrap().is_empty(),
        "removed from the store"
    );

    // A reply: quoted above the editor, sent with reply_to, cleared afterwards.
    let quoted = created_post(gid, "処方を変更しました。");
    target.get_untracked().unwrap().0.set(Some(quoted.clone()));
    wait_for("the quote", || {
        text(el).contains("返信先") && text(el).contains("処方を変更しました。")
    })
    .await;
    assert!(button(el, "返信をやめる").is_some());
    // Refused by the server: kept with the reason, 編集 and 破棄.
    set_route(
        &posts_route,
        409,
        r#"{"type":"about:blank","title":"Conflict","status":409,"code":"group_archived"}"#,
        "application/problem+json",
    );
    type_into(&area(), "承知しました。");
    button(el, "送信").unwrap().click();
    wait_for("the refusal", || {
        waiting_texts().iter().any(|t| {
            t.contains("送信できませんでした")
                && t.contains("このグループはアーカイブされているため変更できません。")
        })
    })
    .await;
    assert!(
        !text(el).contains("返信をやめる"),
        "the reply was cleared after sending"
    );
    let refused = posted().last().cloned().unwrap();
    assert_eq!(refused.1["reply_to"], serde_json::json!(quoted.id));
    assert_eq!(target.get_untracked().unwrap().0.get_untracked(), None);
    let stored = store.all_of(me.id).await.unwrap();
    assert!(matches!(
        stored[0].state,
        ItemState::Rejected {
            code: ErrorCode::GroupArchived,
            status: 409
        }
    ));
    sleep(300).await;
    assert_eq!(
        posted().len(),
        requests.len() + 1,
        "a refused post is not retried by itself"
    );

    // 編集: the text (and the reply) come back, the item goes; sent again it gets a new key.
    button(el, "編集").unwrap().click();
    wait_for("the text back in the editor", || {
        area().value() == "承知しました。"
    })
    .await;
    wait_for("the item to go", || waiting_texts().is_empty()).await;
    assert!(text(el).contains("返信先"), "the reply comes back too");
    sleep(200).await;
    assert!(
        store.all_of(me.id).await.unwrap().is_empty(),
        "an edited item leaves the store"
    );
    type_into(&area(), "承知しました。明日伺います。");
    button(el, "送信").unwrap().click();
    wait_for("the second refusal", || {
        waiting_texts()
            .iter()
            .any(|t| t.contains("明日伺います") && t.contains("送信できませんでした"))
    })
    .await;
    let resent = posted().last().cloned().unwrap();
    assert_ne!(
        resent.0, refused.0,
        "an edited post gets a new idempotency key"
    );

    // 破棄 asks first, then drops it for good.
    button(el, "破棄").unwrap().click();
    wait_for("the confirmation", || button(el, "はい").is_some()).await;
    button(el, "はい").unwrap().click();
    wait_for("the item to be discarded", || waiting_texts().is_empty()).await;
    sleep(200).await;
    assert!(
        store.all_of(me.id).await.unwrap().is_empty(),
        "gone from the store too"
    );
    store.close();

    drop(handle);
    root.remove();
    clear_route(&posts_route);
    run_js("window.fetch = window.__realFetch;");
    reset_storage();
}

#[wasm_bindgen_test]
async fn an_item_whose_retry_could_post_twice_is_held_and_not_sent_by_itself() {
    let me = author(0x1A, "高橋 由美", Profession::Nurse);
    start_as_nurse(&me, "たかはし ゆみ");
    let gid = Uuid::now_v7();
    // Were it sent, the server would accept it: only the hold keeps it from going out.
    set_route(
        &format!("POST /api/v1/groups/{gid}/posts"),
        201,
        &serde_json::to_string(&created_post(gid, "昨日の申し送りです。")).unwrap(),
        "application/json",
    );
    serve_members(gid, vec![(me.clone(), "たかはし ゆみ", MemberRole::Member)]);

    // A gateway timed out on it two days ago (the post may exist), and the phone was off since.
    let now = js_sys::Date::now() as i64;
    let day = 24 * 60 * 60 * 1_000;
    let mut item = OutboxItem::new(
        NewItem {
            author_id: me.id,
            group_id: gid,
            timeline: Some(Timeline::Care),
            body: "昨日の申し送りです。".into(),
            importance: Importance::Normal,
            reply_to: None,
            mentions: vec![],
            attachments: vec![],
        },
        Uuid::now_v7(),
        now - 2 * day,
    );
    item.attempts = 1;
    item.maybe_delivered_at_ms = Some(now - 2 * day + 5_000);
    item.next_attempt_at_ms = now - 2 * day + 7_000;
    let store = OutboxStore::open().await.unwrap();
    store.put(&item).await.unwrap();
    store.close();

    let root = test_root();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Providers>
                <ComposerPanel group_id=gid timeline=Timeline::Care on_sent=Callback::new(|_: Post| {}) />
            </Providers>
        }
    });
    let el: &Element = root.as_ref();
    let waiting_texts = || -> Vec<String> { all(el, ".outbox li").iter().map(text).collect() };
    wait_for("the held item with its reason", || {
        waiting_texts().iter().any(|t| {
            t.contains("昨日の申し送りです。")
                && t.contains("確認が必要です")
                && t.contains("すでに届いている可能性")
        })
    })
    .await;
    sleep(500).await;
    assert!(
        posted().iter().all(|(key, _)| key != &item.key.to_string()),
        "a held item is not sent by itself"
    );
    let store = OutboxStore::open().await.unwrap();
    let stored = store.all_of(me.id).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].state, ItemState::Held, "the hold is stored");
    store.close();

    // 編集 brings the text back; sent again it would be a new request with a new key.
    button(el, "編集").unwrap().click();
    let area =
        || -> HtmlTextAreaElement { labelled(el, "メッセージ").unwrap().unchecked_into() };
    wait_for("the text back in the editor", || {
        area().value() == "昨日の申し送りです。"
    })
    .await;
    wait_for("the item to go", || waiting_texts().is_empty()).await;
    sleep(200).await;
    let store = OutboxStore::open().await.unwrap();
    assert!(store.all_of(me.id).await.unwrap().is_empty());
    store.close();
    drop(handle);
    root.remove();
    run_js("window.fetch = window.__realFetch;");
    reset_storage();
}

// --- The idle lock's screen ---------------------------------------------------------------------

use tsunagu_web::components::idle_lock::LockScreen;
use tsunagu_web::idle_lock::{Lock, Phase};

/// The requests recorded by the fake server for `method`: (path, body, Authorization).
fn requests_of(method: &str) -> Vec<(String, String, String)> {
    let json = run_js("return JSON.stringify(window.__requests)");
    let list: Vec<serde_json::Value> = serde_json::from_str(&json.as_string().unwrap()).unwrap();
    list.into_iter()
        .filter(|r| r["method"] == method)
        .map(|r| {
            let field = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            (field("path"), field("body"), field("auth"))
        })
        .collect()
}

#[wasm_bindgen_test]
async fn the_lock_screen_asks_a_two_factor_account_for_its_code_and_keeps_the_session() {
    reset_storage();
    let me = author(0xA, "田中 美咲", Profession::Nurse);
    let session_of = |token: &str| {
        serde_json::json!({
            "token": token, "expires_at": "2099-01-01T00:00:00.000Z",
            "idle_timeout_seconds": 1800,
            "user": { "id": me.id, "login_id": "ns.tanaka", "display_name": me.display_name,
                "display_name_kana": "たなか みさき", "profession": "nurse", "facility": null,
                "two_factor": true }
        })
        .to_string()
    };
    storage()
        .set_item(session::SESSION_KEY, &session_of("tok-kept"))
        .unwrap();
    storage().set_item(session::LOCKED_KEY, "1").unwrap();
    run_js(FETCH_MOCK);
    let lock = RwSignal::new(Lock::locked(true));
    let root = test_root();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Providers>
                <LockScreen lock/>
            </Providers>
        }
    });
    let el: &Element = root.as_ref();

    // Who is locked, and every control by its name: the code is asked for at once.
    assert!(text(el).contains("画面をロックしました"));
    assert!(text(el).contains("田中 美咲さんのパスワード"));
    let password: HtmlInputElement = labelled(el, "パスワード").unwrap().unchecked_into();
    assert_eq!(password.type_(), "password");
    assert!(labelled(el, "確認コード").is_some());
    assert!(button(el, "ログアウトする").is_some());

    // A wrong code: refused with the reason; the code is emptied, the password kept.
    set_route(
        "POST /api/v1/sessions",
        401,
        r#"{"type":"about:blank","title":"Unauthorized","status":401,"code":"invalid_two_factor_code"}"#,
        "application/problem+json",
    );
    type_into(&password, "correct horse battery 1!");
    type_into(&labelled(el, "確認コード").unwrap(), "123456");
    button(el, "ロックを解除").unwrap().click();
    wait_for("the alert", || alert_text(el).is_some()).await;
    assert_eq!(
        alert_text(el).unwrap(),
        i18n::error_text(ErrorCode::InvalidTwoFactorCode, Locale::Ja)
    );
    let code: HtmlInputElement = labelled(el, "確認コード").unwrap().unchecked_into();
    assert_eq!(code.value(), "");
    assert_eq!(password.value(), "correct horse battery 1!");
    assert_eq!(lock.get_untracked().phase(), Phase::Locked);
    let (path, body, auth) = requests_of("POST").pop().unwrap();
    assert_eq!(path, "/api/v1/sessions");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["login_id"], "ns.tanaka");
    assert_eq!(body["code"], "123456");
    assert_eq!(auth, "", "an unlock is a login: no token sent");

    // The right code: unlocked; the session of the check is ended at once, the stored one kept.
    set_route(
        "POST /api/v1/sessions",
        201,
        &session_of("tok-check"),
        "application/json",
    );
    set_route(
        "DELETE /api/v1/sessions/current",
        200,
        "{}",
        "application/json",
    );
    type_into(&code, "654321");
    button(el, "ロックを解除").unwrap().click();
    wait_for("the unlock", || !lock.get_untracked().is_locked()).await;
    wait_for("the check's logout", || !requests_of("DELETE").is_empty()).await;
    assert_eq!(
        requests_of("DELETE"),
        vec![(
            "/api/v1/sessions/current".to_owned(),
            String::new(),
            "Bearer tok-check".to_owned()
        )]
    );
    let stored = storage().get_item(session::SESSION_KEY).unwrap().unwrap();
    assert!(stored.contains("tok-kept"), "{stored}");
    assert_eq!(storage().get_item(session::LOCKED_KEY).unwrap(), None);

    drop(handle);
    root.remove();
    reset_storage();
}

// --- After a logout: removing this device's data ---------------------------------------------

#[wasm_bindgen_test]
async fn the_logout_offer_warns_about_unsent_posts_in_english_too_and_removes_only_that_user() {
    use tsunagu_web::components::device_data_offer::DeviceDataOffer;
    reset_storage();
    api::set_api_base(DEAD_BASE);
    storage().set_item(i18n::LOCALE_KEY, "en").unwrap();
    let user: Uuid = "0192f0c4-0000-7000-8000-000000000001".parse().unwrap();
    let other = Uuid::from_u128(0xE);
    let stored = r#"{"token":"tok-123","expires_at":"2026-11-24T12:00:00.000Z","idle_timeout_seconds":1800,"user":{"id":"0192f0c4-0000-7000-8000-000000000001","login_id":"nurse.sato","display_name":"佐藤 花子","display_name_kana":"さとう はなこ","profession":"nurse","facility":null}}"#;
    storage().set_item(session::SESSION_KEY, stored).unwrap();
    // This user's unsent post and draft, and another user's draft on the same device.
    let outbox = OutboxStore::open().await.unwrap();
    let mut mine = outbox_item(0xF00D, "未送信");
    mine.author_id = user;
    outbox.put(&mine).await.unwrap();
    outbox.close();
    let gid = Uuid::now_v7();
    let drafts = DraftStore::open().await.unwrap();
    let my_draft = DraftKey::new(user, gid, None);
    let their_draft = DraftKey::new(other, gid, None);
    drafts.save(&draft_at(my_draft, "私の", 1)).await.unwrap();
    drafts
        .save(&draft_at(their_draft, "次の人の", 1))
        .await
        .unwrap();

    let root = test_root();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Providers>
                {
                    session::use_session().logout();
                    view! { <DeviceDataOffer/> }
                }
            </Providers>
        }
    });
    let el: &Element = root.as_ref();
    let shown = |name: &str| button(el, name).is_some_and(|b| !b.hidden());
    wait_for("the offer", || shown("Remove this device's data")).await;
    assert!(
        !shown("Remove without sending"),
        "no confirmation before asking"
    );
    button(el, "Remove this device's data").unwrap().click();
    wait_for("the warning", || {
        alert_text(el).is_some_and(|t| t.contains("1 post(s) have not been sent yet"))
    })
    .await;
    assert!(shown("Cancel"));
    button(el, "Remove without sending").unwrap().click();
    wait_for("the removal", || {
        text(el).contains("Your data was removed from this device.")
    })
    .await;

    let outbox = OutboxStore::open().await.unwrap();
    assert_eq!(outbox.all_of(user).await.unwrap(), vec![]);
    outbox.close();
    assert_eq!(drafts.load(&my_draft).await.unwrap(), None);
    assert!(
        drafts.load(&their_draft).await.unwrap().is_some(),
        "another user's draft stays"
    );
    drafts.delete(&their_draft).await.unwrap();
    drafts.close();
    drop(handle);
    root.remove();
    reset_storage();
}

/// The browser's JSON reader ([`tsunagu_web::json`]: `JSON.parse`, then its serde reader)
/// reads every wire shape as serde_json, which the server writes with, does: full and minimal
/// posts, system entries, a page, live events, unknown enum values and fields, `null` for
/// options, numbers, and refuses what serde_json refuses.
#[wasm_bindgen_test]
fn json_parse_reads_what_serde_json_reads() {
    use serde::de::DeserializeOwned;
    use tsunagu_api::{LiveEvent, PostPage, Problem};
    use tsunagu_web::json;

    fn same<T: DeserializeOwned + PartialEq + std::fmt::Debug>(text: &str) -> Option<T> {
        let mine = json::parse::<T>(text);
        assert_eq!(mine, serde_json::from_str::<T>(text).ok(), "{text}");
        mine
    }
    let person = |n: u128| {
        serde_json::json!({"id": Uuid::from_u128(n), "display_name": "田中 美咲",
            "profession": "nurse", "facility_name": "あおば\u{1F3E5} \"ST\"\n"})
    };
    let full = serde_json::json!({
        "id": Uuid::from_u128(1), "group_id": Uuid::from_u128(2), "author": person(3),
        "body": "血圧 120/80\n\t「至急」\\ 😀", "created_at": "2026-11-24T09:30:00.123Z",
        "timeline": "family", "importance": "urgent",
        "reply_to": {"id": Uuid::from_u128(4), "author_name": "a", "excerpt": "b", "deleted": true},
        "mentions": [{"user_id": Uuid::from_u128(5), "display_name": "c"}],
        "edited_at": "2026-11-24T10:00:00.000Z", "deleted_at": null,
        "version": 4_000_000_000u32, "read_count": 12, "ack_count": 0, "acked_by_me": true,
        "field_from_a_newer_server": {"nested": [1, 2.5, null]}
    });
    let post = same::<Post>(&full.to_string()).expect("a full post");
    assert_eq!(post.version, 4_000_000_000);
    assert_eq!(post.body, "血圧 120/80\n\t「至急」\\ 😀");
    let system = serde_json::json!({
        "id": Uuid::from_u128(6), "group_id": Uuid::from_u128(2), "author": person(3),
        "body": "", "created_at": "2026-11-24T09:30:00Z",
        "system": {"kind": "a_kind_from_a_newer_server", "actor": person(7), "subject": null,
            "detail": null}
    });
    let system = same::<Post>(&system.to_string()).expect("a system entry");
    assert_eq!(
        system.system.unwrap().kind,
        tsunagu_api::SystemEventKind::Unknown
    );
    let page = serde_json::json!({"items": [full, full], "next_cursor": "abc", "read_up_to": null});
    assert_eq!(same::<PostPage>(&page.to_string()).unwrap().items.len(), 2);
    same::<Group>(
        &serde_json::to_string(&demo_group(
            9,
            tsunagu_api::GroupKind::Patient,
            "山田 様",
            Some("やまだ"),
        ))
        .unwrap(),
    )
    .expect("a group");

    // What either refuses, both refuse.
    for bad in [
        r#"{"id": 1}"#,
        &full
            .to_string()
            .replace(r#""importance":"urgent""#, r#""importance":"critical""#),
        &full
            .to_string()
            .replace(r#""read_count":12"#, r#""read_count":-1"#),
        &full
            .to_string()
            .replace(r#""read_count":12"#, r#""read_count":1.5"#),
        &full.to_string().replace(r#""body":"#, r#""text":"#),
        "[]",
        "not json",
        "",
    ] {
        assert_eq!(same::<Post>(bad), None, "{bad}");
    }

    // Problems with a code this client does not know yet, and live events.
    let problem = r#"{"type":"about:blank","title":"t","status":409,"code":"brand_new"}"#;
    assert_eq!(
        json::parse::<Problem>(problem).map(|p| p.code),
        Some(ErrorCode::Unknown)
    );
    let ack = serde_json::json!({"group_id": Uuid::from_u128(2), "timeline": "care",
        "post_id": Uuid::from_u128(1), "user": person(3), "ack_count": 2,
        "at": "2026-11-24T09:30:00.000Z"});
    for (name, data) in [
        ("post.created", full.to_string()),
        ("ack.updated", ack.to_string()),
        (
            "member.changed",
            format!(r#"{{"group_id":"{}"}}"#, Uuid::from_u128(2)),
        ),
        ("post.moved", full.to_string()),
        ("ack.updated", full.to_string()),
    ] {
        assert_eq!(
            json::live_event(name, &data),
            LiveEvent::from_sse(name, &data).ok(),
            "{name}"
        );
    }
}
