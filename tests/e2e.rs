//! Browser end-to-end tests: the real server on a temporary database serves the release-built SPA
//! (`dist/`, exactly what `make run` serves), and headless Chromium, driven through chromedriver,
//! uses it as a person would — controls are found by role and accessible name, not CSS paths.
//!
//! Run by `make e2e` (part of `make test`), which builds `dist/` and the server first:
//! `cargo test --workspace --test e2e -- --ignored --test-threads=1`.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::time::Duration;
use support::{Browser, Stack, DEMO_PASSWORD};

/// Step 3 of the walking skeleton: log in (a wrong password first), see my groups, open one,
/// read its timeline oldest-first with "load older", write a post, switch language, log out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release build in dist/, the server binary and chromedriver: run by `make e2e`"]
async fn a_nurse_logs_in_reads_a_timeline_posts_and_logs_out() {
    let stack = Stack::start().await;
    // Another member has been busy: more posts than one page, so "load older" matters.
    let api = stack.api_login("dr.sato").await;
    let group = stack.group_id_by_name(&api, "山田 花子 様").await;
    for i in 1..=60 {
        stack
            .api_post(
                &api,
                &group,
                &format!("経過記録 {i:02}: 訪問時バイタル安定。"),
            )
            .await;
    }

    let b = Browser::open(&stack).await;
    b.goto("/").await;

    // Wrong password: a clear Japanese message, and the login ID stays as typed.
    let login_id = b.by_role("textbox", "ログインID").await;
    login_id.send_keys("ns.tanaka").await.unwrap();
    let password = b.by_label("input[type=password]", "パスワード").await;
    password.send_keys("wrong-password-123").await.unwrap();
    b.by_role("button", "ログイン").await.click().await.unwrap();
    let alert = b
        .by_role_text("alert", "ログインIDまたはパスワードが正しくありません")
        .await;
    assert!(alert.is_displayed().await.unwrap());
    assert_eq!(
        b.by_role("textbox", "ログインID")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("ns.tanaka"),
        "the login ID typed must survive a failed login"
    );

    let password = b.by_label("input[type=password]", "パスワード").await;
    password.clear().await.unwrap();
    password.send_keys(DEMO_PASSWORD).await.unwrap();
    b.by_role("button", "ログイン").await.click().await.unwrap();

    // My groups: the three demo groups ns.tanaka belongs to, as links named after the group.
    for name in [
        "山田 花子 様",
        "中村 一郎 様",
        "あおば訪問看護ステーション 連絡",
    ] {
        b.by_role("link", name).await;
    }
    b.by_role("link", "山田 花子 様")
        .await
        .click()
        .await
        .unwrap();
    b.by_role("heading", "山田 花子 様").await;
    let log = b.by_role("log", "タイムライン").await;

    // The latest page: 50 posts, oldest at the top and the newest at the bottom.
    let bodies = b.wait_post_count(50, Duration::from_secs(10)).await;
    assert!(
        bodies.last().unwrap().contains("経過記録 60"),
        "newest must be last: {bodies:?}"
    );
    assert!(bodies[bodies.len() - 2].contains("経過記録 59"));
    assert!(log.is_displayed().await.unwrap());

    // Load older through the keyset cursor until everything is there; no duplicates.
    b.by_role("button", "以前の投稿を読み込む")
        .await
        .click()
        .await
        .unwrap();
    let all = b
        .wait_post_count_at_least(85, Duration::from_secs(10))
        .await;
    let ids = b.post_ids().await;
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a post is shown twice");
    assert!(all.last().unwrap().contains("経過記録 60"));
    let first_new = all.iter().position(|t| t.contains("経過記録 01")).unwrap();
    assert!(
        first_new > 0,
        "demo posts (older) must come before the new ones"
    );
    b.wait_gone("button", "以前の投稿を読み込む").await;

    // Write a post: it appears at the bottom, the editor empties, and it is on the server.
    let text = "本日15時訪問。仙骨部の褥瘡、滲出液減少。体温36.6℃。";
    let editor = b.by_role("textbox", "メッセージ").await;
    editor.send_keys(text).await.unwrap();
    b.by_role("button", "送信").await.click().await.unwrap();
    let after = b
        .wait_post_count_at_least(all.len() + 1, Duration::from_secs(10))
        .await;
    assert!(
        after.last().unwrap().contains(text),
        "sent post must be last: {:?}",
        after.last()
    );
    assert_eq!(
        b.by_role("textbox", "メッセージ")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("")
    );
    b.screenshot("timeline.png").await;
    let on_server = stack.api_latest_bodies(&api, &group).await;
    assert_eq!(on_server.first().map(String::as_str), Some(text));

    // Reload: still logged in, the post is still there (it came from the server).
    b.refresh().await;
    b.by_role("heading", "山田 花子 様").await;
    let reloaded = b
        .wait_post_count_at_least(50, Duration::from_secs(10))
        .await;
    assert!(reloaded.last().unwrap().contains(text));

    // English, remembered across a reload, then back to Japanese.
    b.by_role("button", "English").await.click().await.unwrap();
    b.wait_html_lang("en").await;
    b.refresh().await;
    b.wait_html_lang("en").await;
    b.by_role("button", "日本語").await.click().await.unwrap();
    b.wait_html_lang("ja").await;

    // Log out: back at the login screen; the old session is dead on the server too.
    let token = b.local_storage_token().await;
    b.by_role("button", "ログアウト")
        .await
        .click()
        .await
        .unwrap();
    b.by_role("button", "ログイン").await;
    assert_eq!(stack.api_status_with_token(&token, "/me").await, 401);
    b.goto(&format!("/groups/{group}")).await;
    b.by_role("button", "ログイン").await;
    b.close().await;
}

/// A professional who is not a member gets nothing of a patient group, even by direct URL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release build in dist/, the server binary and chromedriver: run by `make e2e`"]
async fn a_non_member_sees_no_trace_of_a_patient_group() {
    let stack = Stack::start().await;
    let api = stack.api_login("ns.tanaka").await;
    let group = stack.group_id_by_name(&api, "山田 花子 様").await;

    let b = Browser::open(&stack).await;
    b.goto("/").await;
    b.by_role("textbox", "ログインID")
        .await
        .send_keys("ns.kobayashi")
        .await
        .unwrap();
    b.by_label("input[type=password]", "パスワード")
        .await
        .send_keys(DEMO_PASSWORD)
        .await
        .unwrap();
    b.by_role("button", "ログイン").await.click().await.unwrap();
    b.by_role("link", "あおば訪問看護ステーション 連絡").await;
    assert!(
        !b.page_text().await.contains("山田"),
        "the list leaks another group"
    );

    b.goto(&format!("/groups/{group}")).await;
    b.by_role_text("alert", "見つかりません").await;
    let page = b.page_text().await;
    assert!(!page.contains("山田"), "the page leaks the patient's name");
    assert!(
        b.post_ids().await.is_empty(),
        "posts of a foreign group are shown"
    );
    b.close().await;
}

/// The physician rule, end to end: a care manager (an admin who is not the attending physician)
/// adds a nurse; the invitation waits for the physician, who approves it in the inbox; the nurse
/// then sees the group and the system entries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release build in dist/, the server binary and chromedriver: run by `make e2e`"]
async fn a_care_manager_invites_and_the_physician_approves() {
    let stack = Stack::start().await;
    let cm = Browser::open(&stack).await;
    cm.login("cm.suzuki").await;
    cm.click("link", "山田 花子 様").await;
    cm.by_role("heading", "山田 花子 様").await;
    cm.click("link", "メンバー").await;
    cm.by_role("heading", "メンバー").await;
    cm.click("button", "メンバーを追加").await;
    cm.type_into("searchbox", "名前・よみ・事業所で検索", "小林")
        .await;
    cm.click("button", "小林 直子さんを追加").await;
    cm.by_role_text("status", "主治医の承認待ちです").await;
    cm.by_role("heading", "主治医の承認待ち").await;
    cm.close().await;

    let b = Browser::open(&stack).await;
    b.login("dr.sato").await;
    b.by_role_text("link", "承認待ち")
        .await
        .click()
        .await
        .unwrap();
    b.by_role("heading", "承認待ちの招待").await;
    b.click("button", "小林 直子さんの招待を承認").await;
    b.wait_gone("button", "小林 直子さんの招待を承認").await;
    b.by_role_text("paragraph", "承認待ちの招待はありません")
        .await;
    b.logout().await;

    b.login("ns.kobayashi").await;
    b.click("link", "山田 花子 様").await;
    b.by_role("heading", "山田 花子 様").await;
    b.wait_timeline_text("鈴木 由美さんが小林 直子さんを招待しました（主治医の承認待ち）")
        .await;
    b.wait_timeline_text("佐藤 健一さん（主治医）が承認しました")
        .await;
    b.by_role_text("note", "承認しました").await;
    b.close().await;
}

/// A family link: the care manager creates it, a relative opens it in a fresh browser, joins,
/// lands in the family timeline (no care tab, no directory) and posts; the professional reads it
/// under "家族と共有".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release build in dist/, the server binary and chromedriver: run by `make e2e`"]
async fn a_relative_joins_through_a_family_link_and_posts() {
    let stack = Stack::start().await;
    let cm = Browser::open(&stack).await;
    cm.login("cm.suzuki").await;
    cm.click("link", "山田 花子 様").await;
    cm.click("link", "メンバー").await;
    cm.click("button", "家族を招待").await;
    let link = cm.by_role("textbox", "招待リンク").await;
    // Chromium reports role="img" as "image": find the SVG by its accessible name.
    cm.by_label("svg", "招待リンクのQRコード").await;
    cm.screenshot("members.png").await;
    let url = link.prop("value").await.unwrap().unwrap_or_default();
    assert!(url.contains("/join/"), "not a join link: {url:?}");
    let path = &url[url.find("/join/").unwrap()..];

    let fam = Browser::open(&stack).await;
    fam.goto(path).await;
    fam.by_role("heading", "山田 花子 様に招待されています")
        .await;
    fam.type_into("textbox", "表示名", "山田 次郎").await;
    fam.type_into("textbox", "ログインID", "yamada.jiro").await;
    fam.by_label("input[type=password]", "パスワード")
        .await
        .send_keys("yamada-family-02")
        .await
        .unwrap();
    fam.by_label("input[type=password]", "パスワード（確認）")
        .await
        .send_keys("yamada-family-02")
        .await
        .unwrap();
    fam.click("button", "参加する").await;
    fam.by_role("heading", "山田 花子 様").await;
    fam.by_role("log", "タイムライン").await;
    assert_eq!(fam.count_css("[role=tab]").await, 0, "family sees a tab");
    assert_eq!(
        fam.count_css("a[href='/directory']").await,
        0,
        "family sees 名簿"
    );
    let text = "次男の次郎です。週末は私が付き添います。";
    fam.type_into("textbox", "メッセージ", text).await;
    fam.click("button", "送信").await;
    fam.wait_timeline_text(text).await;
    fam.close().await;

    cm.click("link", "山田 花子 様").await;
    cm.click("tab", "家族と共有").await;
    cm.wait_timeline_text(text).await;
    cm.close().await;
}

/// A direct message round trip through the directory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release build in dist/, the server binary and chromedriver: run by `make e2e`"]
async fn a_direct_message_round_trip_through_the_directory() {
    let stack = Stack::start().await;
    let b = Browser::open(&stack).await;
    b.login("ns.tanaka").await;
    b.click("link", "名簿").await;
    b.by_role("heading", "名簿").await;
    b.type_into("searchbox", "名前・よみ・事業所で検索", "たかはし")
        .await;
    b.click("button", "高橋 誠さんにメッセージ").await;
    b.by_role("heading", "高橋 誠").await;
    let question = "高橋さん、山田様の新しい処方は明日届きますか？";
    b.type_into("textbox", "メッセージ", question).await;
    b.click("button", "送信").await;
    b.wait_timeline_text(question).await;
    b.logout().await;

    b.login("ph.takahashi").await;
    b.by_role("heading", "ダイレクトメッセージ").await;
    b.click("link", "田中 美咲").await;
    b.wait_timeline_text(question).await;
    let answer = "明日の午前中にお届けします。";
    b.type_into("textbox", "メッセージ", answer).await;
    b.click("button", "送信").await;
    b.wait_timeline_text(answer).await;
    b.logout().await;

    b.login("ns.tanaka").await;
    b.click("link", "高橋 誠").await;
    b.wait_timeline_text(answer).await;
    b.close().await;
}

/// Creating a patient group through the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release build in dist/, the server binary and chromedriver: run by `make e2e`"]
async fn a_patient_group_is_created_through_the_form() {
    let stack = Stack::start().await;
    let b = Browser::open(&stack).await;
    b.login("cm.suzuki").await;
    b.click("link", "新しいグループ").await;
    b.by_role("heading", "新しいグループ").await;
    b.by_role("radio", "患者グループ").await;
    b.type_into("textbox", "氏名", "木下 春子").await;
    b.type_into("textbox", "よみがな", "きのした はるこ").await;
    b.type_into("searchbox", "名前・よみ・事業所で検索", "佐藤")
        .await;
    b.click("button", "佐藤 健一さんを選択").await;
    b.by_role("button", "選択を解除").await;
    b.type_into("textbox", "メモ", "キーパーソン: 長女").await;
    b.click("button", "作成").await;
    b.by_role("heading", "木下 春子 様").await;
    b.by_role("link", "木下 春子 様").await;
    b.by_role("tab", "ケア（専門職）").await;
    b.close().await;
}

/// Composer drafts: typed text survives a reload, stays with its group and timeline (switching
/// groups or tabs neither carries it over nor loses it), and is gone once sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release build in dist/, the server binary and chromedriver: run by `make e2e`"]
async fn a_draft_survives_a_reload_stays_with_its_timeline_and_goes_when_sent() {
    let stack = Stack::start().await;
    let b = Browser::open(&stack).await;
    b.login("ns.tanaka").await;
    b.click("link", "山田 花子 様").await;
    b.by_role("heading", "山田 花子 様").await;

    // Typed, not sent; after the debounce a reload brings it back.
    let care = "ご家族へ説明予定：来週から訪問回数を増やします。";
    b.type_into("textbox", "メッセージ", care).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    b.refresh().await;
    b.by_role("heading", "山田 花子 様").await;
    b.wait_value("textbox", "メッセージ", care).await;

    // The family timeline has its own (empty) draft; each tab keeps its text.
    b.click("tab", "家族と共有").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    b.wait_value("textbox", "メッセージ", "").await;
    let family = "来週の予定をお知らせします。";
    b.type_into("textbox", "メッセージ", family).await;
    // Switching right away: the unmount saves it without waiting for the debounce.
    b.click("tab", "ケア（専門職）").await;
    b.wait_value("textbox", "メッセージ", care).await;
    b.click("tab", "家族と共有").await;
    b.wait_value("textbox", "メッセージ", family).await;
    b.click("tab", "ケア（専門職）").await;
    b.wait_value("textbox", "メッセージ", care).await;

    // Another group: nothing carried over; back again: still there.
    b.click("link", "中村 一郎 様").await;
    b.by_role("heading", "中村 一郎 様").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    b.wait_value("textbox", "メッセージ", "").await;
    b.click("link", "山田 花子 様").await;
    b.by_role("heading", "山田 花子 様").await;
    b.wait_value("textbox", "メッセージ", care).await;

    // Sent: the draft is deleted, so a reload shows an empty editor; the family draft stays.
    b.click("button", "送信").await;
    b.wait_timeline_text(care).await;
    b.wait_value("textbox", "メッセージ", "").await;
    b.refresh().await;
    b.by_role("heading", "山田 花子 様").await;
    b.wait_timeline_text(care).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    b.wait_value("textbox", "メッセージ", "").await;
    b.click("tab", "家族と共有").await;
    b.wait_value("textbox", "メッセージ", family).await;
    b.close().await;
}
