//! Bad requests are answered with problem details, never with an HTML page or a bare status.

use tsunagu_api::ErrorCode;

use super::member_patient_group;
use crate::client::{Check, Ctx};

pub(super) async fn malformed_and_wrong_type_bodies_are_problems(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let group = member_patient_group(ctx, &member).await?;
    let path = format!("/groups/{}/posts", group.id);
    let broken = ctx
        .post(&path)
        .bearer(&member.token)
        .raw_body("application/json", "{\"body\": \"閉じていない")
        .send()
        .await?;
    broken.expect_problem(400, ErrorCode::MalformedRequest)?;
    let wrong_type = ctx
        .post(&path)
        .bearer(&member.token)
        .raw_body("text/plain", "body=hello")
        .send()
        .await?;
    wrong_type.expect_problem(415, ErrorCode::UnsupportedMediaType)?;
    let bad_login = ctx
        .post("/sessions")
        .raw_body("application/json", "[1,2")
        .send()
        .await?;
    bad_login.expect_problem(400, ErrorCode::MalformedRequest)?;
    Ok(())
}

pub(super) async fn unknown_api_paths_are_problems(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let reply = ctx
        .get("/no-such-resource")
        .bearer(&member.token)
        .send()
        .await?;
    reply.expect_problem(404, ErrorCode::NotFound)?;
    Ok(())
}
