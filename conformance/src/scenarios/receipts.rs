//! Read markers, unread counts, acknowledgements and receipts.

use serde_json::json;
use tsunagu_api::{ErrorCode, Group, Importance, Post, PostReceipts, UrgentList};
use uuid::Uuid;

use super::{add_member, create_post, create_workplace, post_path, shared_workplace};
use crate::client::{Check, Ctx};
use crate::ensure;
use tsunagu_testkit::PostFixture;

pub(super) async fn read_markers_drive_unread_counts(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let group = create_workplace(ctx, &member.token).await?;
    add_member(ctx, &member.token, group.id, outsider.user.id, "member")
        .await?
        .expect_status(201)?;
    let unread = |token: String| async move {
        let g: Group = ctx
            .get(&format!("/groups/{}", group.id))
            .bearer(&token)
            .send()
            .await?
            .expect_status(200)?
            .decode()?;
        Ok::<u32, String>(g.unread_count)
    };
    ensure!(
        unread(member.token.clone()).await? == 0,
        "system entries count as unread"
    );
    let first = create_post(ctx, &outsider.token, group.id, "未読1").await?;
    let second = create_post(ctx, &outsider.token, group.id, "未読2").await?;
    create_post(ctx, &member.token, group.id, "自分の投稿").await?;
    let n = unread(member.token.clone()).await?;
    ensure!(
        n == 2,
        "unread_count {n}, expected 2 (own posts do not count)"
    );
    let mark = |up_to: Uuid| {
        ctx.req(reqwest::Method::PUT, &format!("/groups/{}/read", group.id))
            .bearer(&member.token)
            .json(&json!({"timeline": "care", "up_to": up_to}))
    };
    mark(second.id).send().await?.expect_status(204)?;
    let n = unread(member.token.clone()).await?;
    ensure!(n == 0, "unread_count {n} after reading everything");
    // Markers only move forward.
    mark(first.id).send().await?.expect_status(204)?;
    let n = unread(member.token.clone()).await?;
    ensure!(n == 0, "the marker moved back: unread_count {n}");
    create_post(ctx, &outsider.token, group.id, "未読3").await?;
    let n = unread(member.token.clone()).await?;
    ensure!(n == 1, "unread_count {n}, expected 1");
    mark(Uuid::now_v7())
        .send()
        .await?
        .expect_problem(404, ErrorCode::NotFound)?;
    Ok(())
}

pub(super) async fn acknowledgements_and_receipts(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let group = shared_workplace(ctx, &member, &[&outsider]).await?;
    let urgent: Post = ctx
        .create_post(
            &member.token,
            group.id,
            &PostFixture::new("至急：鍵の受け渡し場所が変わりました").urgent(),
        )
        .await?;
    ensure!(
        urgent.importance == Importance::Urgent,
        "importance not kept"
    );
    let waiting = |token: String| async move {
        let list: UrgentList = ctx
            .get("/urgent")
            .bearer(&token)
            .send()
            .await?
            .expect_status(200)?
            .decode()?;
        Ok::<_, String>(list)
    };
    let list = waiting(outsider.token.clone()).await?;
    let item = list.items.iter().find(|i| i.post.id == urgent.id);
    ensure!(
        item.is_some(),
        "the urgent post is not in the other member's list"
    );
    ensure!(
        item.is_some_and(|i| i.group_name == group.name),
        "urgent item group_name"
    );
    ensure!(
        !waiting(member.token.clone())
            .await?
            .items
            .iter()
            .any(|i| i.post.id == urgent.id),
        "the author waits for their own acknowledgement"
    );

    ctx.put(&format!("/groups/{}/read", group.id))
        .bearer(&outsider.token)
        .json(&json!({"timeline": "care", "up_to": urgent.id}))
        .send()
        .await?
        .expect_status(204)?;
    let path = post_path(group.id, urgent.id);
    for _ in 0..2 {
        let acked: Post = ctx
            .put(&format!("{path}/ack"))
            .bearer(&outsider.token)
            .send()
            .await?
            .expect_status(200)?
            .decode()?;
        ensure!(acked.acked_by_me, "acked_by_me not set");
        ensure!(
            acked.ack_count == 1,
            "ack_count {} (acks must be idempotent)",
            acked.ack_count
        );
    }
    let receipts: PostReceipts = ctx
        .get(&format!("{path}/receipts"))
        .bearer(&member.token)
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    let ids = |r: &[tsunagu_api::Receipt]| r.iter().map(|r| r.user.id).collect::<Vec<_>>();
    ensure!(
        ids(&receipts.read) == [outsider.user.id],
        "read: {:?}",
        receipts.read
    );
    ensure!(
        ids(&receipts.acknowledged) == [outsider.user.id],
        "acknowledged: {:?}",
        receipts.acknowledged
    );
    ensure!(
        receipts.not_read.is_empty() && receipts.not_acknowledged.is_empty(),
        "the author is never waited for: {:?} {:?}",
        receipts.not_read,
        receipts.not_acknowledged
    );
    let seen: Post = ctx
        .get(&path)
        .bearer(&member.token)
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        seen.read_count == 1 && seen.ack_count == 1 && !seen.acked_by_me,
        "author's view: read {} ack {} mine {}",
        seen.read_count,
        seen.ack_count,
        seen.acked_by_me
    );
    ensure!(
        !waiting(outsider.token.clone())
            .await?
            .items
            .iter()
            .any(|i| i.post.id == urgent.id),
        "an acknowledged post stays in the urgent list"
    );
    Ok(())
}
