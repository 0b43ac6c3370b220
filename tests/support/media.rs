//! Files for the media tests, sent through the real API the way the app's sending side does:
//! a tus 1.0 upload (`POST /uploads`, then one `PATCH` with every byte), then a post naming it.

use serde_json::{json, Value};
use tsunagu_api::{TUS_PATCH_CONTENT_TYPE, TUS_VERSION};
use tsunagu_testkit::PostFixture;

use fantoccini::Locator;

use super::{repo_root, Browser, Stack, WAIT};

/// Standard base64 with padding (tus `Upload-Metadata` values).
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes of a fixture under `tests/fixtures/`.
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo_root().join("tests/fixtures").join(name))
        .unwrap_or_else(|e| panic!("tests/fixtures/{name}: {e}"))
}

impl Stack {
    /// Uploads `bytes` as `name` for `group`'s `timeline` (`care` or `family`); the finished
    /// upload's id.
    pub async fn api_upload(
        &self,
        token: &str,
        group: &str,
        timeline: &str,
        name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> String {
        let http = reqwest::Client::new();
        let metadata = format!(
            "group {},timeline {},filename {},filetype {}",
            base64(group.as_bytes()),
            base64(timeline.as_bytes()),
            base64(name.as_bytes()),
            base64(content_type.as_bytes())
        );
        let created = http
            .post(format!("{}/api/v1/uploads", self.base))
            .bearer_auth(token)
            .header("Tus-Resumable", TUS_VERSION)
            .header("Upload-Length", bytes.len().to_string())
            .header("Upload-Metadata", metadata)
            .send()
            .await
            .unwrap();
        assert_eq!(
            created.status().as_u16(),
            201,
            "creating the upload of {name}"
        );
        let location = created.headers()["location"].to_str().unwrap().to_owned();
        let url = if location.starts_with("http") {
            location.clone()
        } else {
            format!("{}{location}", self.base)
        };
        let patched = http
            .patch(&url)
            .bearer_auth(token)
            .header("Tus-Resumable", TUS_VERSION)
            .header("Upload-Offset", "0")
            .header("Content-Type", TUS_PATCH_CONTENT_TYPE)
            .body(bytes.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(
            patched.status().as_u16(),
            204,
            "sending the bytes of {name}"
        );
        location.rsplit('/').next().unwrap().to_owned()
    }

    /// A post on `timeline` with the finished uploads attached; the post as the server answered.
    pub async fn api_post_with_files(
        &self,
        token: &str,
        group: &str,
        timeline: &str,
        body: &str,
        uploads: &[String],
    ) -> Value {
        let attachments: Vec<Value> = uploads.iter().map(|u| json!({ "upload_id": u })).collect();
        let post = PostFixture::new(body)
            .field("timeline", json!(timeline))
            .field("attachments", json!(attachments));
        self.api_post_json(token, group, post).await
    }
}

impl Browser {
    /// Runs `script` in the page and returns its value (a returned promise is awaited).
    pub async fn eval(&self, script: &str) -> Value {
        self.c().execute(script, vec![]).await.unwrap()
    }

    /// Presses `key` in the focused element.
    pub async fn press(&self, key: fantoccini::key::Key) {
        let focused = self.c().active_element().await.unwrap();
        focused.send_keys(&key.to_string()).await.unwrap();
    }

    /// Ticks the visible checkbox whose accessible name starts with `prefix` (the pick boxes
    /// of the media view name the file and its date).
    pub async fn tick_starting(&self, prefix: &str) {
        self.wait_or_fail(WAIT, || async {
            for el in self
                .c()
                .find_all(Locator::Css("input[type=checkbox]"))
                .await
                .unwrap_or_default()
            {
                if self
                    .computed(&el, "computedlabel")
                    .await
                    .starts_with(prefix)
                {
                    el.click().await.map_err(|e| e.to_string())?;
                    return Ok(());
                }
            }
            Err(format!("no checkbox named {prefix:?}…"))
        })
        .await
    }
}

/// A `width`×`height` camera-like JPEG (a gradient under fine noise, so it stays large after
/// the app re-encodes it) with an APP1 EXIF segment holding a GPS position (35° 41' 22.8" N:
/// Tokyo) right after its start-of-image marker: what a phone's camera writes.
pub fn jpeg_with_gps(width: u32, height: u32) -> Vec<u8> {
    let mut seed: u32 = 0x2545_f491;
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed & 0x3f) as u8;
        image::Rgb([
            (x * 180 / width) as u8 + noise,
            (y * 160 / height) as u8 + noise,
            120u8.wrapping_add(noise),
        ])
    });
    let mut plain = std::io::Cursor::new(Vec::new());
    img.write_to(&mut plain, image::ImageFormat::Jpeg).unwrap();
    let plain = plain.into_inner();
    let out = super::exif::with_exif(&plain, 1);
    assert!(super::exif::has_app1(&out));
    out
}

/// SHA-256 of `bytes`, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Stack {
    /// `GET /api/v1{path}` with `token`: the status and the body's bytes.
    pub async fn api_get_bytes(&self, token: &str, path: &str) -> (u16, Vec<u8>) {
        let reply = reqwest::Client::new()
            .get(format!("{}/api/v1{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = reply.status().as_u16();
        (status, reply.bytes().await.unwrap().to_vec())
    }

    /// The upload's offset on the server (`HEAD` of the tus upload at `url`), as `token`.
    pub async fn api_upload_offset(&self, token: &str, url: &str) -> Option<u64> {
        let url = if url.starts_with("http") {
            url.to_owned()
        } else {
            format!("{}{url}", self.base)
        };
        let reply = reqwest::Client::new()
            .head(url)
            .bearer_auth(token)
            .header("Tus-Resumable", TUS_VERSION)
            .send()
            .await
            .unwrap();
        reply
            .headers()
            .get("upload-offset")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
    }

    /// The newest post of `group` (as `token` sees it) as JSON.
    pub async fn api_latest_post(&self, token: &str, group: &str) -> Value {
        let (status, body) = self
            .api_get_bytes(token, &format!("/groups/{group}/posts?limit=1"))
            .await;
        assert_eq!(status, 200);
        let page: Value = serde_json::from_slice(&body).unwrap();
        page["items"][0].clone()
    }

    /// Downloads `photo` (an attachment of a post) as the app would and checks that it carries
    /// no EXIF (so no position); its bytes.
    pub async fn photo_without_metadata(&self, token: &str, photo: &Value) -> Vec<u8> {
        let (status, stored) = self
            .api_get_bytes(token, &format!("/media/{}", photo["id"].as_str().unwrap()))
            .await;
        assert_eq!(status, 200, "{photo}");
        assert!(!super::has_app1(&stored), "EXIF left in {photo}");
        assert!(!stored.windows(6).any(|w| w == b"Exif\0\0"), "{photo}");
        stored
    }
}

impl Browser {
    /// From the group list, opens the group named `group` and its composer's 「添付」: the
    /// sending page of the media build (another page load), ready to attach.
    pub async fn open_sending_page(&self, group: &str) {
        self.click("link", group).await;
        self.by_role("heading", group).await;
        self.click_text("link", "添付").await;
        self.by_role("heading", "写真・ファイルを送る").await;
    }

    /// Waits until the composer shows `n` attached files (preparing takes a moment).
    pub async fn wait_attached(&self, n: usize) {
        self.wait_or_fail(std::time::Duration::from_secs(30), || async {
            let chips = self.texts_of(".attach-chip").await;
            if chips.len() == n {
                Ok(())
            } else {
                Err(format!("attached: {chips:?}"))
            }
        })
        .await;
    }

    /// Picks `paths` in the composer's file picker (the hidden `<input type=file multiple>`
    /// behind 「添付」), as choosing them in the system dialog does.
    pub async fn attach_files(&self, paths: &[&std::path::Path]) {
        let input = self
            .c()
            .find(Locator::Css(".composer .attach input[type=file][multiple]"))
            .await
            .expect("the composer's file picker");
        let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        input.send_keys(&list.join("\n")).await.unwrap();
    }

    /// Slows the page's uploads to `bytes_per_second` with `latency_ms` on every request
    /// (DevTools network emulation); `None` lifts it.
    pub async fn throttle_upload(&self, bytes_per_second: Option<u32>, latency_ms: u32) {
        self.cdp("Network.enable", json!({})).await;
        self.cdp(
            "Network.emulateNetworkConditions",
            json!({
                "offline": false,
                "latency": if bytes_per_second.is_some() { latency_ms } else { 0 },
                "downloadThroughput": -1,
                "uploadThroughput": bytes_per_second.map_or(-1, i64::from)
            }),
        )
        .await;
    }

    /// A short WebM video (VP8, 640×360, about 1.5 s of a moving picture) recorded in the page
    /// with `MediaRecorder` from a canvas: a real camera-like file the browser can play and
    /// draw a poster frame from.
    pub async fn recorded_webm(&self) -> Vec<u8> {
        let v = self
            .c()
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                const canvas = document.createElement('canvas');
                canvas.width = 640; canvas.height = 360;
                const ctx = canvas.getContext('2d');
                const stream = canvas.captureStream(15);
                const rec = new MediaRecorder(stream, { mimeType: 'video/webm;codecs=vp8' });
                const parts = [];
                rec.ondataavailable = e => { if (e.data.size) parts.push(e.data); };
                rec.onstop = async () => {
                  const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
                  done(Array.from(bytes));
                };
                let frame = 0;
                const draw = () => {
                  ctx.fillStyle = `hsl(${frame * 7 % 360} 60% 50%)`;
                  ctx.fillRect(0, 0, 640, 360);
                  ctx.fillStyle = '#fff';
                  ctx.fillRect(20 + frame * 8 % 560, 140, 60, 80);
                  frame++;
                };
                draw();
                rec.start(250);
                const timer = setInterval(draw, 66);
                setTimeout(() => { clearInterval(timer); rec.stop(); }, 1500);"#,
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(v).expect("the recorded video's bytes")
    }

    /// What the outbox holds in IndexedDB for its first item's first file: the tus upload's
    /// URL (once created), the acknowledged offset, and the SHA-256 and size of the prepared
    /// file the app stored to send.
    pub async fn outbox_file(&self) -> Value {
        self.c()
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                const open = indexedDB.open('tsunagu');
                open.onerror = () => done({ error: String(open.error) });
                open.onsuccess = () => {
                  const db = open.result;
                  const tx = db.transaction(['outbox', 'media'], 'readonly');
                  const items = tx.objectStore('outbox').getAll();
                  const blobs = tx.objectStore('media').getAll();
                  tx.oncomplete = async () => {
                    db.close();
                    const raw = items.result[0];
                    const item = typeof raw === 'string' ? JSON.parse(raw) : raw;
                    if (!item || !item.attachments || !item.attachments[0]) return done({ error: 'no item' });
                    const file = item.attachments[0].file;
                    const blob = blobs.result.find(b => b instanceof Blob);
                    const digest = blob ? new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())) : null;
                    done({
                      url: file.url || null,
                      offset: file.offset || 0,
                      size: file.size,
                      stored: blob ? blob.size : null,
                      sha256: digest ? Array.from(digest).map(b => b.toString(16).padStart(2, '0')).join('') : null,
                    });
                  };
                };"#,
                vec![],
            )
            .await
            .unwrap()
    }
}

/// Writes `bytes` to a file named `name` in a directory of this test run (under
/// `target/e2e/`), for the browser's file picker; the directory goes with `Files`.
pub struct Files(super::Scratch);

impl Files {
    pub fn new() -> Self {
        Self(super::Scratch::new("files"))
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = self.0 .0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(super::base64(b""), "");
        assert_eq!(super::base64(b"f"), "Zg==");
        assert_eq!(super::base64(b"fo"), "Zm8=");
        assert_eq!(super::base64(b"foo"), "Zm9v");
        assert_eq!(super::base64("写真.jpg".as_bytes()), "5YaZ55yfLmpwZw==");
    }
}
