//! Groups: who sees which, creating, editing and archiving, direct messages, separate timelines.

use serde_json::json;
use tsunagu_api::{
    ErrorCode, Group, GroupKind, GroupPage, PhysicianRule, Post, SystemEventKind, Timeline,
};
use uuid::Uuid;

use super::{
    add_member, check_times, create_patient_group, create_workplace, latest, member_patient_group,
    timeline, unique,
};
use crate::client::{Check, Ctx};
use crate::ensure;
use tsunagu_testkit::PostFixture;

pub(super) async fn groups_list_only_my_groups(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let group = member_patient_group(ctx, &member).await?;
    let reply = ctx
        .get("/groups?limit=100")
        .bearer(&outsider.token)
        .send()
        .await?;
    reply.expect_status(200)?;
    check_times(&reply.json()?)?;
    let page: GroupPage = reply.decode()?;
    ensure!(
        page.items.iter().all(|g| g.id != group.id),
        "the outsider's list contains the member's patient group"
    );
    ensure!(
        !reply.text.contains(&group.name),
        "the outsider's list mentions the patient's name"
    );
    // Latest activity first.
    let member_page: GroupPage = ctx
        .get("/groups?limit=100")
        .bearer(&member.token)
        .send()
        .await?
        .decode()?;
    let activity: Vec<_> = member_page
        .items
        .iter()
        .map(|g| g.last_post_at.unwrap_or(g.created_at))
        .collect();
    ensure!(
        activity.windows(2).all(|w| w[0] >= w[1]),
        "groups are not sorted by latest activity"
    );
    Ok(())
}

pub(super) async fn non_members_get_404_indistinguishable_from_missing(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let group = member_patient_group(ctx, &member).await?;
    let missing = Uuid::now_v7();
    for id in [group.id, missing] {
        let paths = [format!("/groups/{id}"), format!("/groups/{id}/posts")];
        for path in &paths {
            let reply = ctx.get(path).bearer(&outsider.token).send().await?;
            reply.expect_problem(404, ErrorCode::NotFound)?;
            ensure!(
                !reply.text.contains(&group.name),
                "404 body leaks the group name"
            );
        }
        let reply = ctx
            .create_post_reply(&outsider.token, id, &PostFixture::new("見てはいけない"))
            .await?;
        reply.expect_problem(404, ErrorCode::NotFound)?;
    }
    // The member can read it, and the outsider's attempt created nothing.
    let (page, _) = latest(ctx, &member.token, group.id, "?limit=20").await?;
    ensure!(
        page.items.iter().all(|p| p.body != "見てはいけない"),
        "a non-member's post was stored"
    );
    Ok(())
}

pub(super) async fn groups_are_created_edited_and_archived(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let group = create_workplace(ctx, &member.token).await?;
    let empty = ctx
        .post("/groups")
        .bearer(&member.token)
        .json(&json!({"kind": "workplace", "name": "  "}))
        .send()
        .await?;
    let problem = empty.expect_problem(422, ErrorCode::FieldRequired)?;
    ensure!(
        problem.errors.iter().any(|e| e.field == "name"),
        "no field error for `name`: {:?}",
        problem.errors
    );
    let new_name = unique("改名後");
    let patched: Group = ctx
        .req(reqwest::Method::PATCH, &format!("/groups/{}", group.id))
        .bearer(&member.token)
        .json(&json!({"name": new_name}))
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        patched.name == new_name,
        "name not changed: {}",
        patched.name
    );
    ctx.req(reqwest::Method::PATCH, &format!("/groups/{}", group.id))
        .bearer(&outsider.token)
        .json(&json!({"name": "乗っ取り"}))
        .send()
        .await?
        .expect_problem(404, ErrorCode::NotFound)?;

    let archived: Group = ctx
        .post(&format!("/groups/{}/archive", group.id))
        .bearer(&member.token)
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(archived.archived, "archive did not set `archived`");
    ctx.post(&format!("/groups/{}/posts", group.id))
        .bearer(&member.token)
        .json(&json!({"body": "アーカイブ後の投稿"}))
        .send()
        .await?
        .expect_problem(409, ErrorCode::GroupArchived)?;
    ctx.req(reqwest::Method::PATCH, &format!("/groups/{}", group.id))
        .bearer(&member.token)
        .json(&json!({"name": "x"}))
        .send()
        .await?
        .expect_problem(409, ErrorCode::GroupArchived)?;
    let page = timeline(ctx, &member.token, group.id, "care").await?;
    ensure!(
        page.items
            .first()
            .and_then(|p| p.system.as_ref())
            .is_some_and(|s| s.kind == SystemEventKind::GroupArchived),
        "the newest entry is not `group_archived`"
    );
    Ok(())
}

pub(super) async fn direct_messages_are_opened_once_per_pair(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let first = ctx
        .post("/direct")
        .bearer(&member.token)
        .json(&json!({"user_id": outsider.user.id}))
        .send()
        .await?;
    ensure!(
        first.status == 200 || first.status == 201,
        "open DM: HTTP {}",
        first.status
    );
    let dm: Group = first.decode()?;
    ensure!(dm.kind == GroupKind::Direct, "kind {:?}", dm.kind);
    ensure!(
        dm.peer.as_ref().map(|p| p.id) == Some(outsider.user.id),
        "peer is not the other person"
    );
    ensure!(
        dm.name == outsider.user.display_name,
        "DM named {:?}",
        dm.name
    );
    for (session, peer) in [(&member, &outsider), (&outsider, &member)] {
        let again = ctx
            .post("/direct")
            .bearer(&session.token)
            .json(&json!({"user_id": peer.user.id}))
            .send()
            .await?;
        again.expect_status(200)?;
        let group: Group = again.decode()?;
        ensure!(group.id == dm.id, "a second DM was opened");
    }
    ctx.post("/direct")
        .bearer(&member.token)
        .json(&json!({"user_id": member.user.id}))
        .send()
        .await?
        .expect_problem(422, ErrorCode::FieldInvalid)?;
    Ok(())
}

pub(super) async fn patient_groups_have_separate_timelines(ctx: &Ctx) -> Check {
    let physician = ctx.login_physician().await?;
    let member = ctx.login_member().await?;
    let group = create_patient_group(ctx, &physician, PhysicianRule::InformOnly).await?;
    add_member(ctx, &physician.token, group.id, member.user.id, "member")
        .await?
        .expect_status(201)?;
    let body = unique("家族向けのお知らせ");
    let post: Post = ctx
        .post(&format!("/groups/{}/posts", group.id))
        .bearer(&member.token)
        .json(&json!({"body": body, "timeline": "family"}))
        .send()
        .await?
        .expect_status(201)?
        .decode()?;
    ensure!(
        post.timeline == Timeline::Family,
        "timeline {:?}",
        post.timeline
    );
    let care = timeline(ctx, &member.token, group.id, "care").await?;
    ensure!(
        !care.items.iter().any(|p| p.id == post.id),
        "a family post shows in `care`"
    );
    let family = timeline(ctx, &member.token, group.id, "family").await?;
    ensure!(
        family.items.iter().any(|p| p.id == post.id),
        "the family post is missing from `family`"
    );
    let default = ctx
        .post(&format!("/groups/{}/posts", group.id))
        .bearer(&member.token)
        .json(&json!({"body": "ケア向け"}))
        .send()
        .await?
        .expect_status(201)?
        .decode::<Post>()?;
    ensure!(
        default.timeline == Timeline::Care,
        "professionals post to `care` by default"
    );
    let workplace = create_workplace(ctx, &member.token).await?;
    ctx.get(&format!("/groups/{}/posts?timeline=family", workplace.id))
        .bearer(&member.token)
        .send()
        .await?
        .expect_problem(404, ErrorCode::NotFound)?;
    Ok(())
}
