//! Family links: a one-time link creates a family account that sees only its own timeline.

use serde_json::json;
use tsunagu_api::{
    ErrorCode, GroupPage, InvitationKind, InvitationLink, InvitationStatus, JoinInfo, MemberRole,
    PhysicianRule, Post, Session, SystemEventKind, Timeline,
};

use super::{
    add_member, check_times, create_patient_group, member_patient_group, timeline, unique,
};
use crate::client::{Check, Ctx};
use crate::ensure;

pub(super) async fn family_links_create_an_isolated_family_account(ctx: &Ctx) -> Check {
    let physician = ctx.login_physician().await?;
    let member = ctx.login_member().await?;
    let group = create_patient_group(ctx, &physician, PhysicianRule::ApprovalRequired).await?;
    add_member(ctx, &physician.token, group.id, member.user.id, "member")
        .await?
        .expect_status(201)?;
    let reply = ctx
        .post(&format!("/groups/{}/invitation-links", group.id))
        .bearer(&physician.token)
        .json(&json!({"kind": "family"}))
        .send()
        .await?;
    reply.expect_status(201)?;
    check_times(&reply.json()?)?;
    let link: InvitationLink = reply.decode()?;
    ensure!(
        link.invitation.status == InvitationStatus::Open,
        "status {:?}",
        link.invitation.status
    );
    ensure!(link.token.len() >= 32, "token too short");
    let info: JoinInfo = ctx
        .get(&format!("/join/{}", link.token))
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(info.kind == InvitationKind::Family, "kind {:?}", info.kind);
    ensure!(
        info.group_name == group.name,
        "group_name {}",
        info.group_name
    );

    let login_id = unique("family");
    let body = json!({
        "display_name": "適合 花子",
        "relationship": "spouse",
        "login_id": login_id,
        "password": "Conformance-Family-01",
    });
    let mut weak = body.clone();
    weak["password"] = json!("weak");
    ctx.post(&format!("/join/{}", link.token))
        .json(&weak)
        .send()
        .await?
        .expect_problem(422, ErrorCode::PasswordTooWeak)?;
    let reply = ctx
        .post(&format!("/join/{}", link.token))
        .json(&body)
        .send()
        .await?;
    reply.expect_status(201)?;
    let session: Session = reply.decode()?;
    ensure!(
        session.user.profession == tsunagu_api::Profession::Family
            && session.user.facility.is_none(),
        "not a family account: {:?}",
        session.user
    );
    let family = session.token;

    let page: GroupPage = ctx
        .get("/groups")
        .bearer(&family)
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        page.items.len() == 1 && page.items[0].id == group.id,
        "a family member must see exactly their group, saw {}",
        page.items.len()
    );
    ensure!(
        page.items[0].my_role == MemberRole::Family
            && page.items[0].timelines == vec![Timeline::Family],
        "family role or timelines wrong: {:?} {:?}",
        page.items[0].my_role,
        page.items[0].timelines
    );
    ctx.get(&format!("/groups/{}/posts?timeline=care", group.id))
        .bearer(&family)
        .send()
        .await?
        .expect_problem(404, ErrorCode::NotFound)?;
    ctx.get("/directory/people")
        .bearer(&family)
        .send()
        .await?
        .expect_problem(404, ErrorCode::NotFound)?;
    let other = member_patient_group(ctx, &member).await?;
    if other.id != group.id {
        ctx.get(&format!("/groups/{}", other.id))
            .bearer(&family)
            .send()
            .await?
            .expect_problem(404, ErrorCode::NotFound)?;
    }
    let fam_page = timeline(ctx, &family, group.id, "family").await?;
    ensure!(
        fam_page
            .items
            .first()
            .and_then(|p| p.system.as_ref())
            .is_some_and(|s| s.kind == SystemEventKind::MemberJoined),
        "the family timeline does not show the join"
    );
    let post: Post = ctx
        .post(&format!("/groups/{}/posts", group.id))
        .bearer(&family)
        .json(&json!({"body": "よろしくお願いします。"}))
        .send()
        .await?
        .expect_status(201)?
        .decode()?;
    ensure!(
        post.timeline == Timeline::Family,
        "family posts go to `family`"
    );
    // Single use.
    let mut again = body.clone();
    again["login_id"] = json!(unique("family"));
    ctx.post(&format!("/join/{}", link.token))
        .json(&again)
        .send()
        .await?
        .expect_problem(404, ErrorCode::InvitationInvalid)?;
    ctx.get(&format!("/join/{}", link.token))
        .send()
        .await?
        .expect_problem(404, ErrorCode::InvitationInvalid)?;
    Ok(())
}
