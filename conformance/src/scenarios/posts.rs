//! Posting: ordering, idempotency, pagination, length limits, edits and their history.

use serde_json::json;
use std::collections::HashSet;
use tsunagu_api::{ErrorCode, Post, PostHistory, RevisionKind, MAX_POST_CHARS};
use uuid::Uuid;

use super::{
    by_time_desc, check_times, create_post, create_workplace, is_uuid_v7, latest,
    member_patient_group, post_path, shared_workplace,
};
use crate::client::{Check, Ctx};
use crate::ensure;
use tsunagu_testkit::PostFixture;

pub(super) async fn posting_appears_at_the_top_of_the_latest_page(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let group = member_patient_group(ctx, &member).await?;
    let body = format!(
        "体温36.8℃、血圧128/76。褥瘡部位の発赤なし。({})",
        Uuid::now_v7()
    );
    let reply = ctx
        .create_post_reply(&member.token, group.id, &PostFixture::new(body.clone()))
        .await?;
    reply.expect_status(201)?;
    check_times(&reply.json()?)?;
    let post: Post = reply.decode()?;
    ensure!(is_uuid_v7(&post.id.to_string()), "post id is not a UUIDv7");
    ensure!(
        post.body == body,
        "body changed on the way: {:?}",
        post.body
    );
    ensure!(post.group_id == group.id, "wrong group_id");
    ensure!(post.author.id == member.user.id, "wrong author");
    let (page, _) = latest(ctx, &member.token, group.id, "").await?;
    ensure!(
        page.items.first().map(|p| p.id) == Some(post.id),
        "the new post is not first on the latest page"
    );
    ensure!(by_time_desc(&page.items), "latest page not newest-first");
    Ok(())
}

pub(super) async fn idempotency_key_creates_exactly_once(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let group = member_patient_group(ctx, &member).await?;
    let key = Uuid::now_v7().to_string();
    let post = PostFixture::new(format!("オフラインで書いた投稿 {key}")).idempotency_key(&key);
    let first = ctx
        .create_post_reply(&member.token, group.id, &post)
        .await?;
    first.expect_status(201)?;
    // The retry a client makes when the first response was lost.
    let again = ctx
        .create_post_reply(&member.token, group.id, &post)
        .await?;
    ensure!(
        again.status == first.status,
        "replay status {} != {}",
        again.status,
        first.status
    );
    let (a, b): (Post, Post) = (first.decode()?, again.decode()?);
    ensure!(a == b, "replay returned a different post");
    let (page, _) = latest(ctx, &member.token, group.id, "?limit=20").await?;
    let copies = page
        .items
        .iter()
        .filter(|p| p.body == post.new_post().body)
        .count();
    ensure!(
        copies == 1,
        "{copies} copies stored for one idempotency key"
    );
    Ok(())
}

pub(super) async fn idempotency_key_reused_with_other_body_is_refused(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let group = member_patient_group(ctx, &member).await?;
    let key = Uuid::now_v7().to_string();
    let (token, group) = (&member.token, group.id);
    let send = |post: PostFixture| async move { ctx.create_post_reply(token, group, &post).await };
    send(PostFixture::new("一回目").idempotency_key(&key))
        .await?
        .expect_status(201)?;
    let reply = send(PostFixture::new("二回目（別の内容）").idempotency_key(&key)).await?;
    reply.expect_problem(422, ErrorCode::IdempotencyKeyReused)?;
    let bad = send(PostFixture::new("キー不正").idempotency_key("not a uuid")).await?;
    bad.expect_problem(400, ErrorCode::IdempotencyKeyInvalid)?;
    Ok(())
}

pub(super) async fn pagination_is_stable_while_posts_are_inserted(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    // A fresh group, so "everything that existed when the walk began" is known exactly.
    let group = create_workplace(ctx, &member.token).await?;
    let mut existing = HashSet::new();
    for i in 0..10 {
        existing.insert(
            create_post(ctx, &member.token, group.id, &format!("ページング確認 {i}"))
                .await?
                .id,
        );
    }
    // Everything that exists now must be seen exactly once while walking back in pages of 3,
    // even though new posts land at the head between page requests.
    let (first, _) = latest(ctx, &member.token, group.id, "?limit=3").await?;
    ensure!(
        first.items.len() == 3,
        "limit=3 returned {}",
        first.items.len()
    );
    let mut seen: Vec<Post> = first.items.clone();
    let mut inserted = HashSet::new();
    let mut cursor = first.next_cursor.clone();
    let mut guard = 0;
    while let Some(c) = cursor {
        inserted.insert(
            create_post(ctx, &member.token, group.id, "ページング中の新着")
                .await?
                .id,
        );
        let (page, _) = latest(
            ctx,
            &member.token,
            group.id,
            &format!("?limit=3&before={c}"),
        )
        .await?;
        ensure!(page.items.len() <= 3, "page larger than limit");
        seen.extend(page.items);
        cursor = page.next_cursor;
        guard += 1;
        ensure!(guard < 10_000, "pagination does not end");
    }
    ensure!(
        by_time_desc(&seen),
        "walking back is not strictly newest-first"
    );
    let ids: HashSet<_> = seen.iter().map(|p| p.id).collect();
    ensure!(ids.len() == seen.len(), "a post was returned twice");
    let gaps: Vec<_> = existing.difference(&ids).collect();
    ensure!(
        gaps.is_empty(),
        "posts skipped while walking back: {gaps:?}"
    );
    ensure!(
        ids.is_disjoint(&inserted),
        "posts newer than the first page appeared on older pages"
    );
    ensure!(
        seen.iter()
            .all(|p| existing.contains(&p.id) || p.system.is_some()),
        "unexpected posts in a fresh group"
    );
    // `after` a cursor returns exactly the newer posts, oldest first.
    let (five, _) = latest(ctx, &member.token, group.id, "?limit=5").await?;
    let c = five.next_cursor.ok_or("no cursor after 5 of many posts")?;
    let (after, _) = latest(
        ctx,
        &member.token,
        group.id,
        &format!("?limit=100&after={c}"),
    )
    .await?;
    let expected: Vec<Uuid> = five.items[..4].iter().rev().map(|p| p.id).collect();
    let got: Vec<Uuid> = after.items.iter().map(|p| p.id).collect();
    ensure!(
        got == expected,
        "`after` the 5th-newest post should give the 4 newer ones oldest-first: {got:?} vs {expected:?}"
    );
    // Both directions at once is a client error.
    let both = ctx
        .get(&format!("/groups/{}/posts?before={c}&after={c}", group.id))
        .bearer(&member.token)
        .send()
        .await?;
    both.expect_problem(400, ErrorCode::MalformedRequest)?;
    let bogus = ctx
        .get(&format!("/groups/{}/posts?before=%%%garbage", group.id))
        .bearer(&member.token)
        .send()
        .await?;
    bogus.expect_problem(400, ErrorCode::MalformedRequest)?;
    Ok(())
}

pub(super) async fn post_length_is_validated_in_characters(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let group = member_patient_group(ctx, &member).await?;
    let too_long = ctx
        .create_post_reply(
            &member.token,
            group.id,
            &PostFixture::new("褥".repeat(MAX_POST_CHARS + 1)),
        )
        .await?;
    let problem = too_long.expect_problem(422, ErrorCode::PostTooLong)?;
    ensure!(
        problem.errors.iter().any(|e| e.field == "body"),
        "validation problem lacks errors[field=body]"
    );
    let empty = ctx
        .create_post_reply(&member.token, group.id, &PostFixture::new(" \n\u{3000}"))
        .await?;
    empty.expect_problem(422, ErrorCode::PostEmpty)?;
    // Exactly at the limit in multi-byte characters is accepted.
    let at_limit = create_post(ctx, &member.token, group.id, &"看".repeat(MAX_POST_CHARS)).await?;
    ensure!(
        at_limit.body.chars().count() == MAX_POST_CHARS,
        "body truncated"
    );
    Ok(())
}

pub(super) async fn edits_need_if_match_and_admins_see_the_history(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?; // admin of the group it creates
    let outsider = ctx.login_outsider().await?; // author
    let physician = ctx.login_physician().await?; // plain member
    let group = shared_workplace(ctx, &member, &[&outsider, &physician]).await?;
    let original = format!("申し送り：夕方の訪問は 17 時です ({})", Uuid::now_v7());
    let post = create_post(ctx, &outsider.token, group.id, &original).await?;
    ensure!(post.version == 1, "a new post has version {}", post.version);
    let path = post_path(group.id, post.id);
    let got = ctx.get(&path).bearer(&outsider.token).send().await?;
    got.expect_status(200)?;
    let etag = got
        .header("etag")
        .ok_or("GET of a post has no ETag")?
        .to_owned();
    ensure!(etag == "\"1\"", "ETag of version 1 is {etag:?}");

    let edit = json!({"body": "申し送り：夕方の訪問は 18 時に変更です"});
    ctx.patch(&path)
        .bearer(&outsider.token)
        .json(&edit)
        .send()
        .await?
        .expect_problem(428, ErrorCode::PreconditionRequired)?;
    ctx.patch(&path)
        .bearer(&physician.token)
        .header("If-Match", &etag)
        .json(&edit)
        .send()
        .await?
        .expect_problem(403, ErrorCode::Forbidden)?;
    let reply = ctx
        .patch(&path)
        .bearer(&outsider.token)
        .header("If-Match", &etag)
        .json(&edit)
        .send()
        .await?;
    reply.expect_status(200)?;
    check_times(&reply.json()?)?;
    let edited: Post = reply.decode()?;
    ensure!(
        edited.version == 2,
        "version after an edit: {}",
        edited.version
    );
    ensure!(edited.body == edit["body"], "the edit did not apply");
    ensure!(edited.edited_at.is_some(), "edited_at not set");
    let new_etag = reply
        .header("etag")
        .ok_or("PATCH answer has no ETag")?
        .to_owned();
    ensure!(new_etag != etag, "the ETag did not change");
    // A second editor still holding version 1 is refused.
    ctx.patch(&path)
        .bearer(&outsider.token)
        .header("If-Match", &etag)
        .json(&json!({"body": "古い版からの編集"}))
        .send()
        .await?
        .expect_problem(412, ErrorCode::PreconditionFailed)?;

    let history = |token: String| {
        let path = format!("{path}/history");
        async move { ctx.get(&path).bearer(&token).send().await }
    };
    let h: PostHistory = history(member.token.clone())
        .await?
        .expect_status(200)?
        .decode()?;
    let kinds: Vec<RevisionKind> = h.items.iter().map(|r| r.kind).collect();
    ensure!(
        kinds == [RevisionKind::Created, RevisionKind::Edited],
        "history kinds {kinds:?}"
    );
    ensure!(h.items[0].body == original, "the original text is not kept");
    ensure!(h.items[0].by.id == outsider.user.id, "revision author");
    history(physician.token.clone())
        .await?
        .expect_problem(403, ErrorCode::Forbidden)?;

    let tomb: Post = ctx
        .delete(&path)
        .bearer(&outsider.token)
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        tomb.body.is_empty() && tomb.deleted_at.is_some(),
        "not a tombstone: {tomb:?}"
    );
    let h: PostHistory = history(member.token.clone())
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        h.items.last().map(|r| r.kind) == Some(RevisionKind::Deleted) && h.items.len() == 3,
        "history after deleting: {:?}",
        h.items
    );
    ctx.patch(&path)
        .bearer(&outsider.token)
        .header("If-Match", &format!("\"{}\"", tomb.version))
        .json(&edit)
        .send()
        .await?
        .expect_problem(409, ErrorCode::PostDeleted)?;
    Ok(())
}
