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
