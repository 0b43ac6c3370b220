//! The scenarios. Each one is what a user or another system would do, checked on the wire.

use crate::client::{Check, Ctx, Reply};
use crate::ensure;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use tsunagu_api::{
    ErrorCode, Group, GroupKind, GroupPage, Me, Meta, NewPost, Post, PostPage, Session,
    IDEMPOTENCY_KEY, MAX_POST_CHARS,
};
use uuid::Uuid;

type BoxFut<'a> = Pin<Box<dyn Future<Output = Check> + 'a>>;

/// A named scenario.
pub struct Scenario {
    pub name: &'static str,
    pub run: for<'a> fn(&'a Ctx) -> BoxFut<'a>,
}

macro_rules! scenarios {
    ($($f:ident),* $(,)?) => {
        pub const ALL: &[Scenario] = &[
            $(Scenario { name: stringify!($f), run: |ctx| Box::pin($f(ctx)) },)*
        ];
    };
}

scenarios!(
    meta_describes_the_backend,
    wrong_password_is_a_translated_problem,
    requests_without_a_valid_token_are_refused,
    login_returns_a_session_for_me,
    logout_ends_the_session,
    groups_list_only_my_groups,
    non_members_get_404_indistinguishable_from_missing,
    posting_appears_at_the_top_of_the_latest_page,
    idempotency_key_creates_exactly_once,
    idempotency_key_reused_with_other_body_is_refused,
    pagination_is_stable_while_posts_are_inserted,
    post_length_is_validated_in_characters,
    malformed_and_wrong_type_bodies_are_problems,
    unknown_api_paths_are_problems,
);

/// RFC 3339, UTC, exactly milliseconds: `2026-11-24T09:30:00.123Z`.
fn is_wire_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 24
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[23] == b'Z'
        && b.iter()
            .enumerate()
            .all(|(i, c)| [4, 7, 10, 13, 16, 19, 23].contains(&i) || c.is_ascii_digit())
}

fn is_uuid_v7(s: &str) -> bool {
    Uuid::parse_str(s).is_ok_and(|u| u.get_version_num() == 7)
}

/// Checks every `*_at` string field in a JSON tree is a wire time.
fn check_times(v: &Value) -> Check {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if k.ends_with("_at") {
                    if let Value::String(s) = v {
                        ensure!(
                            is_wire_time(s),
                            "`{k}` = {s:?} is not RFC 3339 UTC with milliseconds"
                        );
                    }
                }
                check_times(v)?;
            }
        }
        Value::Array(items) => items.iter().try_for_each(check_times)?,
        _ => {}
    }
    Ok(())
}

/// The member's first patient group, which the outsider must not belong to.
async fn member_patient_group(ctx: &Ctx, member: &Session) -> Check<Group> {
    let page: GroupPage = ctx
        .get("/groups?limit=100")
        .bearer(&member.token)
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    page.items
        .into_iter()
        .find(|g| g.kind == GroupKind::Patient)
        .ok_or_else(|| "the member account belongs to no patient group".to_owned())
}

async fn create_post(ctx: &Ctx, token: &str, group: Uuid, body: &str) -> Check<Post> {
    ctx.post(&format!("/groups/{group}/posts"))
        .bearer(token)
        .header(IDEMPOTENCY_KEY, &Uuid::now_v7().to_string())
        .json(&NewPost {
            body: body.to_owned(),
        })
        .send()
        .await?
        .expect_status(201)?
        .decode()
}

async fn latest(ctx: &Ctx, token: &str, group: Uuid, query: &str) -> Check<(PostPage, Reply)> {
    let reply = ctx
        .get(&format!("/groups/{group}/posts{query}"))
        .bearer(token)
        .send()
        .await?;
    reply.expect_status(200)?;
    check_times(&reply.json()?)?;
    Ok((reply.decode()?, reply))
}

fn by_time_desc(posts: &[Post]) -> bool {
    posts
        .windows(2)
        .all(|w| (w[0].created_at, w[0].id) > (w[1].created_at, w[1].id))
}

async fn meta_describes_the_backend(ctx: &Ctx) -> Check {
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

async fn wrong_password_is_a_translated_problem(ctx: &Ctx) -> Check {
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

async fn requests_without_a_valid_token_are_refused(ctx: &Ctx) -> Check {
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

async fn login_returns_a_session_for_me(ctx: &Ctx) -> Check {
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

async fn logout_ends_the_session(ctx: &Ctx) -> Check {
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

async fn groups_list_only_my_groups(ctx: &Ctx) -> Check {
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

async fn non_members_get_404_indistinguishable_from_missing(ctx: &Ctx) -> Check {
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
            .post(&format!("/groups/{id}/posts"))
            .bearer(&outsider.token)
            .json(&NewPost {
                body: "見てはいけない".into(),
            })
            .send()
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

async fn posting_appears_at_the_top_of_the_latest_page(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let group = member_patient_group(ctx, &member).await?;
    let body = format!(
        "体温36.8℃、血圧128/76。褥瘡部位の発赤なし。({})",
        Uuid::now_v7()
    );
    let reply = ctx
        .post(&format!("/groups/{}/posts", group.id))
        .bearer(&member.token)
        .header(IDEMPOTENCY_KEY, &Uuid::now_v7().to_string())
        .json(&NewPost { body: body.clone() })
        .send()
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

async fn idempotency_key_creates_exactly_once(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let group = member_patient_group(ctx, &member).await?;
    let key = Uuid::now_v7().to_string();
    let body = NewPost {
        body: format!("オフラインで書いた投稿 {key}"),
    };
    let path = format!("/groups/{}/posts", group.id);
    let first = ctx
        .post(&path)
        .bearer(&member.token)
        .header(IDEMPOTENCY_KEY, &key)
        .json(&body)
        .send()
        .await?;
    first.expect_status(201)?;
    // The retry a client makes when the first response was lost.
    let again = ctx
        .post(&path)
        .bearer(&member.token)
        .header(IDEMPOTENCY_KEY, &key)
        .json(&body)
        .send()
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
    let copies = page.items.iter().filter(|p| p.body == body.body).count();
    ensure!(
        copies == 1,
        "{copies} copies stored for one idempotency key"
    );
    Ok(())
}

async fn idempotency_key_reused_with_other_body_is_refused(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let group = member_patient_group(ctx, &member).await?;
    let key = Uuid::now_v7().to_string();
    let path = format!("/groups/{}/posts", group.id);
    ctx.post(&path)
        .bearer(&member.token)
        .header(IDEMPOTENCY_KEY, &key)
        .json(&NewPost {
            body: "一回目".into(),
        })
        .send()
        .await?
        .expect_status(201)?;
    let reply = ctx
        .post(&path)
        .bearer(&member.token)
        .header(IDEMPOTENCY_KEY, &key)
        .json(&NewPost {
            body: "二回目（別の内容）".into(),
        })
        .send()
        .await?;
    reply.expect_problem(422, ErrorCode::IdempotencyKeyReused)?;
    let bad = ctx
        .post(&path)
        .bearer(&member.token)
        .header(IDEMPOTENCY_KEY, "not a uuid")
        .json(&NewPost {
            body: "キー不正".into(),
        })
        .send()
        .await?;
    bad.expect_problem(400, ErrorCode::IdempotencyKeyInvalid)?;
    Ok(())
}

async fn pagination_is_stable_while_posts_are_inserted(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let group = member_patient_group(ctx, &member).await?;
    for i in 0..5 {
        create_post(ctx, &member.token, group.id, &format!("ページング確認 {i}")).await?;
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
    let mut cursor = first.next_cursor.clone();
    let mut guard = 0;
    while let Some(c) = cursor {
        create_post(ctx, &member.token, group.id, "ページング中の新着").await?;
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

async fn post_length_is_validated_in_characters(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let group = member_patient_group(ctx, &member).await?;
    let path = format!("/groups/{}/posts", group.id);
    let too_long = ctx
        .post(&path)
        .bearer(&member.token)
        .json(&NewPost {
            body: "褥".repeat(MAX_POST_CHARS + 1),
        })
        .send()
        .await?;
    let problem = too_long.expect_problem(422, ErrorCode::PostTooLong)?;
    ensure!(
        problem.errors.iter().any(|e| e.field == "body"),
        "validation problem lacks errors[field=body]"
    );
    let empty = ctx
        .post(&path)
        .bearer(&member.token)
        .json(&NewPost {
            body: " \n\u{3000}".into(),
        })
        .send()
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

async fn malformed_and_wrong_type_bodies_are_problems(ctx: &Ctx) -> Check {
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

async fn unknown_api_paths_are_problems(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let reply = ctx
        .get("/no-such-resource")
        .bearer(&member.token)
        .send()
        .await?;
    reply.expect_problem(404, ErrorCode::NotFound)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_time_format_is_checked_strictly() {
        assert!(is_wire_time("2026-11-24T09:30:00.123Z"));
        assert!(!is_wire_time("2026-11-24T09:30:00Z"));
        assert!(!is_wire_time("2026-11-24T09:30:00.123+09:00"));
        assert!(!is_wire_time("2026-11-24T09:30:00.123456Z"));
    }

    #[test]
    fn nested_time_fields_are_found() {
        let ok = json!({"items": [{"created_at": "2026-11-24T09:30:00.123Z"}]});
        assert!(check_times(&ok).is_ok());
        let bad = json!({"items": [{"author": {"joined_at": "2026-11-24"}}]});
        assert!(check_times(&bad).is_err());
    }

    #[test]
    fn every_scenario_has_a_unique_name() {
        let names: HashSet<_> = ALL.iter().map(|s| s.name).collect();
        assert_eq!(names.len(), ALL.len());
    }
}
