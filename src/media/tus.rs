//! One file's resumable upload (tus 1.0, see `tsunagu_api::media`) as a pure state machine,
//! tested natively; [`super::upload`] runs it with real requests.
//!
//! The record ([`FileUpload`]) lives inside the outbox item in IndexedDB and is written after
//! every acknowledged step, so a dropped connection, a closed tab or a reload continues where
//! the server says it stands:
//!
//! ```text
//!   no url ──POST──▶ url, offset 0 ──PATCH chunk──▶ offset += chunk … ──▶ offset = size: done
//!                      ▲   │ no answer / 409: offset unknown ──HEAD──▶ offset from the server
//!                      └───┴─ 404 / 410 (expired or cancelled): start over with a new POST
//! ```

use serde::{Deserialize, Serialize};
use tsunagu_api::ErrorCode;
use uuid::Uuid;

use crate::api::code_for_status;

/// Bytes per `PATCH`: small enough that a dropped mobile connection loses little, large enough
/// that a 200 MB video needs only ~50 requests.
pub const CHUNK_BYTES: u64 = 4 * 1024 * 1024;

/// One file to upload and how far it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileUpload {
    /// Key of the prepared Blob in IndexedDB (`crate::media::store`).
    pub blob_id: Uuid,
    /// File name sent as metadata (shown on document cards).
    pub name: String,
    /// Declared type sent as metadata (the server decides by content).
    pub mime: String,
    /// Bytes of the prepared Blob.
    pub size: u64,
    /// The upload's URL (`Location` of the `POST`) once created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Bytes the server acknowledged.
    #[serde(default)]
    pub offset: u64,
    /// The acknowledged offset may be stale (a request got no answer, or the server said 409):
    /// ask `HEAD` before sending more.
    #[serde(default)]
    pub verify: bool,
    /// Set once every byte arrived and passed the server's checks: the id a post names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_id: Option<Uuid>,
}

/// The next request for a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `POST /uploads`.
    Create,
    /// `HEAD {url}`: where does the server stand?
    Head,
    /// `PATCH {url}` with bytes `offset..offset + len`.
    Patch {
        /// `Upload-Offset`.
        offset: u64,
        /// Bytes in the body.
        len: u64,
    },
    /// Uploaded.
    Done,
}

/// What came back for a step: the status (0: no response) and the headers that matter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status; 0 when the request got no response.
    pub status: u16,
    /// `Location` (of a create).
    pub location: Option<String>,
    /// `Upload-Offset`.
    pub offset: Option<u64>,
    /// `Upload-Length` (of a `HEAD`).
    pub length: Option<u64>,
    /// The `code` of a `problem+json` body.
    pub code: Option<ErrorCode>,
}

/// Why an upload stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No response, 5xx, 408 or 429: try again later (the record says where to continue).
    Retry,
    /// 401: wait for the next login.
    AuthLost,
    /// Refused for good (too large, a type the server does not take, not a member …).
    Rejected {
        /// The HTTP status.
        status: u16,
        /// Why, to translate.
        code: ErrorCode,
    },
}

/// The id at the end of an upload URL (`/api/v1/uploads/{id}`, absolute or not).
pub fn upload_id_of(url: &str) -> Option<Uuid> {
    let path = url.split(['?', '#']).next()?;
    Uuid::parse_str(path.trim_end_matches('/').rsplit('/').next()?).ok()
}

impl FileUpload {
    /// A file not uploaded yet.
    pub fn new(blob_id: Uuid, name: String, mime: String, size: u64) -> Self {
        Self {
            blob_id,
            name,
            mime,
            size,
            url: None,
            offset: 0,
            verify: false,
            upload_id: None,
        }
    }

    /// Whether every byte is on the server.
    pub fn is_done(&self) -> bool {
        self.upload_id.is_some()
    }

    /// The next request to make.
    pub fn step(&self) -> Step {
        if self.upload_id.is_some() {
            return Step::Done;
        }
        if self.url.is_none() {
            return Step::Create;
        }
        if self.verify {
            return Step::Head;
        }
        Step::Patch {
            offset: self.offset,
            len: CHUNK_BYTES.min(self.size - self.offset.min(self.size)),
        }
    }

    /// Forgets the server's upload: the next step creates a new one from byte 0.
    fn restart(&mut self) {
        self.url = None;
        self.offset = 0;
        self.verify = false;
    }

    /// The server's offset is `offset` (a `PATCH` or `HEAD` answer).
    fn at(&mut self, offset: u64) -> Result<(), Failure> {
        if offset > self.size {
            // Not this file's upload: start over rather than trust it.
            self.restart();
            return Err(Failure::Retry);
        }
        self.offset = offset;
        self.verify = false;
        if offset == self.size {
            self.upload_id = self.url.as_deref().and_then(upload_id_of);
            if self.upload_id.is_none() {
                self.restart();
                return Err(Failure::Retry);
            }
        }
        Ok(())
    }

    /// Applies the answer to `step`. `Ok` means go on with [`FileUpload::step`]; the record
    /// has changed and should be stored first.
    pub fn apply(&mut self, step: &Step, reply: &Reply) -> Result<(), Failure> {
        let status = reply.status;
        let refusal = |status| Failure::Rejected {
            status,
            code: reply.code.unwrap_or_else(|| code_for_status(status)),
        };
        match status {
            0 | 408 | 429 | 500..=599 => {
                // The request may or may not have arrived: ask before sending more.
                if self.url.is_some() {
                    self.verify = true;
                }
                return Err(Failure::Retry);
            }
            401 => return Err(Failure::AuthLost),
            _ => {}
        }
        match step {
            Step::Create => match (status, reply.location.as_deref()) {
                (200..=299, Some(location)) if !location.is_empty() => {
                    self.url = Some(location.to_owned());
                    self.offset = 0;
                    self.verify = false;
                    Ok(())
                }
                (200..=299, _) => Err(Failure::Retry),
                _ => Err(refusal(status)),
            },
            Step::Head | Step::Patch { .. } => match status {
                // Complete on the server (the last answer was lost): the stored file may be
                // smaller than what was sent, once the server removed its metadata.
                200..=299 if reply.offset.is_some() && reply.offset == reply.length => {
                    self.at(self.size)
                }
                200..=299 => match reply.offset {
                    Some(offset) => self.at(offset),
                    None => {
                        self.verify = true;
                        Err(Failure::Retry)
                    }
                },
                // The offset was not the server's: ask it.
                409 => {
                    self.verify = true;
                    Ok(())
                }
                // Expired, cancelled elsewhere, or removed after a failed check (then the
                // retry ends in the same refusal, with its reason).
                404 | 410 => {
                    self.restart();
                    Ok(())
                }
                _ => {
                    if matches!(status, 413 | 415 | 422) {
                        // The server dropped the upload with the refusal.
                        self.restart();
                    }
                    Err(refusal(status))
                }
            },
            Step::Done => Ok(()),
        }
    }
}

/// The absolute URL of an upload's `Location`, which the server may give as a path: resolved
/// against the origin of the API base (`""`: same origin, the path is used as it is).
pub fn resolve_location(base: &str, location: &str) -> String {
    if location.contains("://") || !location.starts_with('/') {
        return location.to_owned();
    }
    let origin_end = base
        .find("://")
        .and_then(|s| base[s + 3..].find('/').map(|p| s + 3 + p))
        .unwrap_or(base.len());
    format!("{}{location}", &base[..origin_end])
}

/// `Upload-Metadata`: `key base64(value)` pairs, comma-separated (tus 1.0).
pub fn metadata(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k} {}", base64(v.as_bytes())))
        .collect::<Vec<_>>()
        .join(",")
}

/// Standard base64 with padding (RFC 4648 §4); a few lines instead of a crate.
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0192a0b0-0000-7000-8000-000000000001";

    fn file(size: u64) -> FileUpload {
        FileUpload::new(
            Uuid::from_u128(9),
            "写真.jpg".into(),
            "image/jpeg".into(),
            size,
        )
    }

    fn ok(offset: u64) -> Reply {
        Reply {
            status: 204,
            offset: Some(offset),
            ..Reply::default()
        }
    }

    fn created() -> Reply {
        Reply {
            status: 201,
            location: Some(format!("/api/v1/uploads/{ID}")),
            ..Reply::default()
        }
    }

    #[test]
    fn a_file_goes_up_in_chunks_and_ends_with_its_upload_id() {
        let size = 2 * CHUNK_BYTES + 10;
        let mut f = file(size);
        assert_eq!(f.step(), Step::Create);
        f.apply(&Step::Create, &created()).unwrap();
        let mut sent = Vec::new();
        loop {
            let step = f.step();
            let Step::Patch { offset, len } = step else {
                break;
            };
            sent.push((offset, len));
            f.apply(&step, &ok(offset + len)).unwrap();
        }
        assert_eq!(
            sent,
            vec![
                (0, CHUNK_BYTES),
                (CHUNK_BYTES, CHUNK_BYTES),
                (2 * CHUNK_BYTES, 10)
            ]
        );
        assert_eq!(f.step(), Step::Done);
        assert_eq!(f.upload_id, Some(Uuid::parse_str(ID).unwrap()));
        // The record survives the store unchanged.
        let back: FileUpload = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(back, f);
    }

    #[test]
    fn a_dropped_connection_asks_the_server_and_continues_from_its_offset() {
        let mut f = file(3 * CHUNK_BYTES);
        f.apply(&Step::Create, &created()).unwrap();
        let first = f.step();
        f.apply(&first, &ok(CHUNK_BYTES)).unwrap();
        let second = f.step();
        // The second chunk's answer is lost (part of it may have arrived).
        assert_eq!(f.apply(&second, &Reply::default()), Err(Failure::Retry));
        // As after a reload: the stored record.
        let mut f: FileUpload = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(f.step(), Step::Head);
        let head = Reply {
            status: 200,
            offset: Some(CHUNK_BYTES + 1234),
            ..Reply::default()
        };
        f.apply(&Step::Head, &head).unwrap();
        assert_eq!(
            f.step(),
            Step::Patch {
                offset: CHUNK_BYTES + 1234,
                len: CHUNK_BYTES
            }
        );
    }

    #[test]
    fn a_lost_last_answer_ends_with_the_upload_even_if_the_server_stored_fewer_bytes() {
        let mut f = file(1_000);
        f.apply(&Step::Create, &created()).unwrap();
        let step = f.step();
        assert_eq!(f.apply(&step, &Reply::default()), Err(Failure::Retry));
        assert_eq!(f.step(), Step::Head);
        // The server finished it and stripped 80 bytes of EXIF: offset = length = 920.
        let head = Reply {
            status: 200,
            offset: Some(920),
            length: Some(920),
            ..Reply::default()
        };
        f.apply(&Step::Head, &head).unwrap();
        assert_eq!(f.step(), Step::Done);
        assert_eq!(f.upload_id, Some(Uuid::parse_str(ID).unwrap()));
        // Half way, the same HEAD says where to go on.
        let mut g = file(1_000);
        g.apply(&Step::Create, &created()).unwrap();
        let half = Reply {
            status: 200,
            offset: Some(400),
            length: Some(1_000),
            ..Reply::default()
        };
        g.verify = true;
        g.apply(&Step::Head, &half).unwrap();
        assert_eq!(
            g.step(),
            Step::Patch {
                offset: 400,
                len: 600
            }
        );
    }

    #[test]
    fn a_wrong_offset_is_checked_and_an_expired_upload_starts_over() {
        let mut f = file(10);
        f.apply(&Step::Create, &created()).unwrap();
        let step = f.step();
        f.apply(
            &step,
            &Reply {
                status: 409,
                ..Reply::default()
            },
        )
        .unwrap();
        assert_eq!(f.step(), Step::Head);
        f.apply(
            &Step::Head,
            &Reply {
                status: 404,
                ..Reply::default()
            },
        )
        .unwrap();
        assert_eq!(f.step(), Step::Create);
        assert_eq!(f.offset, 0);
        // A server claiming more than the file has is not believed.
        f.apply(&Step::Create, &created()).unwrap();
        assert_eq!(
            f.apply(
                &Step::Head,
                &Reply {
                    status: 200,
                    offset: Some(11),
                    ..Reply::default()
                }
            ),
            Err(Failure::Retry)
        );
        assert_eq!(f.step(), Step::Create);
    }

    #[test]
    fn refusals_and_lost_sessions_stop_the_upload() {
        let mut f = file(10);
        let refused = Reply {
            status: 413,
            code: Some(ErrorCode::FileTooLarge),
            ..Reply::default()
        };
        assert_eq!(
            f.apply(&Step::Create, &refused),
            Err(Failure::Rejected {
                status: 413,
                code: ErrorCode::FileTooLarge
            })
        );
        assert_eq!(
            f.apply(
                &Step::Create,
                &Reply {
                    status: 401,
                    ..Reply::default()
                }
            ),
            Err(Failure::AuthLost)
        );
        f.apply(&Step::Create, &created()).unwrap();
        // The last byte arrived but the content is not a type the server takes.
        assert_eq!(
            f.apply(
                &Step::Patch { offset: 0, len: 10 },
                &Reply {
                    status: 415,
                    ..Reply::default()
                }
            ),
            Err(Failure::Rejected {
                status: 415,
                code: ErrorCode::UnsupportedMediaType
            })
        );
        assert_eq!(f.step(), Step::Create);
        // A server error: the offset is asked for before more is sent.
        f.apply(&Step::Create, &created()).unwrap();
        assert_eq!(
            f.apply(
                &Step::Patch { offset: 0, len: 10 },
                &Reply {
                    status: 503,
                    ..Reply::default()
                }
            ),
            Err(Failure::Retry)
        );
        assert_eq!(f.step(), Step::Head);
    }

    #[test]
    fn metadata_is_base64_as_tus_wants_it() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64("写真".as_bytes()), "5YaZ55yf");
        assert_eq!(
            metadata(&[("timeline", "care"), ("filetype", "image/jpeg")]),
            "timeline Y2FyZQ==,filetype aW1hZ2UvanBlZw=="
        );
        assert_eq!(
            upload_id_of(&format!("https://x/api/v1/uploads/{ID}")),
            Some(Uuid::parse_str(ID).unwrap())
        );
        assert_eq!(upload_id_of("/api/v1/uploads/"), None);
        assert_eq!(
            resolve_location("", "/api/v1/uploads/a"),
            "/api/v1/uploads/a"
        );
        assert_eq!(
            resolve_location("https://api.example.jp/tsunagu", "/api/v1/uploads/a"),
            "https://api.example.jp/api/v1/uploads/a"
        );
        assert_eq!(
            resolve_location("http://127.0.0.1:8080", "http://h/x"),
            "http://h/x"
        );
    }
}
