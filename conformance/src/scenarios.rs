//! The scenarios. Each one is what a user or another system would do, checked on the wire.

use crate::client::{Check, Ctx, Reply};
use crate::ensure;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use tsunagu_api::{
    DirectoryPage, ErrorCode, Group, GroupKind, GroupPage, Invitation, InvitationKind,
    InvitationLink, InvitationList, InvitationStatus, JoinInfo, Me, Member, MemberList, MemberRole,
    Meta, NewPost, PhysicianRule, Post, PostPage, Session, SystemEventKind, Timeline,
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
    groups_are_created_edited_and_archived,
    members_are_added_removed_and_the_last_admin_stays,
    the_physician_approves_and_declines_invitations,
    inform_only_adds_members_at_once,
    family_links_create_an_isolated_family_account,
    direct_messages_are_opened_once_per_pair,
    directory_finds_people_by_name_and_kana,
    read_markers_drive_unread_counts,
    patient_groups_have_separate_timelines,
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
            timeline: None,
            ..Default::default()
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
                timeline: None,
                ..Default::default()
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
        .json(&NewPost {
            body: body.clone(),
            timeline: None,
            ..Default::default()
        })
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
        timeline: None,
        ..Default::default()
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
            timeline: None,
            ..Default::default()
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
            timeline: None,
            ..Default::default()
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
            timeline: None,
            ..Default::default()
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
            timeline: None,
            ..Default::default()
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
            timeline: None,
            ..Default::default()
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

/// A name no earlier run used, so scenarios can run again against the same backend.
fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", &Uuid::now_v7().simple().to_string()[20..])
}

async fn create_workplace(ctx: &Ctx, token: &str) -> Check<Group> {
    let reply = ctx
        .post("/groups")
        .bearer(token)
        .json(&json!({"kind": "workplace", "name": unique("適合性確認")}))
        .send()
        .await?;
    reply.expect_status(201)?;
    check_times(&reply.json()?)?;
    let group: Group = reply.decode()?;
    ensure!(
        group.my_role == MemberRole::Admin,
        "the creator is not admin"
    );
    ensure!(
        group.timelines == vec![Timeline::Care],
        "a workplace group has only `care`: {:?}",
        group.timelines
    );
    Ok(group)
}

/// A patient group created by the physician as attending physician, with the given rule.
async fn create_patient_group(ctx: &Ctx, physician: &Session, rule: PhysicianRule) -> Check<Group> {
    let reply = ctx
        .post("/groups")
        .bearer(&physician.token)
        .json(&json!({
            "kind": "patient",
            "patient": {
                "name": unique("適合 太郎"),
                "name_kana": "てきごう たろう",
                "birth_date": "1940-01-02",
                "attending_physician_id": physician.user.id,
                "notes": "適合性確認用",
            },
            "physician_rule": rule,
        }))
        .send()
        .await?;
    reply.expect_status(201)?;
    let group: Group = reply.decode()?;
    ensure!(group.kind == GroupKind::Patient, "kind is {:?}", group.kind);
    ensure!(
        group.name.ends_with(" 様"),
        "patient group name {:?}",
        group.name
    );
    ensure!(
        group.physician_rule == Some(rule),
        "physician_rule {:?}",
        group.physician_rule
    );
    ensure!(
        group.timelines == vec![Timeline::Care, Timeline::Family],
        "professionals read both timelines: {:?}",
        group.timelines
    );
    let physician_id = group
        .patient
        .as_ref()
        .and_then(|p| p.attending_physician.as_ref())
        .map(|a| a.id);
    ensure!(
        physician_id == Some(physician.user.id),
        "attending physician not set"
    );
    Ok(group)
}

async fn add_member(ctx: &Ctx, token: &str, group: Uuid, user: Uuid, role: &str) -> Check<Reply> {
    ctx.post(&format!("/groups/{group}/members"))
        .bearer(token)
        .json(&json!({"user_id": user, "role": role}))
        .send()
        .await
}

async fn status_of_group(ctx: &Ctx, token: &str, group: Uuid) -> Check<u16> {
    Ok(ctx
        .get(&format!("/groups/{group}"))
        .bearer(token)
        .send()
        .await?
        .status)
}

async fn timeline(ctx: &Ctx, token: &str, group: Uuid, timeline: &str) -> Check<PostPage> {
    ctx.get(&format!("/groups/{group}/posts?timeline={timeline}"))
        .bearer(token)
        .send()
        .await?
        .expect_status(200)?
        .decode()
}

async fn groups_are_created_edited_and_archived(ctx: &Ctx) -> Check {
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

async fn members_are_added_removed_and_the_last_admin_stays(ctx: &Ctx) -> Check {
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

async fn the_physician_approves_and_declines_invitations(ctx: &Ctx) -> Check {
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

async fn inform_only_adds_members_at_once(ctx: &Ctx) -> Check {
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

async fn family_links_create_an_isolated_family_account(ctx: &Ctx) -> Check {
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

async fn direct_messages_are_opened_once_per_pair(ctx: &Ctx) -> Check {
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

/// Hiragana to katakana, to check the server folds katakana queries.
fn to_katakana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

async fn directory_finds_people_by_name_and_kana(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let me = &member.user;
    let kana_word = me
        .display_name_kana
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    let name_word = me
        .display_name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    for q in [name_word, kana_word.clone(), to_katakana(&kana_word)] {
        // The URL parser percent-encodes the Japanese query.
        let reply = ctx
            .get(&format!("/directory/people?q={q}"))
            .bearer(&outsider.token)
            .send()
            .await?;
        reply.expect_status(200)?;
        let page: DirectoryPage = reply.decode()?;
        ensure!(
            page.items.iter().any(|p| p.id == me.id),
            "searching {q:?} does not find {}",
            me.display_name
        );
    }
    ctx.get("/directory/people")
        .send()
        .await?
        .expect_problem(401, ErrorCode::Unauthenticated)?;
    Ok(())
}

async fn read_markers_drive_unread_counts(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let group = create_workplace(ctx, &member.token).await?;
    add_member(ctx, &member.token, group.id, outsider.user.id, "member")
        .await?
        .expect_status(201)?;
    let unread = |token: String| async move {
        let g: Group = ctx
            .get(&format!("/groups/{}", group.id))
            .bearer(&token)
            .send()
            .await?
            .expect_status(200)?
            .decode()?;
        Ok::<u32, String>(g.unread_count)
    };
    ensure!(
        unread(member.token.clone()).await? == 0,
        "system entries count as unread"
    );
    let first = create_post(ctx, &outsider.token, group.id, "未読1").await?;
    let second = create_post(ctx, &outsider.token, group.id, "未読2").await?;
    create_post(ctx, &member.token, group.id, "自分の投稿").await?;
    let n = unread(member.token.clone()).await?;
    ensure!(
        n == 2,
        "unread_count {n}, expected 2 (own posts do not count)"
    );
    let mark = |up_to: Uuid| {
        ctx.req(reqwest::Method::PUT, &format!("/groups/{}/read", group.id))
            .bearer(&member.token)
            .json(&json!({"timeline": "care", "up_to": up_to}))
    };
    mark(second.id).send().await?.expect_status(204)?;
    let n = unread(member.token.clone()).await?;
    ensure!(n == 0, "unread_count {n} after reading everything");
    // Markers only move forward.
    mark(first.id).send().await?.expect_status(204)?;
    let n = unread(member.token.clone()).await?;
    ensure!(n == 0, "the marker moved back: unread_count {n}");
    create_post(ctx, &outsider.token, group.id, "未読3").await?;
    let n = unread(member.token.clone()).await?;
    ensure!(n == 1, "unread_count {n}, expected 1");
    mark(Uuid::now_v7())
        .send()
        .await?
        .expect_problem(404, ErrorCode::NotFound)?;
    Ok(())
}

async fn patient_groups_have_separate_timelines(ctx: &Ctx) -> Check {
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
