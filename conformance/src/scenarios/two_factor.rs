//! Two-factor login: a new account enrols an authenticator app, then logs in only with a code,
//! each code once, each recovery code once.

use serde_json::json;
use tsunagu_api::{
    ErrorCode, InvitationLink, PhysicianRule, RecoveryCodes, Session, TwoFactorEnrolment,
};

use super::{create_patient_group, unique};
use crate::client::{Check, Ctx};
use crate::ensure;
use tsunagu_testkit::totp::{code_at, now};

pub(super) async fn two_factor_login_takes_each_code_once(ctx: &Ctx) -> Check {
    // A fresh account (the configured ones must keep logging in with a password alone).
    let physician = ctx.login_physician().await?;
    let group = create_patient_group(ctx, &physician, PhysicianRule::ApprovalRequired).await?;
    let link: InvitationLink = ctx
        .post(&format!("/groups/{}/invitation-links", group.id))
        .bearer(&physician.token)
        .json(&json!({"kind": "family"}))
        .send()
        .await?
        .expect_status(201)?
        .decode()?;
    let login_id = unique("twofactor");
    let password = "Conformance-2FA-01";
    let session: Session = ctx
        .post(&format!("/join/{}", link.token))
        .json(&json!({
            "display_name": "適合 二要素",
            "relationship": "child",
            "login_id": login_id,
            "password": password,
        }))
        .send()
        .await?
        .expect_status(201)?
        .decode()?;
    ensure!(
        !session.user.two_factor,
        "two-factor login on before enrolment"
    );

    ctx.post("/me/two-factor")
        .bearer(&session.token)
        .json(&json!({"password": "wrong-password-1"}))
        .send()
        .await?
        .expect_problem(422, ErrorCode::InvalidCredentials)?;
    let enrolment: TwoFactorEnrolment = ctx
        .post("/me/two-factor")
        .bearer(&session.token)
        .json(&json!({"password": password}))
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        enrolment.otpauth_uri.starts_with("otpauth://totp/")
            && enrolment.otpauth_uri.contains(&enrolment.secret),
        "otpauth URI {:?}",
        enrolment.otpauth_uri
    );
    ensure!(enrolment.qr_svg.contains("<svg"), "no SVG QR code");
    ctx.post("/me/two-factor/confirm")
        .bearer(&session.token)
        .json(&json!({"code": "000000"}))
        .send()
        .await?
        .expect_problem(422, ErrorCode::InvalidTwoFactorCode)?;
    let at = now();
    let codes: RecoveryCodes = ctx
        .post("/me/two-factor/confirm")
        .bearer(&session.token)
        .json(&json!({"code": code_at(&enrolment.secret, at)?}))
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        codes.recovery_codes.len() >= 5,
        "{} recovery codes",
        codes.recovery_codes.len()
    );

    let login = |code: Option<String>| {
        let mut body = json!({"login_id": login_id, "password": password});
        if let Some(code) = code {
            body["code"] = json!(code);
        }
        ctx.post("/sessions").json(&body).send()
    };
    login(None)
        .await?
        .expect_problem(401, ErrorCode::TwoFactorRequired)?;
    // The confirming code was used; the next step's code works once.
    login(Some(code_at(&enrolment.secret, at)?))
        .await?
        .expect_problem(401, ErrorCode::InvalidTwoFactorCode)?;
    let next = code_at(&enrolment.secret, at + 30)?;
    let with_code: Session = login(Some(next.clone()))
        .await?
        .expect_status(201)?
        .decode()?;
    ensure!(
        with_code.user.two_factor,
        "`two_factor` not set on the user"
    );
    login(Some(next))
        .await?
        .expect_problem(401, ErrorCode::InvalidTwoFactorCode)?;
    let recovery = codes.recovery_codes[0].clone();
    login(Some(recovery.clone())).await?.expect_status(201)?;
    login(Some(recovery))
        .await?
        .expect_problem(401, ErrorCode::InvalidTwoFactorCode)?;
    Ok(())
}
