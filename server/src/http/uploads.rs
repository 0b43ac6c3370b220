//! Resumable uploads of files for posts: tus 1.0 core with the `creation` and `termination`
//! extensions, under `/api/v1/uploads` (see `tsunagu_api::media`).
//!
//! A `PATCH` streams its body to the upload's spool file. Whatever arrived before the client
//! went away (or fell silent for the idle timeout) is flushed to disk and recorded as the
//! upload's offset, so `HEAD` tells the client where to resume. The last byte triggers the
//! checks: type from the content, size per kind, photos decoded within limits, stripped of
//! metadata and given a thumbnail; then the file moves to the object store.

use std::io::SeekFrom;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::io::{AsyncSeekExt, AsyncWriteExt};
use tsunagu_api::{
    Attachment, Problem, Timeline, UploadStatus, TUS_PATCH_CONTENT_TYPE, TUS_VERSION,
};
use uuid::Uuid;

use super::access::member;
use super::common_responses::SessionErrors;
use super::extract::{parse_id, ClientIp};
use super::{AppState, AuthUser, Error};
use crate::audit::{Action, Entry};
use crate::media::{clean_name, parse_upload_metadata, picture, sniff};
use crate::store::media::{NewMedia, NewUpload, UploadRow};
use crate::time::now_ms;

const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
const TUS_VERSION_HEADER: HeaderName = HeaderName::from_static("tus-version");
const TUS_EXTENSION: HeaderName = HeaderName::from_static("tus-extension");
const TUS_MAX_SIZE: HeaderName = HeaderName::from_static("tus-max-size");
const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
const UPLOAD_METADATA: HeaderName = HeaderName::from_static("upload-metadata");

fn location(id: Uuid) -> String {
    format!("/api/v1/uploads/{id}")
}

fn header_str<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

fn header_u64(headers: &HeaderMap, name: &HeaderName) -> Result<u64, Error> {
    header_str(headers, name)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| Error::MalformedRequest(format!("{name} must be a number of bytes")))
}

/// Every tus request but `OPTIONS` names the protocol version.
fn require_tus(headers: &HeaderMap) -> Result<(), Error> {
    match header_str(headers, &TUS_RESUMABLE) {
        Some(TUS_VERSION) => Ok(()),
        _ => Err(Error::MalformedRequest(format!(
            "Tus-Resumable: {TUS_VERSION} is required"
        ))),
    }
}

/// A tus response: the version, and `Upload-Offset`/`Upload-Length` when given.
fn tus_response(status: StatusCode, offset: Option<u64>, length: Option<u64>) -> Response {
    let mut response = status.into_response();
    let headers = response.headers_mut();
    headers.insert(TUS_RESUMABLE, HeaderValue::from_static(TUS_VERSION));
    if let Some(offset) = offset {
        headers.insert(UPLOAD_OFFSET, HeaderValue::from(offset));
    }
    if let Some(length) = length {
        headers.insert(UPLOAD_LENGTH, HeaderValue::from(length));
    }
    response
}

/// What the server supports: tus 1.0.0 with `creation` and `termination`, and the largest
/// upload. No session needed (clients and CORS preflights ask first).
#[utoipa::path(
    options,
    path = "/api/v1/uploads",
    tag = "media",
    responses(
        (status = 204, description = "The tus capabilities", headers(
            ("Tus-Version" = String, description = "`1.0.0`"),
            ("Tus-Extension" = String, description = "`creation,termination`"),
            ("Tus-Max-Size" = u64, description = "Largest `Upload-Length` accepted"),
        )),
    )
)]
pub async fn upload_options(State(state): State<AppState>) -> Response {
    let mut response = tus_response(StatusCode::NO_CONTENT, None, None);
    let headers = response.headers_mut();
    headers.insert(TUS_VERSION_HEADER, HeaderValue::from_static(TUS_VERSION));
    headers.insert(
        TUS_EXTENSION,
        HeaderValue::from_static("creation,termination"),
    );
    headers.insert(
        TUS_MAX_SIZE,
        HeaderValue::from(state.settings.media.limits.max_upload_bytes()),
    );
    response
}

/// Starts an upload (tus `creation`) for a timeline the caller may write to. `Upload-Metadata`
/// carries `group` and `timeline` (required), `filename` and `filetype` (the type is decided
/// from the content; `filetype` is ignored), each base64.
#[utoipa::path(
    post,
    path = "/api/v1/uploads",
    tag = "media",
    security(("bearer" = [])),
    params(
        ("Tus-Resumable" = String, Header, description = "`1.0.0`"),
        ("Upload-Length" = u64, Header, description = "Bytes of the file"),
        ("Upload-Metadata" = String, Header, description = "`group <b64>,timeline <b64>,filename <b64>,filetype <b64>`"),
    ),
    responses(
        (status = 201, description = "Created", headers(
            ("Location" = String, description = "`/api/v1/uploads/{id}`"),
            ("Upload-Offset" = u64, description = "0"),
        )),
        (status = 400, description = "Missing or invalid tus headers or metadata (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group, not a member, or a timeline the caller may not read (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The group is archived (`group_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Longer than `limits.media` allows for any file (`file_too_large`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn create_upload(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    headers: HeaderMap,
) -> Result<Response, Error> {
    require_tus(&headers)?;
    let length = header_u64(&headers, &UPLOAD_LENGTH)?;
    if length > state.settings.media.limits.max_upload_bytes() {
        return Err(Error::FileTooLarge);
    }
    let metadata = parse_upload_metadata(header_str(&headers, &UPLOAD_METADATA).unwrap_or(""))
        .ok_or_else(|| Error::MalformedRequest("Upload-Metadata is not base64".to_owned()))?;
    let group_id = metadata
        .get("group")
        .and_then(|g| Uuid::try_parse(g.trim()).ok())
        .ok_or_else(|| Error::MalformedRequest("Upload-Metadata needs `group`".to_owned()))?;
    let timeline = metadata
        .get("timeline")
        .and_then(|t| Timeline::parse(t.trim()))
        .ok_or_else(|| Error::MalformedRequest("Upload-Metadata needs `timeline`".to_owned()))?;
    // As for posting: a group or timeline the caller may not read does not exist for them.
    let me = member(&state, group_id, auth.user_id).await?;
    me.require_timeline(timeline)?;
    me.require_writable()?;
    let id = Uuid::now_v7();
    tokio::fs::File::create(state.media.spool_path(id))
        .await
        .map_err(anyhow::Error::from)?;
    let upload = NewUpload {
        id,
        owner: auth.user_id,
        group_id,
        timeline,
        filename: clean_name(metadata.get("filename").map_or("", String::as_str)),
        length,
        created_at_ms: now_ms(),
    };
    let audit = Entry::new(Action::UploadCreate, Some(auth.user_id), ip)
        .group(group_id)
        .target(id);
    state.store.create_upload(&upload, audit).await?;
    let mut response = tus_response(StatusCode::CREATED, Some(0), None);
    response.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(&location(id)).map_err(anyhow::Error::from)?,
    );
    Ok(response)
}

/// How far an upload is (tus `HEAD`): where to resume. A finished upload reports its whole
/// length. Only its owner sees it.
#[utoipa::path(
    head,
    path = "/api/v1/uploads/{upload_id}",
    tag = "media",
    security(("bearer" = [])),
    params(("upload_id" = Uuid, Path, description = "Upload id")),
    responses(
        (status = 200, description = "Its offset", headers(
            ("Upload-Offset" = u64, description = "Bytes durably received"),
            ("Upload-Length" = u64, description = "Bytes announced"),
        )),
        (status = 404, description = "No such upload of the caller's"),
        SessionErrors,
    )
)]
pub async fn head_upload(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(upload_id): Path<String>,
) -> Result<Response, Error> {
    let id = parse_id(&upload_id)?;
    let status = upload_status(&state, id, auth.user_id).await?;
    Ok(tus_response(
        StatusCode::OK,
        Some(status.offset),
        Some(status.length),
    ))
}

/// An upload as `GET` describes it: in progress, or the checked file it became.
async fn upload_status(state: &AppState, id: Uuid, owner: Uuid) -> Result<UploadStatus, Error> {
    if let Some(row) = state.store.upload(id, owner).await? {
        return Ok(UploadStatus {
            id,
            offset: row.offset,
            length: row.length,
            attachment: None,
        });
    }
    match state.store.media(id).await? {
        Some(media) if media.owner == owner => Ok(UploadStatus {
            id,
            offset: media.size,
            length: media.size,
            attachment: Some(media.attachment()),
        }),
        _ => Err(Error::NotFound),
    }
}

/// How far an upload is, as JSON, with the checked file once complete.
#[utoipa::path(
    get,
    path = "/api/v1/uploads/{upload_id}",
    tag = "media",
    security(("bearer" = [])),
    params(("upload_id" = Uuid, Path, description = "Upload id")),
    responses(
        (status = 200, description = "The upload", body = UploadStatus),
        (status = 404, description = "No such upload of the caller's (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn get_upload(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(upload_id): Path<String>,
) -> Result<Response, Error> {
    let id = parse_id(&upload_id)?;
    Ok(axum::Json(upload_status(&state, id, auth.user_id).await?).into_response())
}

/// Removes an upload from the busy set when the `PATCH` ends, however it ends.
struct Busy<'a> {
    state: &'a AppState,
    id: Uuid,
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.state
            .uploads_busy
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&self.id);
    }
}

/// Appends bytes at `Upload-Offset` (tus `PATCH`). The body is streamed to disk; if it stops
/// early, the bytes that came are kept and the offset says so. With the last byte the file is
/// checked and stored; a file refused then is gone (415, 413).
#[utoipa::path(
    patch,
    path = "/api/v1/uploads/{upload_id}",
    tag = "media",
    security(("bearer" = [])),
    params(
        ("upload_id" = Uuid, Path, description = "Upload id"),
        ("Tus-Resumable" = String, Header, description = "`1.0.0`"),
        ("Upload-Offset" = u64, Header, description = "Where these bytes go: the upload's offset"),
    ),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses(
        (status = 204, description = "Bytes taken (and, with the last one, the file checked)", headers(
            ("Upload-Offset" = u64, description = "The new offset"),
        )),
        (status = 400, description = "Missing tus headers, or more bytes than announced (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such upload of the caller's (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body stopped for longer than the idle timeout; what came is kept (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`Upload-Offset` is not the upload's offset, or another PATCH is writing (`precondition_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is over its kind's limit (`file_too_large`); removed", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/offset+octet-stream`, or the file is no type we take, or an image that cannot be decoded within the limits (`unsupported_media_type`); removed", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn patch_upload(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(upload_id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Error> {
    let id = parse_id(&upload_id)?;
    require_tus(&headers)?;
    let content_type = header_str(&headers, &header::CONTENT_TYPE).unwrap_or("");
    if !content_type.eq_ignore_ascii_case(TUS_PATCH_CONTENT_TYPE) {
        return Err(Error::UnsupportedMediaType);
    }
    let offset = header_u64(&headers, &UPLOAD_OFFSET)?;
    let row = state
        .store
        .upload(id, auth.user_id)
        .await?
        .ok_or(Error::NotFound)?;
    if offset != row.offset {
        return Err(Error::UploadOffsetConflict);
    }
    if !state
        .uploads_busy
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(id)
    {
        return Err(Error::UploadOffsetConflict);
    }
    let _busy = Busy { state: &state, id };
    let remaining = row.length - row.offset;
    if let Some(declared) =
        header_str(&headers, &header::CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok())
    {
        if declared > remaining {
            return Err(Error::MalformedRequest(
                "more bytes than Upload-Length announced".to_owned(),
            ));
        }
    }

    let (received, stopped) = receive(&state, &row, body, remaining).await?;
    let new_offset = row.offset + received;
    if received > 0
        && !state
            .store
            .advance_upload(id, auth.user_id, row.offset, new_offset)
            .await?
    {
        return Err(Error::UploadOffsetConflict);
    }
    if let Some(stopped) = stopped {
        // The client is likely gone; if not, it learns the offset with HEAD.
        return Err(stopped);
    }
    if new_offset == row.length {
        let done = UploadRow {
            offset: new_offset,
            ..row
        };
        complete(&state, &done, ip).await?;
    }
    Ok(tus_response(StatusCode::NO_CONTENT, Some(new_offset), None))
}

/// Streams the body to the spool file at the upload's offset: at most `remaining` bytes, each
/// wait for more bounded by the idle timeout. Returns the bytes written and synced to disk, and
/// why the body stopped early (it vanished, fell silent, or was too long).
async fn receive(
    state: &AppState,
    row: &UploadRow,
    body: Body,
    remaining: u64,
) -> Result<(u64, Option<Error>), Error> {
    let path = state.media.spool_path(row.id);
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .await
        .map_err(anyhow::Error::from)?;
    // Bytes past the recorded offset were never confirmed (a crash between write and record):
    // they are written again.
    file.set_len(row.offset)
        .await
        .map_err(anyhow::Error::from)?;
    file.seek(SeekFrom::Start(row.offset))
        .await
        .map_err(anyhow::Error::from)?;
    let mut file = tokio::io::BufWriter::with_capacity(1 << 20, file);
    let mut stream = body.into_data_stream();
    let idle = state.settings.media.idle_timeout;
    let mut received: u64 = 0;
    let stopped = loop {
        match tokio::time::timeout(idle, stream.next()).await {
            Ok(None) => break None,
            Ok(Some(Ok(chunk))) => {
                let room = remaining - received;
                let take = (chunk.len() as u64).min(room) as usize;
                file.write_all(&chunk[..take])
                    .await
                    .map_err(anyhow::Error::from)?;
                received += take as u64;
                if take < chunk.len() {
                    break Some(Error::MalformedRequest(
                        "more bytes than Upload-Length announced".to_owned(),
                    ));
                }
            }
            Ok(Some(Err(_))) => {
                break Some(Error::MalformedRequest(
                    "the upload's body broke off".to_owned(),
                ))
            }
            Err(_) => break Some(Error::RequestBodyTimeout),
        }
    };
    file.flush().await.map_err(anyhow::Error::from)?;
    // Durable before the offset says so.
    file.get_ref()
        .sync_data()
        .await
        .map_err(anyhow::Error::from)?;
    Ok((received, stopped))
}

/// Checks a complete upload and stores its file; a refused file is removed with its upload.
async fn complete(
    state: &AppState,
    row: &UploadRow,
    ip: Option<std::net::IpAddr>,
) -> Result<Attachment, Error> {
    match check_and_store(state, row).await {
        Ok((media, keys)) => {
            let audit = Entry::new(Action::UploadComplete, Some(row.owner), ip)
                .group(row.group_id)
                .target(row.id);
            if !state.store.finish_upload(row, &media, audit).await? {
                // Cancelled meanwhile.
                for key in keys {
                    state.media.delete(&key).await?;
                }
                return Err(Error::NotFound);
            }
            let _ = tokio::fs::remove_file(state.media.spool_path(row.id)).await;
            let record = state.store.media(row.id).await?.ok_or(Error::NotFound)?;
            Ok(record.attachment())
        }
        Err(refused @ (Error::MediaUnsupported | Error::FileTooLarge)) => {
            state.store.delete_upload(row.id, row.owner).await?;
            let _ = tokio::fs::remove_file(state.media.spool_path(row.id)).await;
            state
                .store
                .audit(
                    Entry::new(Action::UploadRefused, Some(row.owner), ip)
                        .group(row.group_id)
                        .target(row.id),
                )
                .await?;
            Err(refused)
        }
        Err(other) => Err(other),
    }
}

/// The object keys of a file and its thumbnail.
fn object_key(id: Uuid) -> String {
    format!("files/{id}")
}

fn thumbnail_key(id: Uuid) -> String {
    format!("thumbnails/{id}.jpg")
}

async fn check_and_store(
    state: &AppState,
    row: &UploadRow,
) -> Result<(NewMedia, Vec<String>), Error> {
    let limits = state.settings.media.limits.clone();
    let path = state.media.spool_path(row.id);
    let size = row.length;
    let sniff_path = path.clone();
    let max_file = limits.max_file_bytes;
    let found = tokio::task::spawn_blocking(move || {
        let mut file = std::fs::File::open(&sniff_path)?;
        sniff::sniff_file(&mut file, size, max_file)
    })
    .await
    .map_err(anyhow::Error::from)?
    .map_err(anyhow::Error::from)?
    .ok_or(Error::MediaUnsupported)?;
    if size > limits.max_bytes(found.kind) {
        return Err(Error::FileTooLarge);
    }
    let key = object_key(row.id);
    if let Some(format) = found.image {
        let bytes = tokio::fs::read(&path).await.map_err(anyhow::Error::from)?;
        let checked = tokio::task::spawn_blocking(move || picture::check(&bytes, format))
            .await
            .map_err(anyhow::Error::from)?
            .map_err(|e| {
                tracing::info!(error = %e, "image refused");
                Error::MediaUnsupported
            })?;
        let thumb = thumbnail_key(row.id);
        let size = checked.cleaned.len() as u64;
        state.media.put_bytes(&key, checked.cleaned).await?;
        state.media.put_bytes(&thumb, checked.thumbnail).await?;
        Ok((
            NewMedia {
                kind: found.kind,
                content_type: found.content_type.to_owned(),
                size,
                width: Some(checked.width),
                height: Some(checked.height),
                object_key: key.clone(),
                thumbnail_key: Some(thumb.clone()),
            },
            vec![key, thumb],
        ))
    } else {
        state.media.put_file(&key, &path).await?;
        Ok((
            NewMedia {
                kind: found.kind,
                content_type: found.content_type.to_owned(),
                size,
                width: None,
                height: None,
                object_key: key.clone(),
                thumbnail_key: None,
            },
            vec![key],
        ))
    }
}

/// Cancels an upload (tus `termination`), or removes a finished file that is on no post yet.
#[utoipa::path(
    delete,
    path = "/api/v1/uploads/{upload_id}",
    tag = "media",
    security(("bearer" = [])),
    params(
        ("upload_id" = Uuid, Path, description = "Upload id"),
        ("Tus-Resumable" = String, Header, description = "`1.0.0`"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such upload of the caller's, or its file is on a post (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn delete_upload(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(upload_id): Path<String>,
) -> Result<Response, Error> {
    let id = parse_id(&upload_id)?;
    let audit = || Entry::new(Action::UploadCancel, Some(auth.user_id), ip).target(id);
    if state.store.delete_upload(id, auth.user_id).await? {
        let _ = tokio::fs::remove_file(state.media.spool_path(id)).await;
        state.store.audit(audit()).await?;
        return Ok(tus_response(StatusCode::NO_CONTENT, None, None));
    }
    let record = state
        .store
        .delete_unattached_media(id, auth.user_id)
        .await?
        .ok_or(Error::NotFound)?;
    state.media.delete(&record.object_key).await?;
    if let Some(thumb) = &record.thumbnail_key {
        state.media.delete(thumb).await?;
    }
    state.store.audit(audit().group(record.group_id)).await?;
    Ok(tus_response(StatusCode::NO_CONTENT, None, None))
}
