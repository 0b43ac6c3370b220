//! Meta, logging in and out, and refusing requests without a valid session.

use serde_json::json;
use tsunagu_api::{ErrorCode, Health, Me, Meta, Session, MAX_POST_CHARS};
use uuid::Uuid;

use super::check_times;
use crate::client::{Check, Ctx};
use crate::ensure;

pub(super) async fn meta_describes_the_backend(ctx: &Ctx) -> Check {
    let reply = ctx.get("/meta").send().await?;
    reply.expect_status(200)?;
    let ct = reply.header("content-type").unwrap_or_default();
    ensure!(ct.starts_with("application/json"), "content type {ct:?}");
    let meta: Meta = reply.decode()?;
    ensure!(
        meta.api_version == "v1",
        "api_version {:?}",
        meta.api_version
    );
    ensure!(!meta.name.is_empty(), "empty name");
    ensure!(
        meta.limits.max_post_chars as usize >= MAX_POST_CHARS,
        "max_post_chars below the contract's {MAX_POST_CHARS}"
    );
    ensure!(
        meta.limits.session_idle_timeout_seconds > 0,
        "no idle timeout"
    );
    Ok(())
}

pub(super) async fn health_says_the_instance_takes_traffic(ctx: &Ctx) -> Check {
    let reply = ctx.get("/health").send().await?;
    reply.expect_status(200)?;
    let health: Health = reply.decode()?;
    ensure!(health.status == "ok", "status {:?}", health.status);
    Ok(())
}

pub(super) async fn wrong_password_is_a_translated_problem(ctx: &Ctx) -> Check {
    let reply = ctx
        .post("/sessions")
        .json(&json!({"login_id": ctx.options.member_login, "password": "definitely-wrong-1"}))
        .send()
        .await?;
    reply.expect_problem(401, ErrorCode::InvalidCredentials)?;
    ensure!(
        !reply.text.contains("argon") && !reply.text.contains("sql"),
        "error leaks internals: {}",
        reply.text
    );
    // An unknown login ID is indistinguishable from a wrong password.
    let unknown = ctx
        .post("/sessions")
        .json(&json!({"login_id": format!("nobody-{}", Uuid::now_v7()), "password": "x-y-z-1234"}))
        .send()
        .await?;
    unknown.expect_problem(401, ErrorCode::InvalidCredentials)?;
    Ok(())
}

pub(super) async fn requests_without_a_valid_token_are_refused(ctx: &Ctx) -> Check {
    let none = ctx.get("/me").send().await?;
    none.expect_problem(401, ErrorCode::Unauthenticated)?;
    ensure!(
        none.header("www-authenticate")
            .is_some_and(|h| h.starts_with("Bearer")),
        "401 without `WWW-Authenticate: Bearer`"
    );
    let forged = ctx.get("/groups").bearer("forged-token").send().await?;
    forged.expect_problem(401, ErrorCode::Unauthenticated)?;
    Ok(())
}

pub(super) async fn login_returns_a_session_for_me(ctx: &Ctx) -> Check {
    let reply = ctx
        .post("/sessions")
        .json(
            &json!({"login_id": ctx.options.member_login, "password": ctx.options.member_password}),
        )
        .send()
        .await?;
    reply.expect_status(201)?;
    check_times(&reply.json()?)?;
    let session: Session = reply.decode()?;
    ensure!(
        session.token.len() >= 20,
        "token too short to be unguessable"
    );
    ensure!(
        session.expires_at > chrono::Utc::now(),
        "session already expired"
    );
    let me: Me = ctx
        .get("/me")
        .bearer(&session.token)
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(me == session.user, "/me differs from the login's user");
    ensure!(
        me.login_id == ctx.options.member_login,
        "/me is someone else: {}",
        me.login_id
    );
    Ok(())
}

pub(super) async fn logout_ends_the_session(ctx: &Ctx) -> Check {
    let session = ctx.login_member().await?;
    let reply = ctx
        .req(reqwest::Method::DELETE, "/sessions/current")
        .bearer(&session.token)
        .send()
        .await?;
    reply.expect_status(204)?;
    let after = ctx.get("/me").bearer(&session.token).send().await?;
    ensure!(
        after.status == 401,
        "token still works after logout: HTTP {}",
        after.status
    );
    Ok(())
}
