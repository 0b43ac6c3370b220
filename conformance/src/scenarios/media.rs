//! Resumable uploads (tus 1.0) and files on posts, for backends that claim `resumable_upload`.

use serde_json::json;
use tsunagu_api::{ErrorCode, Post, UploadStatus};

use super::create_workplace;
use crate::client::{Check, Ctx};
use crate::ensure;

/// A document the server takes (a PDF, by its first bytes), in printable text.
fn pdf_text(len: usize) -> String {
    let mut text = String::from("%PDF-1.4\n");
    let mut i = 0u32;
    while text.len() < len {
        text.push(char::from(b'a' + (i % 26) as u8));
        i += 1;
    }
    text
}

/// Starts an upload; its path under `/api/v1` (`/uploads/{id}`).
async fn start(
    ctx: &Ctx,
    token: &str,
    group: uuid::Uuid,
    name: &str,
    length: usize,
) -> Check<String> {
    let b64 = |s: &str| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(s)
    };
    let reply = ctx
        .post("/uploads")
        .bearer(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", &length.to_string())
        .header(
            "Upload-Metadata",
            &format!(
                "group {},timeline {},filename {}",
                b64(&group.to_string()),
                b64("care"),
                b64(name)
            ),
        )
        .send()
        .await?;
    reply.expect_status(201)?;
    let location = reply.header("location").ok_or("201 without Location")?;
    let path = location
        .strip_prefix(tsunagu_api::API_PREFIX)
        .ok_or_else(|| format!("Location {location} is not under the API"))?;
    Ok(path.to_owned())
}

async fn patch(
    ctx: &Ctx,
    token: &str,
    path: &str,
    offset: usize,
    bytes: &str,
) -> Check<crate::client::Reply> {
    ctx.patch(path)
        .bearer(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", &offset.to_string())
        .raw_body(tsunagu_api::TUS_PATCH_CONTENT_TYPE, bytes)
        .send()
        .await
}

async fn offset(ctx: &Ctx, token: &str, path: &str) -> Check<usize> {
    let reply = ctx
        .req(reqwest::Method::HEAD, path)
        .bearer(token)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await?;
    reply.expect_status(200)?;
    ensure!(
        reply.header("cache-control") == Some("no-store"),
        "HEAD of an upload may be cached"
    );
    reply
        .header("upload-offset")
        .and_then(|o| o.parse().ok())
        .ok_or_else(|| "HEAD without Upload-Offset".to_owned())
}

pub(super) async fn uploads_resume_and_become_attachments(ctx: &Ctx) -> Check {
    if !ctx.has_capability("resumable_upload").await? {
        return Ok(());
    }
    let options = ctx.req(reqwest::Method::OPTIONS, "/uploads").send().await?;
    ensure!(
        options.status == 204 || options.status == 200,
        "OPTIONS /uploads answered {}",
        options.status
    );
    ensure!(
        options
            .header("tus-version")
            .is_some_and(|v| v.contains("1.0.0")),
        "no Tus-Version 1.0.0"
    );
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let group = create_workplace(ctx, &member.token).await?;
    let file = pdf_text(64 * 1024);
    let path = start(ctx, &member.token, group.id, "記録.pdf", file.len()).await?;
    ensure!(
        offset(ctx, &member.token, &path).await? == 0,
        "a new upload is not at 0"
    );

    // In two pieces, as after a lost connection; a wrong offset is a conflict.
    let half = file.len() / 2;
    patch(ctx, &member.token, &path, 0, &file[..half])
        .await?
        .expect_status(204)?;
    ensure!(
        offset(ctx, &member.token, &path).await? == half,
        "HEAD does not say where to resume"
    );
    patch(ctx, &member.token, &path, 0, &file[..10])
        .await?
        .expect_status(409)?;
    // Only the owner may touch it.
    ctx.req(reqwest::Method::HEAD, &path)
        .bearer(&outsider.token)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await?
        .expect_status(404)?;
    let last = patch(ctx, &member.token, &path, half, &file[half..]).await?;
    last.expect_status(204)?;
    ensure!(
        last.header("upload-offset") == Some(file.len().to_string().as_str()),
        "the last PATCH does not report the whole length"
    );
    let status: UploadStatus = ctx
        .get(&path)
        .bearer(&member.token)
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    let attachment = status
        .attachment
        .ok_or("a complete upload has no attachment")?;
    ensure!(
        attachment.content_type == "application/pdf",
        "type {}",
        attachment.content_type
    );
    ensure!(attachment.name == "記録.pdf", "name {}", attachment.name);

    // Nobody else may fetch it, before or after it is on a post of a group they are not in.
    let media = format!("/media/{}", attachment.id);
    ctx.get(&media)
        .bearer(&outsider.token)
        .send()
        .await?
        .expect_problem(404, ErrorCode::NotFound)?;
    let post: Post = ctx
        .post(&format!("/groups/{}/posts", group.id))
        .bearer(&member.token)
        .json(&json!({ "body": "", "attachments": [{ "upload_id": status.id }] }))
        .send()
        .await?
        .expect_status(201)?
        .decode()?;
    ensure!(
        post.attachments.first().map(|a| a.id) == Some(attachment.id),
        "the post does not carry its attachment"
    );
    let page = ctx.posts(&member.token, group.id, "?limit=1").await?;
    ensure!(
        page.items
            .first()
            .is_some_and(|p| p.attachments == post.attachments),
        "the timeline does not carry the attachment"
    );
    let whole = ctx.get(&media).bearer(&member.token).send().await?;
    whole.expect_status(200)?;
    ensure!(
        whole.text == file,
        "the downloaded file differs from the uploaded one"
    );
    let part = ctx
        .get(&media)
        .bearer(&member.token)
        .header("Range", "bytes=0-8")
        .send()
        .await?;
    part.expect_status(206)?;
    ensure!(part.text == "%PDF-1.4\n", "range 0-8 is {:?}", part.text);
    ctx.get(&media)
        .bearer(&outsider.token)
        .send()
        .await?
        .expect_problem(404, ErrorCode::NotFound)?;
    Ok(())
}

pub(super) async fn uploads_are_typed_by_their_content(ctx: &Ctx) -> Check {
    if !ctx.has_capability("resumable_upload").await? {
        return Ok(());
    }
    let member = ctx.login_member().await?;
    let group = create_workplace(ctx, &member.token).await?;
    // A script named like a photo.
    let script = "#!/bin/sh\necho hello\n";
    let path = start(ctx, &member.token, group.id, "photo.jpg", script.len()).await?;
    patch(ctx, &member.token, &path, 0, script)
        .await?
        .expect_problem(415, ErrorCode::UnsupportedMediaType)?;
    // The refused upload is gone.
    ctx.get(&path)
        .bearer(&member.token)
        .send()
        .await?
        .expect_problem(404, ErrorCode::NotFound)?;
    // Larger than any file may be.
    let limits = ctx.meta().await?.limits.media;
    let b64 = |s: &str| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(s)
    };
    ctx.post("/uploads")
        .bearer(&member.token)
        .header("Tus-Resumable", "1.0.0")
        .header(
            "Upload-Length",
            &(limits.max_upload_bytes() + 1).to_string(),
        )
        .header(
            "Upload-Metadata",
            &format!(
                "group {},timeline {}",
                b64(&group.id.to_string()),
                b64("care")
            ),
        )
        .send()
        .await?
        .expect_problem(413, ErrorCode::FileTooLarge)?;
    Ok(())
}
