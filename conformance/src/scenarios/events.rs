//! The event stream: resuming without gaps, and what a removed member is told.

use serde_json::{json, Value};
use std::time::Duration;
use tsunagu_api::{ErrorCode, LiveEvent};
use uuid::Uuid;

use super::{add_member, create_post, create_workplace};
use crate::client::{Check, Ctx, EventStream, SseEvent};
use crate::ensure;

/// Events of this group's posts: `(event id, post id)` of every `post.created`.
fn created_in(events: &[SseEvent], group: Uuid) -> Check<Vec<(i64, Uuid)>> {
    let mut out = Vec::new();
    for e in events {
        let event = LiveEvent::from_sse(&e.event, &e.data)
            .map_err(|err| format!("event {} does not match the contract: {err}", e.event))?;
        if let LiveEvent::PostCreated(post) = event {
            if post.group_id == group {
                let id =
                    e.id.as_deref()
                        .and_then(|i| i.parse().ok())
                        .ok_or_else(|| format!("event without a numeric id: {e:?}"))?;
                out.push((id, post.id));
            }
        }
    }
    Ok(out)
}

/// Reads until `n` posts of the group were created (or 10 s passed).
async fn read_created(stream: &mut EventStream, group: Uuid, n: usize) -> Check<Vec<(i64, Uuid)>> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut events = Vec::new();
    while created_in(&events, group)?.len() < n {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match stream.next(left).await? {
            Some(e) => events.push(e),
            None => break,
        }
    }
    // Anything right behind (a duplicate would be).
    events.extend(stream.try_drain(Duration::from_millis(700)).await?);
    created_in(&events, group)
}

pub(super) async fn event_stream_resumes_without_gaps(ctx: &Ctx) -> Check {
    if !ctx.has_capability("events").await? {
        // Optional capability: checked only when the backend claims it.
        return Ok(());
    }
    let member = ctx.login_member().await?;
    let group = create_workplace(ctx, &member.token).await?;
    ctx.get("/events")
        .send()
        .await?
        .expect_problem(401, ErrorCode::Unauthenticated)?;
    let mut stream = ctx
        .get("/events")
        .bearer(&member.token)
        .open_stream()
        .await?;
    let a = create_post(ctx, &member.token, group.id, "SSE 確認 A").await?;
    let got = read_created(&mut stream, group.id, 1).await?;
    ensure!(
        got.iter().map(|(_, p)| *p).collect::<Vec<_>>() == [a.id],
        "live: expected exactly post A, got {got:?}"
    );
    let last = got[0].0;
    drop(stream);

    let mut missed = Vec::new();
    for name in ["B", "C", "D"] {
        missed.push(
            create_post(ctx, &member.token, group.id, &format!("SSE 確認 {name}"))
                .await?
                .id,
        );
    }
    let mut stream = ctx
        .get("/events")
        .bearer(&member.token)
        .header("Last-Event-ID", &last.to_string())
        .open_stream()
        .await?;
    let got = read_created(&mut stream, group.id, missed.len()).await?;
    let posts: Vec<Uuid> = got.iter().map(|(_, p)| *p).collect();
    ensure!(
        posts == missed,
        "after Last-Event-ID, expected exactly the missed posts in order: {posts:?} vs {missed:?}"
    );
    ensure!(
        got.iter().all(|(id, _)| *id > last) && got.windows(2).all(|w| w[0].0 < w[1].0),
        "event ids must increase: {got:?}"
    );
    let e = create_post(ctx, &member.token, group.id, "SSE 確認 E").await?;
    let got = read_created(&mut stream, group.id, 1).await?;
    ensure!(
        got.iter().map(|(_, p)| *p).collect::<Vec<_>>() == [e.id],
        "live after resuming: expected exactly post E, got {got:?}"
    );
    Ok(())
}

/// A member removed from a group gets one `member.changed` for it (so their open tabs can let
/// the group go), and none of the group's events after that.
pub(super) async fn a_removed_member_is_told_and_then_sees_nothing(ctx: &Ctx) -> Check {
    if !ctx.has_capability("events").await? {
        return Ok(());
    }
    let admin = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let group = create_workplace(ctx, &admin.token).await?;
    add_member(ctx, &admin.token, group.id, outsider.user.id, "member")
        .await?
        .expect_status(201)?;
    let mut stream = ctx
        .get("/events")
        .bearer(&outsider.token)
        .open_stream()
        .await?;
    ctx.delete(&format!(
        "/groups/{}/members/{}",
        group.id, outsider.user.id
    ))
    .bearer(&admin.token)
    .send()
    .await?
    .expect_status(204)?;
    create_post(ctx, &admin.token, group.id, "退出後の連絡").await?;
    let of_group: Vec<SseEvent> = stream
        .try_drain(Duration::from_secs(2))
        .await?
        .into_iter()
        .filter(|e| {
            let data: Value = serde_json::from_str(&e.data).unwrap_or_default();
            data["group_id"] == json!(group.id)
        })
        .collect();
    let names: Vec<&str> = of_group.iter().map(|e| e.event.as_str()).collect();
    ensure!(
        names == ["member.changed"],
        "the removed member's stream carried {names:?} for the group, expected only member.changed"
    );
    Ok(())
}
