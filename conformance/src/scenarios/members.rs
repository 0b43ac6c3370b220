//! Members: adding and removing, the last admin, and the attending physician's invitations.

use serde_json::json;
use tsunagu_api::{
    ErrorCode, Group, Invitation, InvitationKind, InvitationList, InvitationStatus, Member,
    MemberList, MemberRole, PhysicianRule, SystemEventKind,
};
use uuid::Uuid;

use super::{
    add_member, check_times, create_patient_group, create_workplace, status_of_group, timeline,
};
use crate::client::{Check, Ctx};
use crate::ensure;

pub(super) async fn members_are_added_removed_and_the_last_admin_stays(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let group = create_workplace(ctx, &member.token).await?;
    let me = member.user.id;
    let leave = |token: &str, user: Uuid| {
        ctx.req(
            reqwest::Method::DELETE,
            &format!("/groups/{}/members/{user}", group.id),
        )
        .bearer(token)
    };
    leave(&member.token, me)
        .send()
        .await?
        .expect_problem(409, ErrorCode::LastAdmin)?;
    let added: Member = add_member(ctx, &member.token, group.id, outsider.user.id, "member")
        .await?
        .expect_status(201)?
        .decode()?;
    ensure!(added.role == MemberRole::Member, "role {:?}", added.role);
    add_member(ctx, &member.token, group.id, outsider.user.id, "member")
        .await?
        .expect_problem(409, ErrorCode::AlreadyMember)?;
    // A plain member removes nobody else and adds nobody.
    leave(&outsider.token, me)
        .send()
        .await?
        .expect_problem(403, ErrorCode::Forbidden)?;
    add_member(ctx, &outsider.token, group.id, me, "member")
        .await?
        .expect_problem(403, ErrorCode::Forbidden)?;
    let list: MemberList = ctx
        .get(&format!("/groups/{}/members", group.id))
        .bearer(&outsider.token)
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(list.items.len() == 2, "{} members", list.items.len());
    // Every member carries the reading of their name (the composer's @-completion uses it).
    let added_listed = list
        .items
        .iter()
        .find(|m| m.person.id == outsider.user.id)
        .ok_or("the added member is not listed")?;
    ensure!(
        added_listed.display_name_kana == outsider.user.display_name_kana,
        "reading {:?}, expected {:?}",
        added_listed.display_name_kana,
        outsider.user.display_name_kana
    );
    // Hand over, then leave.
    let promoted: Member = ctx
        .req(
            reqwest::Method::PATCH,
            &format!("/groups/{}/members/{}", group.id, outsider.user.id),
        )
        .bearer(&member.token)
        .json(&json!({"role": "admin"}))
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(promoted.role == MemberRole::Admin, "not promoted");
    leave(&member.token, me).send().await?.expect_status(204)?;
    ensure!(
        status_of_group(ctx, &member.token, group.id).await? == 404,
        "the group is still visible after leaving"
    );
    let page = timeline(ctx, &outsider.token, group.id, "care").await?;
    let kinds: Vec<SystemEventKind> = page
        .items
        .iter()
        .filter_map(|p| p.system.as_ref().map(|s| s.kind))
        .collect();
    ensure!(
        kinds.first() == Some(&SystemEventKind::MemberLeft),
        "newest system entry {:?}, expected member_left",
        kinds.first()
    );
    ensure!(
        kinds.contains(&SystemEventKind::MemberAdded)
            && kinds.contains(&SystemEventKind::RoleChanged),
        "membership entries missing: {kinds:?}"
    );
    Ok(())
}

pub(super) async fn the_physician_approves_and_declines_invitations(ctx: &Ctx) -> Check {
    let physician = ctx.login_physician().await?;
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    for decision in ["approve", "decline"] {
        let group = create_patient_group(ctx, &physician, PhysicianRule::ApprovalRequired).await?;
        // The physician adds at once.
        add_member(ctx, &physician.token, group.id, member.user.id, "admin")
            .await?
            .expect_status(201)?;
        // Another admin only invites.
        let reply = add_member(ctx, &member.token, group.id, outsider.user.id, "member").await?;
        reply.expect_status(202)?;
        check_times(&reply.json()?)?;
        let invitation: Invitation = reply.decode()?;
        ensure!(
            invitation.status == InvitationStatus::PendingPhysician,
            "status {:?}",
            invitation.status
        );
        ensure!(
            status_of_group(ctx, &outsider.token, group.id).await? == 404,
            "the invitee is a member before approval"
        );
        let inbox: InvitationList = ctx
            .get("/invitations")
            .bearer(&physician.token)
            .send()
            .await?
            .expect_status(200)?
            .decode()?;
        ensure!(
            inbox.items.iter().any(|i| i.id == invitation.id),
            "the invitation is not in the physician's inbox"
        );
        // Only the physician decides.
        ctx.post(&format!("/invitations/{}/approve", invitation.id))
            .bearer(&member.token)
            .send()
            .await?
            .expect_problem(404, ErrorCode::NotFound)?;
        let (path, body) = match decision {
            "approve" => (format!("/invitations/{}/approve", invitation.id), json!({})),
            _ => (
                format!("/invitations/{}/decline", invitation.id),
                json!({"reason": "適合性確認のため辞退"}),
            ),
        };
        if decision == "decline" {
            ctx.post(&path)
                .bearer(&physician.token)
                .json(&json!({"reason": ""}))
                .send()
                .await?
                .expect_problem(422, ErrorCode::FieldRequired)?;
        }
        let decided: Invitation = ctx
            .post(&path)
            .bearer(&physician.token)
            .json(&body)
            .send()
            .await?
            .expect_status(200)?
            .decode()?;
        let (status, visible, kind) = match decision {
            "approve" => (
                InvitationStatus::Accepted,
                200,
                SystemEventKind::InvitationApproved,
            ),
            _ => (
                InvitationStatus::Declined,
                404,
                SystemEventKind::InvitationDeclined,
            ),
        };
        ensure!(decided.status == status, "status {:?}", decided.status);
        ensure!(
            status_of_group(ctx, &outsider.token, group.id).await? == visible,
            "after {decision}, the invitee's access is wrong"
        );
        ctx.post(&path)
            .bearer(&physician.token)
            .json(&body)
            .send()
            .await?
            .expect_problem(409, ErrorCode::InvitationDecided)?;
        let page = timeline(ctx, &member.token, group.id, "care").await?;
        let entry = page.items.iter().find_map(|p| p.system.as_ref());
        ensure!(
            entry
                .is_some_and(|s| s.kind == kind
                    && s.subject.as_ref().map(|a| a.id) == Some(outsider.user.id)),
            "newest system entry is not {kind:?} about the invitee: {entry:?}"
        );
        if decision == "decline" {
            ensure!(
                entry.and_then(|s| s.detail.as_deref()) == Some("適合性確認のため辞退"),
                "the decline reason is not in the entry"
            );
        }
    }
    Ok(())
}

pub(super) async fn inform_only_adds_members_at_once(ctx: &Ctx) -> Check {
    let physician = ctx.login_physician().await?;
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let group = create_patient_group(ctx, &physician, PhysicianRule::InformOnly).await?;
    add_member(ctx, &physician.token, group.id, member.user.id, "admin")
        .await?
        .expect_status(201)?;
    add_member(ctx, &member.token, group.id, outsider.user.id, "member")
        .await?
        .expect_status(201)?;
    ensure!(
        status_of_group(ctx, &outsider.token, group.id).await? == 200,
        "the added member cannot see the group"
    );
    let page = timeline(ctx, &physician.token, group.id, "care").await?;
    ensure!(
        page.items
            .iter()
            .find_map(|p| p.system.as_ref())
            .is_some_and(|s| s.kind == SystemEventKind::MemberAdded),
        "the physician is not informed by a `member_added` entry"
    );
    Ok(())
}

/// The admins the physician rule constrains cannot switch it off: changing the rule is the
/// physician's alone, and another admin removing the physician waits for the physician.
pub(super) async fn only_the_physician_switches_the_rule_or_leaves_the_role(ctx: &Ctx) -> Check {
    let physician = ctx.login_physician().await?;
    let member = ctx.login_member().await?;
    let group = create_patient_group(ctx, &physician, PhysicianRule::ApprovalRequired).await?;
    add_member(ctx, &physician.token, group.id, member.user.id, "admin")
        .await?
        .expect_status(201)?;
    ctx.patch(&format!("/groups/{}", group.id))
        .bearer(&member.token)
        .json(&json!({"physician_rule": "inform_only"}))
        .send()
        .await?
        .expect_problem(403, ErrorCode::Forbidden)?;
    let reply = ctx
        .delete(&format!(
            "/groups/{}/members/{}",
            group.id, physician.user.id
        ))
        .bearer(&member.token)
        .send()
        .await?;
    reply.expect_status(202)?;
    let request: Invitation = reply.decode()?;
    ensure!(
        request.kind == InvitationKind::PhysicianRemoval
            && request.status == InvitationStatus::PendingPhysician,
        "removing the physician gave {:?} {:?}",
        request.kind,
        request.status
    );
    ensure!(
        status_of_group(ctx, &physician.token, group.id).await? == 200,
        "the physician was removed without approving"
    );
    ctx.post(&format!("/invitations/{}/decline", request.id))
        .bearer(&physician.token)
        .json(&json!({"reason": "引き続き担当します"}))
        .send()
        .await?
        .expect_status(200)?;
    let page = timeline(ctx, &physician.token, group.id, "care").await?;
    ensure!(
        page.items
            .iter()
            .filter_map(|p| p.system.as_ref())
            .any(|s| s.kind == SystemEventKind::PhysicianChangeRequested),
        "the request is not in the timeline"
    );
    // The physician changes the rule.
    let group: Group = ctx
        .patch(&format!("/groups/{}", group.id))
        .bearer(&physician.token)
        .json(&json!({"physician_rule": "inform_only"}))
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        group.physician_rule == Some(PhysicianRule::InformOnly),
        "the physician could not change the rule"
    );
    Ok(())
}
