//! E-mail notifications: the caller's address, its confirmation and the mode. The suite reads
//! no mail, so it checks what any backend must refuse and the state it shows: an address is
//! validated, stored unconfirmed with the mode off, a wrong code is refused, notification modes
//! need a confirmed address, and forgetting works. A backend without the optional `email`
//! capability answers 404 `email_not_configured` to everything that needs mail.

use serde_json::{json, Value};
use tsunagu_api::{EmailMode, EmailNotifications, ErrorCode};

use super::unique;
use crate::client::{Check, Ctx, Reply};
use crate::ensure;

const BASE: &str = "/me/email-notifications";

pub(super) async fn email_addresses_are_confirmed_before_mail_is_chosen(ctx: &Ctx) -> Check {
    let me = ctx.login_outsider().await?;
    let token = me.token.as_str();
    let state = || async move {
        let state: EmailNotifications = ctx
            .get(BASE)
            .bearer(token)
            .send()
            .await?
            .expect_status(200)?
            .decode()?;
        Check::Ok(state)
    };
    let put = |path: &'static str, body: Value| async move {
        ctx.put(&format!("{BASE}{path}"))
            .bearer(token)
            .json(&body)
            .send()
            .await
    };
    let confirm = |code: &'static str| async move {
        ctx.post(&format!("{BASE}/confirm"))
            .bearer(token)
            .json(&json!({ "code": code }))
            .send()
            .await
    };
    ctx.get(BASE)
        .send()
        .await?
        .expect_problem(401, ErrorCode::Unauthenticated)?;
    // Start from nothing (the account may have been used by an earlier run).
    ctx.delete(BASE)
        .bearer(token)
        .send()
        .await?
        .expect_status(204)?;
    let start = state().await?;
    ensure!(
        start.address.is_none() && !start.confirmed && start.mode == EmailMode::Off,
        "no address after DELETE: {start:?}"
    );
    ensure!(start.digest_every_minutes > 0, "a digest period: {start:?}");

    if !ctx.has_capability("email").await? {
        ensure!(
            !start.available,
            "`available` false without the `email` capability"
        );
        put(
            "/address",
            json!({ "address": "conformance@example.invalid" }),
        )
        .await?
        .expect_problem(404, ErrorCode::EmailNotConfigured)?;
        confirm("123456")
            .await?
            .expect_problem(404, ErrorCode::EmailNotConfigured)?;
        put("/mode", json!({ "mode": "immediate" }))
            .await?
            .expect_problem(404, ErrorCode::EmailNotConfigured)?;
        return Ok(());
    }
    ensure!(start.available, "`available` with the `email` capability");

    for mode in ["immediate", "digest"] {
        put("/mode", json!({ "mode": mode }))
            .await?
            .expect_problem(409, ErrorCode::EmailNotConfirmed)?;
    }
    let off: EmailNotifications = put("/mode", json!({ "mode": "off" }))
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(off.mode == EmailMode::Off, "mode off is always allowed");

    let too_long = format!("{}@example.invalid", "a".repeat(250));
    for bad in [
        "not-an-address",
        "two@at@example.invalid",
        "",
        too_long.as_str(),
    ] {
        let problem = put("/address", json!({ "address": bad }))
            .await?
            .expect_problem(422, ErrorCode::FieldInvalid)?;
        ensure!(
            problem.errors.iter().any(|e| e.field == "address"),
            "{bad:?}: the problem names `address`: {problem:?}"
        );
    }
    put("/address", json!({ "address": 42 }))
        .await?
        .expect_status(422)?;
    ensure!(
        state().await?.address.is_none(),
        "refused addresses store nothing"
    );

    // No address waits for a code.
    confirm("123456")
        .await?
        .expect_problem(422, ErrorCode::InvalidEmailCode)?;

    let address = format!("{}@example.invalid", unique("conformance"));
    let reply: Reply = put("/address", json!({ "address": address })).await?;
    if reply.status == 429 {
        // A backend limits code mails per user; a suite run many times an hour meets it.
        reply.expect_problem(429, ErrorCode::RateLimited)?;
        ensure!(
            reply.header("retry-after").is_some(),
            "429 says when to retry"
        );
        return Ok(());
    }
    let given: EmailNotifications = reply.expect_status(200)?.decode()?;
    ensure!(
        given.address.as_deref() == Some(address.as_str())
            && !given.confirmed
            && given.mode == EmailMode::Off,
        "stored unconfirmed with the mode off: {given:?}"
    );
    ensure!(state().await? == given, "GET shows what PUT answered");
    // Seven digits can never be the six-digit code.
    let problem = confirm("1234567")
        .await?
        .expect_problem(422, ErrorCode::InvalidEmailCode)?;
    ensure!(
        problem.errors.iter().any(|e| e.field == "code"),
        "the problem names `code`: {problem:?}"
    );
    put("/mode", json!({ "mode": "digest" }))
        .await?
        .expect_problem(409, ErrorCode::EmailNotConfirmed)?;
    put("/mode", json!({ "mode": "weekly" }))
        .await?
        .expect_status(422)?;

    ctx.delete(BASE)
        .bearer(token)
        .send()
        .await?
        .expect_status(204)?;
    let gone = state().await?;
    ensure!(
        gone.address.is_none() && !gone.confirmed && gone.mode == EmailMode::Off,
        "DELETE forgets the address and mode: {gone:?}"
    );
    ctx.delete(BASE)
        .bearer(token)
        .send()
        .await?
        .expect_status(204)?;
    Ok(())
}
