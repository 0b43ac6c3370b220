//! Media in an S3-compatible bucket: upload → post → download, with the bytes in the bucket
//! and not on the server's disk. Run by `scripts/s3-test.sh`, which starts a moto server and
//! names it in `TSUNAGU_TEST_S3_ENDPOINT` / `TSUNAGU_TEST_S3_BUCKET`.
#![cfg(feature = "s3")]

mod common;

use common::{TestApp, YAMADA};
use object_store::ObjectStore;
use serde_json::{json, Value};
use tsunagu_server::media::ObjectsConfig;

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[tokio::test]
async fn a_photo_goes_through_the_bucket() {
    let (Ok(endpoint), Ok(bucket)) = (
        std::env::var("TSUNAGU_TEST_S3_ENDPOINT"),
        std::env::var("TSUNAGU_TEST_S3_BUCKET"),
    ) else {
        panic!("run through scripts/s3-test.sh (needs TSUNAGU_TEST_S3_ENDPOINT and _BUCKET)");
    };
    let objects = ObjectsConfig::S3 {
        bucket: bucket.clone(),
        endpoint: Some(endpoint.clone()),
    };
    let app = TestApp::start_with(|s| s.media.objects = objects.clone()).await;
    let nurse = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    let mut photo = std::io::Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(800, 600)
        .write_to(&mut photo, image::ImageFormat::Png)
        .unwrap();
    let photo = photo.into_inner();

    let created = app
        .client
        .post(app.url("/api/v1/uploads"))
        .bearer_auth(&nurse)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", photo.len().to_string())
        .header(
            "Upload-Metadata",
            format!(
                "group {},timeline {},filename {}",
                b64(&group.to_string()),
                b64("care"),
                b64("s3.png")
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let id = location.rsplit('/').next().unwrap().to_owned();
    let patched = app
        .client
        .patch(app.url(&location))
        .bearer_auth(&nurse)
        .header("Tus-Resumable", "1.0.0")
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", "0")
        .body(photo.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 204, "{:?}", patched.text().await);
    let post = app
        .post_json(
            &nurse,
            &format!("/api/v1/groups/{group}/posts"),
            &json!({ "body": "S3", "attachments": [{ "upload_id": id }] }),
        )
        .await;
    assert_eq!(post.status(), 201);
    let post: Value = post.json().await.unwrap();
    assert_eq!(post["attachments"][0]["width"], 800);

    let doctor = app.login("dr.sato").await;
    let downloaded = app.get(&doctor, &format!("/api/v1/media/{id}")).await;
    assert_eq!(downloaded.status(), 200);
    assert_eq!(downloaded.bytes().await.unwrap(), photo);
    let ranged = app
        .client
        .get(app.url(&format!("/api/v1/media/{id}")))
        .bearer_auth(&doctor)
        .header("Range", "bytes=0-7")
        .send()
        .await
        .unwrap();
    assert_eq!(ranged.status(), 206);
    assert_eq!(ranged.bytes().await.unwrap(), &photo[..8]);
    let thumb = app
        .get(&doctor, &format!("/api/v1/media/{id}/thumbnail"))
        .await;
    assert_eq!(thumb.status(), 200);

    // The bytes are in the bucket, read there by a client of our own.
    let bucket_client = object_store::aws::AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .with_endpoint(endpoint)
        .with_allow_http(true)
        .with_virtual_hosted_style_request(false)
        .build()
        .unwrap();
    let stored = bucket_client
        .get(&object_store::path::Path::from(format!("files/{id}")))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(stored, photo);
}
