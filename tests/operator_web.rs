//! Browser tests of the operator console's components (headless Chromium through
//! wasm-bindgen-test-runner):
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p tsunagu-web --test operator_web`
#![cfg(target_arch = "wasm32")]

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::Router;
use tsunagu_api::{
    ActivationLink, Application, ApplicationForm, ApplicationStatus, Approval, FacilityKind,
    FacilityRef, Profession, Settings,
};
use tsunagu_web::api;
use tsunagu_web::components::operator::application_card::ApplicationCard;
use tsunagu_web::components::operator::approval_result::ApprovalResult;
use tsunagu_web::components::operator::operator_frame::OperatorFrame;
use tsunagu_web::components::operator::policy_form::PolicyForm;
use tsunagu_web::{session, Providers};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{all, button, document, labelled, storage, test_root, text, type_into, wait_for};

/// A port nothing listens on: requests to it fail without a response.
const DEAD_BASE: &str = "http://127.0.0.1:9";

const NETWORK_ERROR: &str = "サーバーに接続できません。通信状況を確認してください。";

fn reset_storage() {
    storage().clear().unwrap();
}

fn alert_text(root: &Element) -> Option<String> {
    root.query_selector("[role=alert]")
        .unwrap()
        .map(|e| text(&e))
}

/// Stores a session of `login_id`, an operator or not, as a login would.
fn store_session(login_id: &str, is_operator: bool) {
    let stored = format!(
        r#"{{"token":"tok-op","expires_at":"2026-11-24T12:00:00.000Z","idle_timeout_seconds":1800,"user":{{"id":"0192f0c4-0000-7000-8000-000000000009","login_id":"{login_id}","display_name":"石井","display_name_kana":"いしい","profession":"administrative","facility":null,"is_operator":{is_operator}}}}}"#
    );
    storage().set_item(session::SESSION_KEY, &stored).unwrap();
}

fn pending_application() -> Application {
    Application {
        id: Uuid::now_v7(),
        status: ApplicationStatus::Pending,
        form: ApplicationForm {
            facility_name: "みなみ訪問看護ステーション".into(),
            facility_name_kana: "みなみほうもんかんごすてーしょん".into(),
            facility_kind: FacilityKind::HomeNursingStation,
            address: "東京都千代田区1-1".into(),
            representative_name: "南 陽子".into(),
            representative_name_kana: "みなみ ようこ".into(),
            representative_profession: Profession::Nurse,
            login_id: "ns.minami".into(),
            phone: "03-1234-5678".into(),
            email: "minami@example.jp".into(),
            pledge_version: 2,
        },
        submitted_at: Utc::now(),
        decided_at: None,
        decided_by: None,
        reason: None,
        facility: None,
    }
}

#[wasm_bindgen_test]
async fn the_approval_result_shows_the_whole_link_its_qr_code_and_that_it_is_shown_once() {
    reset_storage();
    let root = test_root();
    let approval = Approval {
        facility: FacilityRef {
            id: Uuid::now_v7(),
            name: "みなみ訪問看護ステーション".into(),
            kind: FacilityKind::HomeNursingStation,
        },
        activation: ActivationLink {
            user_id: Uuid::now_v7(),
            login_id: "ns.minami".into(),
            token: "tok-Abc_123".into(),
            expires_at: Utc::now(),
        },
    };
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Providers>
                <ApprovalResult
                    approval=approval.clone()
                    facility_name="みなみ訪問看護ステーション".to_owned()
                    on_close=Callback::new(|()| {})
                />
            </Providers>
        }
    });
    let el: &Element = root.as_ref();
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    let url = el.query_selector(".approval-result__url").unwrap().unwrap();
    assert_eq!(
        url.text_content().unwrap(),
        format!("{origin}/activate/tok-Abc_123")
    );
    let heading = el.query_selector("h2").unwrap().unwrap();
    assert_eq!(text(&heading), "みなみ訪問看護ステーションを承認しました");
    wait_for("the heading to take the focus", || {
        document().active_element().as_ref() == Some(&heading)
    })
    .await;
    let svg = el.query_selector("svg").unwrap().expect("a QR code");
    assert_eq!(
        svg.get_attribute("aria-label").as_deref(),
        Some("有効化リンクのQRコード")
    );
    let shown = text(el);
    assert!(shown.contains("72時間有効・1回限り"), "{shown}");
    assert!(shown.contains("今だけ表示されます"), "{shown}");
    assert!(shown.contains("ns.minami"), "{shown}");

    button(el, "リンクをコピー")
        .expect("the copy button")
        .click();
    let status = || {
        all(el, "[role=status]")
            .iter()
            .map(text)
            .find(|t| !t.is_empty())
    };
    wait_for("the copy outcome", || status().is_some()).await;
    let said = status().unwrap();
    assert!(
        said == "コピーしました。" || said.starts_with("リンクを選択しました。"),
        "{said}"
    );

    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
async fn a_rejection_needs_a_reason_before_it_is_sent() {
    reset_storage();
    api::set_api_base(DEAD_BASE);
    let root = test_root();
    let application = pending_application();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Providers>
                <ApplicationCard
                    application=application.clone()
                    on_approved=Callback::new(|_| {})
                    on_decided=Callback::new(|()| {})
                />
            </Providers>
        }
    });
    let el: &Element = root.as_ref();
    let card = el
        .query_selector("article.application-card")
        .unwrap()
        .unwrap();
    assert_eq!(
        text(&card.query_selector("h2").unwrap().unwrap()),
        "みなみ訪問看護ステーション"
    );
    let shown = text(el);
    for expected in [
        "訪問看護ステーション",
        "南 陽子",
        "看護師",
        "ns.minami",
        "第2版",
        "承認待ち",
    ] {
        assert!(shown.contains(expected), "{expected} in {shown}");
    }
    assert!(button(el, "承認").is_some());
    assert!(
        labelled(el, "却下の理由").is_none(),
        "the reason opens on 却下"
    );

    button(el, "却下").expect("却下").click();
    wait_for("the reason field", || labelled(el, "却下の理由").is_some()).await;
    button(el, "却下を確定").unwrap().click();
    wait_for("the missing reason", || {
        text(el).contains("入力してください。")
    })
    .await;
    let reason = labelled(el, "却下の理由").unwrap();
    assert_eq!(
        reason.get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(alert_text(el), None, "nothing was sent");

    type_into(&reason, "所在地が確認できませんでした。");
    button(el, "却下を確定").unwrap().click();
    wait_for("the send to fail", || {
        alert_text(el).as_deref() == Some(NETWORK_ERROR)
    })
    .await;

    drop(handle);
    root.remove();
    api::set_api_base("");
}

#[wasm_bindgen_test]
async fn the_policy_form_offers_every_kind_and_profession_and_checks_the_minutes() {
    reset_storage();
    api::set_api_base(DEAD_BASE);
    let root = test_root();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Providers>
                <PolicyForm settings=Settings::default()/>
            </Providers>
        }
    });
    let el: &Element = root.as_ref();
    let boxes = all(el, "input[type=checkbox]");
    // 全員に必須, each kind and profession, and the permission to remember devices.
    assert_eq!(
        boxes.len(),
        1 + FacilityKind::ALL.len() + Profession::ALL.len() + 1
    );
    let everyone = all(el, "label")
        .into_iter()
        .find(|l| text(l) == "全員に必須")
        .expect("全員に必須");
    assert!(everyone
        .query_selector("input[type=checkbox]")
        .unwrap()
        .is_some());
    let shown = text(el);
    for label in ["病院", "薬局", "家族", "医師"] {
        assert!(shown.contains(label), "{label} in {shown}");
    }
    let minutes: HtmlInputElement = labelled(el, "自動ロックまでの時間（分）")
        .unwrap()
        .unchecked_into();
    wait_for("the saved minutes", || minutes.value() == "15").await;
    type_into(&minutes, "0");
    button(el, "保存").unwrap().click();
    wait_for("the minutes alert", || {
        alert_text(el).as_deref() == Some("1から120までの数字を入力してください。")
    })
    .await;
    type_into(&minutes, "30");
    button(el, "保存").unwrap().click();
    wait_for("the send to fail", || {
        alert_text(el).as_deref() == Some(NETWORK_ERROR)
    })
    .await;

    drop(handle);
    root.remove();
    api::set_api_base("");
}

#[wasm_bindgen_test]
async fn the_console_is_for_operators_only() {
    for (is_operator, expect_nav) in [(false, false), (true, true)] {
        reset_storage();
        api::set_api_base(DEAD_BASE);
        store_session("op.ishii", is_operator);
        let root = test_root();
        let handle = leptos::mount::mount_to(root.clone(), move || {
            view! {
                <Providers>
                    <Router>
                        <OperatorFrame>
                            <p class="page-under-test">"page"</p>
                        </OperatorFrame>
                    </Router>
                </Providers>
            }
        });
        let el: &Element = root.as_ref();
        let nav = el.query_selector("nav[aria-label=事務局メニュー]").unwrap();
        assert_eq!(nav.is_some(), expect_nav);
        assert_eq!(
            el.query_selector(".page-under-test").unwrap().is_some(),
            expect_nav
        );
        if expect_nav {
            let links: Vec<String> = all(el, ".operator-nav__link").iter().map(text).collect();
            assert_eq!(
                links,
                ["利用申込", "利用状況", "施設とスタッフ", "誓約書", "設定"]
            );
            assert_eq!(alert_text(el), None);
        } else {
            assert_eq!(
                alert_text(el).as_deref(),
                Some("このページは医師会事務局のアカウントだけが使えます。")
            );
            assert!(all(el, "a").iter().any(|a| text(a) == "ホームへ戻る"));
        }
        drop(handle);
        root.remove();
    }
    reset_storage();
    api::set_api_base("");
}
