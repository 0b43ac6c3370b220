//! A facility's staff list as CSV: Excel's Shift_JIS (CP932) and UTF-8 files, a preview with
//! every row's problems, all rows or none, and an export that imports back.

use crate::common;

use std::time::Instant;

use common::{expect_problem, TestApp};
use serde_json::Value;
use uuid::Uuid;

async fn facility_of(app: &TestApp, token: &str) -> Uuid {
    let me: Value = app.get(token, "/api/v1/me").await.json().await.unwrap();
    me["facility"]["id"].as_str().unwrap().parse().unwrap()
}

async fn import(
    app: &TestApp,
    token: &str,
    facility: Uuid,
    dry_run: bool,
    file: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!(
            "/api/v1/facilities/{facility}/staff/import?dry_run={dry_run}"
        )))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(file)
        .send()
        .await
        .unwrap()
}

async fn staff_count(app: &TestApp, token: &str, facility: Uuid) -> usize {
    let list: Value = app
        .get(token, &format!("/api/v1/facilities/{facility}/staff"))
        .await
        .json()
        .await
        .unwrap();
    list["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_shift_jis_file_from_excel_is_previewed_then_imported_whole() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let facility = facility_of(&app, &tanaka).await;
    let text = "氏名,ふりがな,職種,ログインID\r\n\
                髙橋 一郎,タカハシ イチロウ,看護師,takahashi.ichiro\r\n\
                渡部 ①子,わたべ いちこ,理学療法士,watabe.ichiko\r\n\
                斎藤 三郎,さいとう さぶろう,ケアマネージャー,saito.saburo\r\n";
    let (cp932, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    // The bytes Excel writes for 看護師, not only what the library round-trips.
    assert!(cp932
        .windows(6)
        .any(|w| w == [0x8a, 0xc5, 0x8c, 0xec, 0x8e, 0x74]));
    let before = staff_count(&app, &tanaka, facility).await;

    let preview = import(&app, &tanaka, facility, true, cp932.to_vec()).await;
    assert_eq!(preview.status(), 200);
    let preview: Value = preview.json().await.unwrap();
    assert_eq!(preview["valid"], 3);
    assert_eq!(preview["invalid"], 0);
    assert_eq!(preview["rows"][0]["line"], 2);
    assert_eq!(preview["rows"][0]["staff"]["display_name"], "髙橋 一郎");
    assert_eq!(
        preview["rows"][0]["staff"]["display_name_kana"],
        "たかはし いちろう"
    );
    assert_eq!(preview["rows"][2]["staff"]["profession"], "care_manager");
    // A preview creates nothing.
    assert_eq!(staff_count(&app, &tanaka, facility).await, before);

    let done = import(&app, &tanaka, facility, false, cp932.to_vec()).await;
    assert_eq!(done.status(), 201);
    let done: Value = done.json().await.unwrap();
    let created = done["created"].as_array().unwrap();
    assert_eq!(created.len(), 3);
    assert_eq!(staff_count(&app, &tanaka, facility).await, before + 3);
    // Each has its own link, which activates the account.
    let token = created[1]["activation"]["token"].as_str().unwrap();
    let info: Value = app
        .client
        .get(app.url(&format!("/api/v1/activation/{token}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["display_name"], "渡部 ①子");
    let imported: i64 = app
        .audit_flushed()
        .await
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'staff.import'",
            &[],
        )
        .await;
    assert_eq!(imported, 3);
}

#[tokio::test]
async fn one_bad_row_reports_every_problem_and_imports_nothing() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let facility = facility_of(&app, &tanaka).await;
    // UTF-8 with a BOM, English headers in another order.
    let file = "\u{feff}login_id,name,kana,profession\n\
                good.one,良井 一,よしい はじめ,nurse\n\
                NS.Kobayashi,小林 二,こばやし に,nurse\n\
                bad.two,悪井 二,Warui,家族\n\
                good.one,良井 三,よしい さん,nurse\n";
    let before = staff_count(&app, &tanaka, facility).await;
    let preview: Value = import(&app, &tanaka, facility, true, file.into())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(preview["valid"], 1);
    assert_eq!(preview["invalid"], 3);
    let problems = |i: usize| -> Vec<(String, String)> {
        preview["rows"][i]["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["field"].as_str().unwrap().to_owned(),
                    p["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(problems(1), [("login_id".into(), "login_id_taken".into())]);
    assert_eq!(
        problems(2),
        [
            ("display_name_kana".to_owned(), "invalid_kana".to_owned()),
            ("profession".to_owned(), "not_staff_profession".to_owned())
        ]
    );
    assert_eq!(
        problems(3),
        [("login_id".to_owned(), "duplicate_in_file".to_owned())]
    );
    assert_eq!(preview["rows"][3]["line"], 5);

    expect_problem(
        import(&app, &tanaka, facility, false, file.into()).await,
        422,
        "import_invalid",
    )
    .await;
    assert_eq!(staff_count(&app, &tanaka, facility).await, before);

    // A file that is no staff list at all.
    expect_problem(
        import(&app, &tanaka, facility, true, b"a,b\n1,2\n".to_vec()).await,
        422,
        "import_invalid",
    )
    .await;
    expect_problem(
        import(&app, &tanaka, facility, true, vec![0xff, 0xfe, 0x41, 0x00]).await,
        422,
        "import_invalid",
    )
    .await;
    // Another facility's admin: the facility does not exist for them.
    let yamamoto = app.login("dr.yamamoto").await;
    expect_problem(
        import(&app, &yamamoto, facility, true, file.into()).await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_hundred_staff_are_imported_at_once_and_the_export_reads_back() {
    let app = TestApp::start().await;
    let tanaka = app.login("ns.tanaka").await;
    let facility = facility_of(&app, &tanaka).await;
    let mut file = String::from("氏名,ふりがな,職種,ログインID,備考\r\n");
    let kana: Vec<char> = "あいうえおかきくけこ".chars().collect();
    for i in 0..100 {
        let reading = format!("しょくいん {}{}", kana[i / 10], kana[i % 10]);
        // A wide remarks column: the file is larger than a JSON body may be (256 KiB).
        file.push_str(&format!(
            "職員 {i},{reading},介護福祉士,staff.{i:03},{}\r\n",
            "メモ".repeat(600)
        ));
    }
    assert!(file.len() > 300 * 1024);
    let started = Instant::now();
    let preview = import(&app, &tanaka, facility, true, file.clone().into_bytes()).await;
    assert_eq!(preview.status(), 200);
    let preview: Value = preview.json().await.unwrap();
    assert_eq!(preview["invalid"], 0, "{}", preview["rows"][0]);
    let done = import(&app, &tanaka, facility, false, file.into_bytes()).await;
    assert_eq!(done.status(), 201);
    println!(
        "100 staff: preview and import in {} ms of server time",
        started.elapsed().as_millis()
    );

    let export = app
        .get(&tanaka, &format!("/api/v1/facilities/{facility}/staff.csv"))
        .await;
    assert_eq!(export.status(), 200);
    assert!(export.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let bytes = export.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xef, 0xbb, 0xbf]), "UTF-8 with BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.starts_with("氏名,ふりがな,職種,ログインID,状態\r\n"));
    assert!(
        text.contains("職員 42,しょくいん おう,介護職,staff.042,有効\r\n"),
        "{}",
        text.lines()
            .find(|l| l.contains("staff.042"))
            .unwrap_or_default()
    );
    // The export reads back: every row is an account in use already.
    let again: Value = import(&app, &tanaka, facility, true, bytes.to_vec())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["valid"], 0);
    assert!(again["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["problems"][0]["code"] == "login_id_taken"));
    let exported: i64 = app
        .audit_flushed()
        .await
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'staff.export'",
            &[],
        )
        .await;
    assert_eq!(exported, 1);
}
