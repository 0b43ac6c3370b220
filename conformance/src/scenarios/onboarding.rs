//! Onboarding: a facility applies with the pledge (no login), the operator approves, the
//! representative activates the one-time link with two-factor login and manages their staff.

use serde_json::json;
use tsunagu_api::{
    Activated, ActivationInfo, ApplicationList, ApplicationReceipt, ApplicationStatus, Approval,
    ErrorCode, PendingApplications, Pledge, Session, StaffActivation, StaffList,
    TwoFactorEnrolment,
};

use super::unique;
use crate::client::{Check, Ctx};
use crate::ensure;
use tsunagu_testkit::totp::{code_at, now};

pub(super) async fn a_facility_applies_is_approved_and_activates_with_two_factor(
    ctx: &Ctx,
) -> Check {
    let pledge: Pledge = ctx
        .get("/pledge")
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(!pledge.text.trim().is_empty(), "the pledge has no text");
    let login_id = unique("facility");
    let form = json!({
        "facility_name": "適合テスト訪問看護ステーション",
        "facility_name_kana": "テキゴウテストホウモンカンゴステーション",
        "facility_kind": "home_nursing_station",
        "address": "東京都港区芝1-2-3",
        "representative_name": "適合 花子",
        "representative_name_kana": "てきごう はなこ",
        "representative_profession": "nurse",
        "login_id": login_id,
        "phone": "03-1234-5678",
        "email": "conformance@example.jp",
        "pledge_version": pledge.version,
    });
    let receipt: ApplicationReceipt = ctx
        .post("/applications")
        .json(&form)
        .send()
        .await?
        .expect_status(201)?
        .decode()?;
    // The same login ID is not handed to a second application.
    ctx.post("/applications")
        .json(&form)
        .send()
        .await?
        .expect_problem(409, ErrorCode::LoginIdTaken)?;

    let member = ctx.login_member().await?;
    ctx.get("/applications")
        .bearer(&member.token)
        .send()
        .await?
        .expect_problem(403, ErrorCode::Forbidden)?;
    let operator = ctx.login_operator().await?;
    let list: ApplicationList = ctx
        .get("/applications")
        .bearer(&operator.token)
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    // The console's count of waiting applications includes it; members may not ask.
    let waiting: PendingApplications = ctx
        .get("/applications/pending")
        .bearer(&operator.token)
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        waiting.count >= 1,
        "the pending count does not include the new application"
    );
    ctx.get("/applications/pending")
        .bearer(&member.token)
        .send()
        .await?
        .expect_problem(403, ErrorCode::Forbidden)?;
    let mine = list.items.iter().find(|a| a.id == receipt.id);
    ensure!(
        mine.is_some_and(
            |a| a.status == ApplicationStatus::Pending && a.form.pledge_version == pledge.version
        ),
        "the application is not pending with its pledge version"
    );
    let approval_path = format!("/applications/{}/approval", receipt.id);
    let approval: Approval = ctx
        .post(&approval_path)
        .bearer(&operator.token)
        .send()
        .await?
        .expect_status(201)?
        .decode()?;
    ensure!(
        approval.activation.login_id == login_id,
        "the link is for {}",
        approval.activation.login_id
    );
    ctx.post(&approval_path)
        .bearer(&operator.token)
        .send()
        .await?
        .expect_problem(409, ErrorCode::ApplicationDecided)?;

    let token = &approval.activation.token;
    let info: ActivationInfo = ctx
        .get(&format!("/activation/{token}"))
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        info.facility.as_ref().map(|f| f.id) == Some(approval.facility.id),
        "the link names another facility"
    );
    let enrolment: TwoFactorEnrolment = ctx
        .post(&format!("/activation/{token}/two-factor"))
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    // Without the code the short password is too weak; with it, 8 characters suffice.
    ctx.post(&format!("/activation/{token}"))
        .json(&json!({"password": "Short-pw1", "pledge_version": pledge.version}))
        .send()
        .await?
        .expect_problem(422, ErrorCode::PasswordTooWeak)?;
    let at = now();
    let activated: Activated = ctx
        .post(&format!("/activation/{token}"))
        .json(
            &json!({"password": "Short-pw1", "pledge_version": pledge.version,
                      "code": code_at(&enrolment.secret, at)?}),
        )
        .send()
        .await?
        .expect_status(201)?
        .decode()?;
    ensure!(
        activated.session.user.two_factor && activated.session.user.is_facility_admin,
        "activated without two-factor login or administration"
    );
    ensure!(!activated.recovery_codes.is_empty(), "no recovery codes");
    ctx.get(&format!("/activation/{token}"))
        .send()
        .await?
        .expect_problem(404, ErrorCode::ActivationInvalid)?;
    let session: Session = ctx
        .post("/sessions")
        .json(&json!({"login_id": login_id, "password": "Short-pw1",
                      "code": code_at(&enrolment.secret, at + 30)?}))
        .send()
        .await?
        .expect_status(201)?
        .decode()?;

    // The new administrator adds a staff member, and another facility's staff is not theirs.
    let staff_path = format!("/facilities/{}/staff", approval.facility.id);
    let added: StaffActivation = ctx
        .post(&staff_path)
        .bearer(&session.token)
        .json(
            &json!({"display_name": "適合 太郎", "display_name_kana": "てきごう たろう",
                      "profession": "care_worker", "login_id": unique("staff")}),
        )
        .send()
        .await?
        .expect_status(201)?
        .decode()?;
    let list: StaffList = ctx
        .get(&staff_path)
        .bearer(&session.token)
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        list.items.iter().any(|s| s.id == added.staff.id),
        "the added account is not listed"
    );
    if let Some(other) = member.user.facility {
        ctx.get(&format!("/facilities/{}/staff", other.id))
            .bearer(&session.token)
            .send()
            .await?
            .expect_problem(404, ErrorCode::NotFound)?;
    }
    Ok(())
}
