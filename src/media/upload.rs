//! Running a file's tus upload ([`super::tus`]) with real requests.
//!
//! `fetch` reports no upload progress, so the requests go through one small `XMLHttpRequest`
//! helper ([`xhr`]) whose `upload.onprogress` drives the bar. The request being made for a file
//! is remembered so 「キャンセル」 can abort it ([`abort`]).

use std::cell::RefCell;

use js_sys::Promise;
use tsunagu_api::{Timeline, TUS_PATCH_CONTENT_TYPE, TUS_VERSION};
use uuid::Uuid;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ProgressEvent, XmlHttpRequest};

use super::tus::{metadata, resolve_location, FileUpload, Reply, Step};
use crate::api::Client;

thread_local! {
    /// The request in flight per file (by blob id).
    static ACTIVE: RefCell<Vec<(Uuid, XmlHttpRequest)>> = const { RefCell::new(Vec::new()) };
}

/// Aborts the request in flight for the file `blob_id`, if any (its step then ends as if the
/// connection dropped).
pub fn abort(blob_id: Uuid) {
    ACTIVE.with(|a| {
        for (_, req) in a.borrow().iter().filter(|(id, _)| *id == blob_id) {
            let _ = req.abort();
        }
    });
}

/// One request: `method` on `url` with `headers` and an optional body, reporting the bytes of
/// the body sent so far to `progress`. Never fails: no response is status 0.
pub async fn xhr(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&Blob>,
    progress: impl Fn(f64) + 'static,
    owner: Uuid,
) -> (u16, Option<XmlHttpRequest>) {
    let Ok(req) = XmlHttpRequest::new() else {
        return (0, None);
    };
    if req.open(method, url).is_err() {
        return (0, None);
    }
    for (name, value) in headers {
        let _ = req.set_request_header(name, value);
    }
    let on_progress =
        Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| progress(e.loaded()));
    if let Ok(upload) = req.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let done = Promise::new(&mut |resolve, _| {
        // Every way a request ends resolves; the status tells them apart (0: no response).
        req.set_onloadend(Some(&resolve));
    });
    ACTIVE.with(|a| a.borrow_mut().push((owner, req.clone())));
    let sent = match body {
        Some(b) => req.send_with_opt_blob(Some(b)),
        None => req.send(),
    };
    if sent.is_ok() {
        let _ = JsFuture::from(done).await;
    }
    ACTIVE.with(|a| a.borrow_mut().retain(|(_, r)| r != &req));
    req.set_onloadend(None);
    if let Ok(upload) = req.upload() {
        upload.set_onprogress(None);
    }
    drop(on_progress);
    (
        if sent.is_ok() {
            req.status().unwrap_or(0)
        } else {
            0
        },
        Some(req),
    )
}

/// Makes `file`'s next request ([`FileUpload::step`]) and returns it with its answer; the
/// caller applies it ([`FileUpload::apply`]) and stores the record. `progress` gets the bytes of
/// the file known to be on their way (acknowledged offset plus what this request sent).
pub async fn step(
    client: &Client,
    group: Uuid,
    timeline: Option<Timeline>,
    file: &FileUpload,
    blob: &Blob,
    progress: impl Fn(u64) + 'static,
) -> (Step, Reply) {
    let step = file.step();
    let token = client.bearer();
    let auth = token.as_deref().map(|t| format!("Bearer {t}"));
    let mut headers: Vec<(&str, &str)> = vec![("Tus-Resumable", TUS_VERSION)];
    if let Some(auth) = &auth {
        headers.push(("Authorization", auth));
    }
    let url = file
        .url
        .as_deref()
        .map(|u| resolve_location(client.base(), u))
        .unwrap_or_default();
    let length;
    let meta;
    let offset_text;
    let chunk;
    let (method, target, body): (&str, String, Option<&Blob>) = match &step {
        Step::Done => return (step, Reply::default()),
        Step::Create => {
            length = file.size.to_string();
            meta = metadata(&[
                ("group", &group.to_string()),
                ("timeline", timeline.unwrap_or_default().as_str()),
                ("filename", &file.name),
                ("filetype", &file.mime),
            ]);
            headers.push(("Upload-Length", &length));
            headers.push(("Upload-Metadata", &meta));
            ("POST", client.url("/uploads"), None)
        }
        Step::Head => ("HEAD", url, None),
        Step::Patch { offset, len } => {
            offset_text = offset.to_string();
            headers.push(("Upload-Offset", &offset_text));
            headers.push(("Content-Type", TUS_PATCH_CONTENT_TYPE));
            chunk = blob
                .slice_with_f64_and_f64(*offset as f64, (*offset + *len) as f64)
                .ok();
            ("PATCH", url, chunk.as_ref())
        }
    };
    let base = file.offset;
    let report = move |sent: f64| progress(base + sent as u64);
    let (status, req) = xhr(method, &target, &headers, body, report, file.blob_id).await;
    let header = |name: &str| {
        req.as_ref()
            .and_then(|r| r.get_response_header(name).ok().flatten())
    };
    let code = (status >= 400)
        .then(|| req.as_ref().and_then(|r| r.response_text().ok().flatten()))
        .flatten()
        .and_then(|body| crate::api::error_from_body(status, &body).code());
    let reply = Reply {
        status,
        location: header("Location"),
        offset: header("Upload-Offset").and_then(|o| o.trim().parse().ok()),
        length: header("Upload-Length").and_then(|o| o.trim().parse().ok()),
        code,
    };
    (step, reply)
}

/// Cancels an upload on the server (`DELETE`, best effort: an unfinished upload also expires).
pub async fn terminate(client: &Client, file: &FileUpload) {
    let Some(url) = file.url.as_deref() else {
        return;
    };
    if file.is_done() {
        return;
    }
    let auth = client.bearer().map(|t| format!("Bearer {t}"));
    let mut headers: Vec<(&str, &str)> = vec![("Tus-Resumable", TUS_VERSION)];
    if let Some(auth) = &auth {
        headers.push(("Authorization", auth));
    }
    let url = resolve_location(client.base(), url);
    xhr("DELETE", &url, &headers, None, |_| {}, Uuid::nil()).await;
}
