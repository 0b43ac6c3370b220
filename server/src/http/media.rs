//! Downloading files (`/api/v1/media/{id}`, its thumbnail) and a group's files.
//!
//! Every request is authorised again: a file on a post is visible to whoever reads the post's
//! timeline now (never the care timeline to family), hidden with its post once that is deleted
//! (except to who may read the post's history: its author and the group's admins); a file on
//! no post only to its uploader. Everything else is 404, as for a group one is not in.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tsunagu_api::{MediaKind, MediaPage, MemberRole, Problem, Timeline};
use utoipa::IntoParams;
use uuid::Uuid;

use super::access::member;
use super::common_responses::SessionErrors;
use super::extract::{parse_id, ClientIp, MediaAuth, Query};
use super::{AppState, AuthUser, Error, Uncompressed};
use crate::audit::{Action, Entry};
use crate::cursor::{clamp_limit, Cursor};
use crate::media::{content_disposition, parse_range, Unsatisfiable};
use crate::store::media::{MediaQuery, MediaRecord};

/// The file if `user` may fetch it now (see the module's rules), else 404.
async fn readable(state: &AppState, user: Uuid, id: Uuid) -> Result<MediaRecord, Error> {
    let record = state.store.media(id).await?.ok_or(Error::NotFound)?;
    if record.post_id.is_none() {
        return if record.owner == user {
            Ok(record)
        } else {
            Err(Error::NotFound)
        };
    }
    let me = member(state, record.group_id, user).await?;
    me.require_timeline(record.timeline)?;
    if record.post_deleted && me.role != MemberRole::Admin && record.post_author != Some(user) {
        return Err(Error::NotFound);
    }
    Ok(record)
}

/// A stored file as a response: conditional (`If-None-Match`), ranged (one range: 206, or 416),
/// cached privately for good (the bytes behind an id never change), sandboxed, never sniffed.
async fn serve(
    state: &AppState,
    headers: &HeaderMap,
    key: &str,
    size: u64,
    content_type: &str,
    disposition: &str,
    etag: &str,
) -> Result<Response, Error> {
    let mut response_headers = HeaderMap::new();
    let value = |s: &str| HeaderValue::from_str(s).map_err(anyhow::Error::from);
    response_headers.insert(header::ETAG, value(etag)?);
    response_headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    response_headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    response_headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let matches = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    };
    if matches(header::IF_NONE_MATCH) {
        let mut response = (StatusCode::NOT_MODIFIED, response_headers).into_response();
        response.extensions_mut().insert(Uncompressed);
        return Ok(response);
    }
    // A range of another version is no range of this one (`If-Range`).
    let if_range_ok = headers
        .get(header::IF_RANGE)
        .is_none_or(|v| v.to_str().ok().map(str::trim) == Some(etag));
    let range_header = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| if_range_ok);
    let range = match parse_range(range_header, size) {
        Ok(range) => range,
        Err(Unsatisfiable) => {
            response_headers.insert(header::CONTENT_RANGE, value(&format!("bytes */{size}"))?);
            let mut response =
                (StatusCode::RANGE_NOT_SATISFIABLE, response_headers).into_response();
            response.extensions_mut().insert(Uncompressed);
            return Ok(response);
        }
    };
    response_headers.insert(header::CONTENT_TYPE, value(content_type)?);
    response_headers.insert(header::CONTENT_DISPOSITION, value(disposition)?);
    let (status, length) = match &range {
        Some(r) => {
            response_headers.insert(
                header::CONTENT_RANGE,
                value(&format!("bytes {}-{}/{size}", r.start, r.end - 1))?,
            );
            (StatusCode::PARTIAL_CONTENT, r.end - r.start)
        }
        None => (StatusCode::OK, size),
    };
    response_headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    let stream = state.media.get(key, range).await?;
    let mut response = (status, response_headers, Body::from_stream(stream)).into_response();
    response.extensions_mut().insert(Uncompressed);
    Ok(response)
}

fn audit_read(user: Uuid, ip: Option<std::net::IpAddr>, record: &MediaRecord) -> Entry {
    Entry::new(Action::MediaRead, Some(user), ip)
        .group(record.group_id)
        .target(record.id)
}

/// A file, as stored (photos without their metadata). Accepts the session as bearer header or
/// as the `tsunagu_media` cookie.
#[utoipa::path(
    get,
    path = "/api/v1/media/{media_id}",
    tag = "media",
    security(("bearer" = []), ("media_cookie" = [])),
    params(
        ("media_id" = Uuid, Path, description = "File id (the upload's id)"),
        ("Range" = Option<String>, Header, description = "One byte range: `bytes=a-b`, `bytes=a-`, `bytes=-n`"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>, headers(
            ("ETag" = String, description = "Never changes for an id"),
            ("Content-Disposition" = String, description = "`inline` for photos, videos, audio and PDF, `attachment` otherwise; the file name per RFC 5987"),
        )),
        (status = 206, description = "The range asked for", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 304, description = "Not modified (`If-None-Match`)"),
        (status = 404, description = "No such file, or not the caller's to see (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "The range is outside the file"),
        SessionErrors,
    )
)]
pub async fn get_media(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    MediaAuth(auth): MediaAuth,
    Path(media_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let id = parse_id(&media_id)?;
    let record = readable(&state, auth.user_id, id).await?;
    state
        .store
        .audit(audit_read(auth.user_id, ip, &record))
        .await?;
    let disposition = content_disposition(record.kind, &record.content_type, &record.name);
    serve(
        &state,
        &headers,
        &record.object_key,
        record.size,
        &record.content_type,
        &disposition,
        &format!("\"{id}\""),
    )
    .await
}

/// A file's thumbnail: JPEG, long edge at most 480 pixels (photos, and videos with a poster).
#[utoipa::path(
    get,
    path = "/api/v1/media/{media_id}/thumbnail",
    tag = "media",
    security(("bearer" = []), ("media_cookie" = [])),
    params(("media_id" = Uuid, Path, description = "File id")),
    responses(
        (status = 200, description = "The thumbnail", content_type = "image/jpeg", body = Vec<u8>),
        (status = 304, description = "Not modified (`If-None-Match`)"),
        (status = 404, description = "No such file or no thumbnail, or not the caller's to see (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn get_thumbnail(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    MediaAuth(auth): MediaAuth,
    Path(media_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let id = parse_id(&media_id)?;
    let record = readable(&state, auth.user_id, id).await?;
    let key = record.thumbnail_key.clone().ok_or(Error::NotFound)?;
    state
        .store
        .audit(audit_read(auth.user_id, ip, &record))
        .await?;
    // Thumbnails are small (a 480 px JPEG): read whole, sent with their length.
    let bytes = state.media.get(&key, None).await?;
    let body: Vec<u8> = {
        use futures_util::TryStreamExt;
        bytes
            .try_fold(Vec::new(), |mut all, chunk| async move {
                all.extend_from_slice(&chunk);
                Ok(all)
            })
            .await
            .map_err(anyhow::Error::from)?
    };
    let etag = format!("\"{id}-thumbnail\"");
    let mut response_headers = HeaderMap::new();
    let value = |s: &str| HeaderValue::from_str(s).map_err(anyhow::Error::from);
    response_headers.insert(header::ETAG, value(&etag)?);
    response_headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        let mut response = (StatusCode::NOT_MODIFIED, response_headers).into_response();
        response.extensions_mut().insert(Uncompressed);
        return Ok(response);
    }
    response_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    response_headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline; filename=\"thumbnail.jpg\""),
    );
    let mut response = (StatusCode::OK, response_headers, body).into_response();
    response.extensions_mut().insert(Uncompressed);
    Ok(response)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MediaListParams {
    /// Only this timeline (it must be one the caller reads); default all they read.
    #[param(value_type = Option<Timeline>)]
    timeline: Option<Timeline>,
    /// Only files of this kind.
    #[param(value_type = Option<MediaKind>)]
    kind: Option<MediaKind>,
    /// Files older than this cursor (`next` of the previous page).
    before: Option<String>,
    /// Page size, default 50; values outside 1..=100 are clamped.
    limit: Option<i64>,
}

/// The files on live posts of a group's timelines the caller reads, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/groups/{group_id}/media",
    tag = "media",
    security(("bearer" = [])),
    params(("group_id" = Uuid, Path, description = "Group id"), MediaListParams),
    responses(
        (status = 200, description = "One page of files", body = MediaPage),
        (status = 400, description = "Invalid cursor or parameters (`malformed_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group, not a member, or a timeline the caller may not read (`not_found`)", body = Problem, content_type = "application/problem+json"),
        SessionErrors,
    )
)]
pub async fn list_group_media(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthUser,
    Path(group_id): Path<String>,
    params: Result<Query<MediaListParams>, Error>,
) -> Result<Response, Error> {
    let group_id = parse_id(&group_id)?;
    let me = member(&state, group_id, auth.user_id).await?;
    let Query(params) = params?;
    let timelines = match params.timeline {
        Some(t) => {
            me.require_timeline(t)?;
            vec![t]
        }
        None => me.timelines(),
    };
    let before = params
        .before
        .as_deref()
        .map(|raw| Cursor::decode(raw).ok_or_else(Error::invalid_cursor))
        .transpose()?;
    let limit = clamp_limit(params.limit);
    let mut rows = state
        .store
        .group_media(&MediaQuery {
            group_id,
            timelines,
            kind: params.kind,
            before,
            limit: limit + 1,
        })
        .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if more {
        rows.last().map(|(_, cursor)| cursor.encode())
    } else {
        None
    };
    state
        .store
        .audit(Entry::new(Action::MediaList, Some(auth.user_id), ip).group(group_id))
        .await?;
    Ok(axum::Json(MediaPage {
        items: rows.into_iter().map(|(item, _)| item).collect(),
        next,
    })
    .into_response())
}
