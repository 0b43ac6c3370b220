//! Media: resumable uploads (tus), the checks on the last byte, attaching files to posts, and
//! downloading them as only the post's readers may.

use crate::common;

use std::time::Duration;

use common::{expect_problem, TestApp, NAKAMURA, YAMADA};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// `POST /api/v1/uploads`; returns the response.
async fn create(
    app: &TestApp,
    token: &str,
    group: Uuid,
    timeline: &str,
    name: &str,
    length: u64,
) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/uploads"))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", length.to_string())
        .header(
            "Upload-Metadata",
            format!(
                "group {},timeline {},filename {},filetype {}",
                b64(&group.to_string()),
                b64(timeline),
                b64(name),
                b64("image/jpeg")
            ),
        )
        .send()
        .await
        .unwrap()
}

async fn patch(
    app: &TestApp,
    token: &str,
    id: &str,
    offset: u64,
    bytes: Vec<u8>,
) -> reqwest::Response {
    app.client
        .patch(app.url(&format!("/api/v1/uploads/{id}")))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", offset.to_string())
        .body(bytes)
        .send()
        .await
        .unwrap()
}

/// Uploads a whole file in one PATCH: the upload id and the PATCH's response.
async fn upload(
    app: &TestApp,
    token: &str,
    group: Uuid,
    timeline: &str,
    name: &str,
    bytes: &[u8],
) -> (String, reqwest::Response) {
    let created = create(app, token, group, timeline, name, bytes.len() as u64).await;
    assert_eq!(created.status(), 201, "{:?}", created.text().await);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let id = location.rsplit('/').next().unwrap().to_owned();
    let response = patch(app, token, &id, 0, bytes.to_vec()).await;
    (id, response)
}

async fn upload_ok(
    app: &TestApp,
    token: &str,
    group: Uuid,
    timeline: &str,
    name: &str,
    bytes: &[u8],
) -> String {
    let (id, response) = upload(app, token, group, timeline, name, bytes).await;
    assert_eq!(response.status(), 204, "{:?}", response.text().await);
    id
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(width, height)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

const GPS_TEXT: &[u8] = b"35.6812N 139.7671E";

/// A JPEG with an EXIF segment holding a GPS IFD (latitude reference `N`) and a position in
/// text, right after the start of image.
fn jpeg_with_gps() -> Vec<u8> {
    let mut tiff = b"MM\0*\0\0\0\x08".to_vec();
    // IFD0: one entry, GPSInfo (0x8825, LONG) pointing at offset 26.
    tiff.extend_from_slice(&[0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]);
    // GPS IFD: GPSLatitudeRef = "N".
    tiff.extend_from_slice(&[0, 1, 0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0, 0, 0, 0, 0]);
    tiff.extend_from_slice(GPS_TEXT);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let plain = jpeg(64, 48);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend_from_slice(&plain[2..]);
    out
}

fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    let mut x: u32 = 12345;
    while bytes.len() < len {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        bytes.push((x >> 16) as u8);
    }
    bytes
}

async fn download(app: &TestApp, token: &str, id: &str) -> reqwest::Response {
    app.get(token, &format!("/api/v1/media/{id}")).await
}

async fn post_with(app: &TestApp, token: &str, group: Uuid, body: Value) -> reqwest::Response {
    app.post_json(token, &format!("/api/v1/groups/{group}/posts"), &body)
        .await
}

#[tokio::test]
async fn tus_options_and_meta_announce_uploads() {
    let app = TestApp::start().await;
    let response = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/uploads"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(response.headers()["tus-version"], "1.0.0");
    assert_eq!(response.headers()["tus-extension"], "creation,termination");
    assert_eq!(response.headers()["tus-max-size"], "200000000");
    let meta: Value = app
        .client
        .get(app.url("/api/v1/meta"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(meta["capabilities"]
        .as_array()
        .unwrap()
        .contains(&json!("resumable_upload")));
    assert_eq!(meta["limits"]["media"]["max_video_bytes"], 200_000_000);
}

#[tokio::test]
async fn a_photo_loses_its_gps_and_goes_on_a_post_that_carries_it_everywhere() {
    let app = TestApp::start().await;
    let nurse = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let photo = jpeg_with_gps();
    assert!(photo.windows(GPS_TEXT.len()).any(|w| w == GPS_TEXT));
    let id = upload_ok(&app, &nurse, group, "care", "写真.jpg", &photo).await;

    // Before it is on a post, only its uploader sees it.
    let stored = download(&app, &nurse, &id).await;
    assert_eq!(stored.status(), 200);
    assert_eq!(stored.headers()["content-type"], "image/jpeg");
    assert_eq!(stored.headers()["x-content-type-options"], "nosniff");
    assert!(stored.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("private"));
    assert!(stored.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    assert!(stored.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("inline;"));
    let bytes = stored.bytes().await.unwrap();
    assert!(
        !bytes.windows(GPS_TEXT.len()).any(|w| w == GPS_TEXT),
        "GPS text survived"
    );
    assert!(!bytes.windows(6).any(|w| w == b"Exif\0\0"), "EXIF survived");
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 64);
    let doctor = app.login("dr.sato").await;
    expect_problem(download(&app, &doctor, &id).await, 404, "not_found").await;

    let status: Value = app
        .get(&nurse, &format!("/api/v1/uploads/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["attachment"]["kind"], "image");
    assert_eq!(status["attachment"]["width"], 64);
    assert_eq!(status["attachment"]["thumbnail"], true);

    // A post with only the photo.
    let response = post_with(
        &app,
        &nurse,
        group,
        json!({ "body": "", "attachments": [{ "upload_id": id }] }),
    )
    .await;
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    let post: Value = response.json().await.unwrap();
    assert_eq!(post["attachments"][0]["id"], id);
    assert_eq!(post["attachments"][0]["height"], 48);
    let post_id = post["id"].as_str().unwrap().to_owned();

    // The timeline page (built as JSON by SQLite), the post and the group's media all carry it.
    let page: Value = app
        .get(
            &doctor,
            &format!("/api/v1/groups/{group}/posts?timeline=care&limit=1"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["id"], post_id.as_str());
    assert_eq!(page["items"][0]["attachments"], post["attachments"]);
    let one: Value = app
        .get(&doctor, &format!("/api/v1/groups/{group}/posts/{post_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["attachments"], post["attachments"]);
    let media: Value = app
        .get(&doctor, &format!("/api/v1/groups/{group}/media"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(media["items"][0]["attachment"]["id"], id);
    assert_eq!(media["items"][0]["post_id"], post_id.as_str());

    // Now the post's readers may fetch it and its thumbnail.
    assert_eq!(download(&app, &doctor, &id).await.status(), 200);
    let thumb = app
        .get(&doctor, &format!("/api/v1/media/{id}/thumbnail"))
        .await;
    assert_eq!(thumb.status(), 200);
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");
    // Family members never get a care file, other groups' members never any.
    let family = app.login("fam.yamada").await;
    expect_problem(download(&app, &family, &id).await, 404, "not_found").await;
    let outsider = app.login("fam.nakamura").await;
    expect_problem(download(&app, &outsider, &id).await, 404, "not_found").await;
    let family_media: Value = app
        .get(&family, &format!("/api/v1/groups/{group}/media"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(family_media["items"], json!([]));

    // An upload goes on one post only.
    let again = post_with(
        &app,
        &nurse,
        group,
        json!({ "body": "x", "attachments": [{ "upload_id": id }] }),
    )
    .await;
    let problem = expect_problem(again, 422, "field_invalid").await;
    assert_eq!(problem["errors"][0]["field"], "attachments");

    // Deleting the post hides the file from its readers (not from its author).
    let deleted = app
        .delete(&nurse, &format!("/api/v1/groups/{group}/posts/{post_id}"))
        .await;
    assert_eq!(deleted.status(), 200, "{:?}", deleted.text().await);
    let hh = app.login("hh.ito").await;
    expect_problem(download(&app, &hh, &id).await, 404, "not_found").await;
    assert_eq!(download(&app, &nurse, &id).await.status(), 200);
    let media: Value = app
        .get(&doctor, &format!("/api/v1/groups/{group}/media"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(media["items"], json!([]));

    // Every download was audited.
    let db = app.audit_flushed().await;
    let reads: i64 = db
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'media.read'",
            &[],
        )
        .await;
    assert!(reads >= 4, "{reads}");
}

#[tokio::test]
async fn family_files_reach_the_family_and_the_cookie_works_for_media_elements() {
    let app = TestApp::start().await;
    let family = app.login("fam.yamada").await;
    let group = app.group_id(YAMADA).await;
    // A family member may not upload to the care timeline.
    let care = create(&app, &family, group, "care", "a.pdf", 10).await;
    expect_problem(care, 404, "not_found").await;
    let bytes = pdf(5000);
    let id = upload_ok(&app, &family, group, "family", "報告.pdf", &bytes).await;
    let response = post_with(
        &app,
        &family,
        group,
        json!({ "body": "資料です", "attachments": [{ "upload_id": id }] }),
    )
    .await;
    assert_eq!(response.status(), 201, "{:?}", response.text().await);

    let nurse = app.login("ns.tanaka").await;
    let cookie = app
        .client
        .put(app.url("/api/v1/session/media-cookie"))
        .bearer_auth(&nurse)
        .send()
        .await
        .unwrap();
    assert_eq!(cookie.status(), 204);
    let set = cookie.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set.contains("HttpOnly")
            && set.contains("SameSite=Strict")
            && set.contains("Path=/api/v1/media"),
        "{set}"
    );
    let pair = set.split(';').next().unwrap().to_owned();
    let by_cookie = app
        .client
        .get(app.url(&format!("/api/v1/media/{id}")))
        .header("Cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(by_cookie.status(), 200);
    assert_eq!(by_cookie.headers()["content-type"], "application/pdf");
    let disposition = by_cookie.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("filename*=UTF-8''%E5%A0%B1%E5%91%8A.pdf"),
        "{disposition}"
    );
    assert_eq!(by_cookie.bytes().await.unwrap(), bytes);

    // Ranges.
    let ranged = app
        .client
        .get(app.url(&format!("/api/v1/media/{id}")))
        .bearer_auth(&nurse)
        .header("Range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(ranged.status(), 206);
    assert_eq!(ranged.headers()["content-range"], "bytes 100-199/5000");
    assert_eq!(ranged.bytes().await.unwrap(), &bytes[100..200]);
    let outside = app
        .client
        .get(app.url(&format!("/api/v1/media/{id}")))
        .bearer_auth(&nurse)
        .header("Range", "bytes=5000-")
        .send()
        .await
        .unwrap();
    assert_eq!(outside.status(), 416);
    assert_eq!(outside.headers()["content-range"], "bytes */5000");

    // Logging out clears the cookie, and the cookie's session is gone anyway.
    let logout = app.delete(&nurse, "/api/v1/sessions/current").await;
    assert!(logout.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let after = app
        .client
        .get(app.url(&format!("/api/v1/media/{id}")))
        .header("Cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);
}

#[tokio::test]
async fn files_are_typed_by_content_and_limited_by_size() {
    let app = TestApp::start_with(|s| {
        s.media.limits.max_file_bytes = 4000;
        s.media.limits.max_post_bytes = 6000;
    })
    .await;
    let nurse = app.login("ns.tanaka").await;
    let group = app.group_id(NAKAMURA).await;

    // Announced larger than any file may be.
    let response = create(&app, &nurse, group, "care", "big.mp4", 200_000_001).await;
    expect_problem(response, 413, "file_too_large").await;

    // A ZIP and an executable named like photos.
    let zip = b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x07\0\0\0evil.sh".to_vec();
    let (id, response) = upload(&app, &nurse, group, "care", "photo.jpg", &zip).await;
    expect_problem(response, 415, "unsupported_media_type").await;
    expect_problem(
        app.get(&nurse, &format!("/api/v1/uploads/{id}")).await,
        404,
        "not_found",
    )
    .await;
    let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec();
    let (_, response) = upload(&app, &nurse, group, "care", "photo.jpg", &exe).await;
    expect_problem(response, 415, "unsupported_media_type").await;

    // A PNG that declares 100000×100000 pixels: refused from its header.
    let mut bomb = Vec::new();
    image::DynamicImage::new_rgb8(1, 1)
        .write_to(
            &mut std::io::Cursor::new(&mut bomb),
            image::ImageFormat::Png,
        )
        .unwrap();
    bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    let (_, response) = upload(&app, &nurse, group, "care", "bomb.png", &bomb).await;
    expect_problem(response, 415, "unsupported_media_type").await;

    // A document over its kind's limit is refused when its kind is known.
    let (_, response) = upload(&app, &nurse, group, "care", "big.pdf", &pdf(4001)).await;
    expect_problem(response, 413, "file_too_large").await;

    // Two documents within the limit each, over the post's limit together.
    let a = upload_ok(&app, &nurse, group, "care", "a.pdf", &pdf(3500)).await;
    let b = upload_ok(&app, &nurse, group, "care", "b.pdf", &pdf(3500)).await;
    let response = post_with(
        &app,
        &nurse,
        group,
        json!({ "body": "2", "attachments": [{ "upload_id": a }, { "upload_id": b }] }),
    )
    .await;
    expect_problem(response, 413, "file_too_large").await;
    // Someone else's upload cannot be attached.
    let doctor = app.login("dr.sato").await;
    let response = post_with(
        &app,
        &doctor,
        group,
        json!({ "body": "x", "attachments": [{ "upload_id": a }] }),
    )
    .await;
    expect_problem(response, 422, "field_invalid").await;
    // Nor can another upload of theirs be touched.
    let head = app
        .client
        .head(app.url(&format!("/api/v1/uploads/{a}")))
        .bearer_auth(&doctor)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 404);
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

async fn head_offset(app: &TestApp, token: &str, id: &str) -> u64 {
    let head = app
        .client
        .head(app.url(&format!("/api/v1/uploads/{id}")))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["cache-control"], "no-store");
    head.headers()["upload-offset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// The point of resumable uploads: a connection lost mid-body keeps what arrived, HEAD says
/// where to go on, and the finished file is byte for byte the one sent.
#[tokio::test]
async fn an_interrupted_upload_resumes_where_it_stopped() {
    let app = TestApp::start().await;
    let nurse = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let file = pdf(3 * 1024 * 1024);
    let created = create(&app, &nurse, group, "care", "記録.pdf", file.len() as u64).await;
    assert_eq!(created.status(), 201);
    let id = created.headers()["location"]
        .to_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();

    // A wrong offset is a conflict.
    let wrong = patch(&app, &nurse, &id, 10, vec![1, 2, 3]).await;
    expect_problem(wrong, 409, "precondition_failed").await;

    // Send the headers and the first megabyte, then drop the connection.
    let sent = 1024 * 1024;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "PATCH /api/v1/uploads/{id} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {nurse}\r\n\
         Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n\
         Content-Length: {}\r\n\r\n",
        app.addr,
        file.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&file[..sent]).await.unwrap();
    stream.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(stream);

    let mut offset = 0;
    for _ in 0..50 {
        offset = head_offset(&app, &nurse, &id).await;
        if offset == sent as u64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(offset, sent as u64, "the bytes that arrived are kept");

    let rest = patch(&app, &nurse, &id, offset, file[sent..].to_vec()).await;
    assert_eq!(rest.status(), 204, "{:?}", rest.text().await);
    assert_eq!(
        rest.headers()["upload-offset"],
        file.len().to_string().as_str()
    );
    let stored = download(&app, &nurse, &id).await.bytes().await.unwrap();
    assert!(stored == file, "the resumed file differs");
}

#[tokio::test]
async fn a_cancelled_upload_is_gone() {
    let app = TestApp::start().await;
    let nurse = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let created = create(&app, &nurse, group, "care", "x.pdf", 100).await;
    let id = created.headers()["location"]
        .to_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let response = app
        .client
        .delete(app.url(&format!("/api/v1/uploads/{id}")))
        .bearer_auth(&nurse)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    expect_problem(
        app.get(&nurse, &format!("/api/v1/uploads/{id}")).await,
        404,
        "not_found",
    )
    .await;
    let late = patch(&app, &nurse, &id, 0, pdf(100)).await;
    expect_problem(late, 404, "not_found").await;
}
