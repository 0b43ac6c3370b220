//! The scenarios. Each one is what a user or another system would do, checked on the wire.

use crate::client::{Check, Ctx, EventStream, Reply, SseEvent};
use crate::ensure;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tsunagu_api::{
    DirectoryPage, ErrorCode, Group, GroupKind, GroupPage, Importance, Invitation, InvitationKind,
    InvitationLink, InvitationList, InvitationStatus, JoinInfo, LiveEvent, Me, Member, MemberList,
    MemberRole, Meta, NewPost, PhysicianRule, Post, PostHistory, PostPage, PostReceipts,
    RevisionKind, SearchPage, Session, SystemEventKind, Timeline, UrgentList, IDEMPOTENCY_KEY,
    MAX_POST_CHARS,
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
    only_the_physician_switches_the_rule_or_leaves_the_role,
    family_links_create_an_isolated_family_account,
    direct_messages_are_opened_once_per_pair,
    directory_finds_people_by_name_and_kana,
    read_markers_drive_unread_counts,
    patient_groups_have_separate_timelines,
    edits_need_if_match_and_admins_see_the_history,
    acknowledgements_and_receipts,
    search_finds_only_what_the_caller_may_read,
    event_stream_resumes_without_gaps,
    a_removed_member_is_told_and_then_sees_nothing,
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
    // A fresh group, so "everything that existed when the walk began" is known exactly.
    let group = create_workplace(ctx, &member.token).await?;
    let mut existing = HashSet::new();
    for i in 0..10 {
        existing.insert(
            create_post(ctx, &member.token, group.id, &format!("ページング確認 {i}"))
                .await?
                .id,
        );
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
    let mut inserted = HashSet::new();
    let mut cursor = first.next_cursor.clone();
    let mut guard = 0;
    while let Some(c) = cursor {
        inserted.insert(
            create_post(ctx, &member.token, group.id, "ページング中の新着")
                .await?
                .id,
        );
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
    let gaps: Vec<_> = existing.difference(&ids).collect();
    ensure!(
        gaps.is_empty(),
        "posts skipped while walking back: {gaps:?}"
    );
    ensure!(
        ids.is_disjoint(&inserted),
        "posts newer than the first page appeared on older pages"
    );
    ensure!(
        seen.iter()
            .all(|p| existing.contains(&p.id) || p.system.is_some()),
        "unexpected posts in a fresh group"
    );
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

/// The admins the physician rule constrains cannot switch it off: changing the rule is the
/// physician's alone, and another admin removing the physician waits for the physician.
async fn only_the_physician_switches_the_rule_or_leaves_the_role(ctx: &Ctx) -> Check {
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

fn post_path(group: Uuid, post: Uuid) -> String {
    format!("/groups/{group}/posts/{post}")
}

/// A workplace group of the member's with the outsider (and optionally the physician) added.
async fn shared_workplace(ctx: &Ctx, member: &Session, others: &[&Session]) -> Check<Group> {
    let group = create_workplace(ctx, &member.token).await?;
    for other in others {
        add_member(ctx, &member.token, group.id, other.user.id, "member")
            .await?
            .expect_status(201)?;
    }
    Ok(group)
}

async fn edits_need_if_match_and_admins_see_the_history(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?; // admin of the group it creates
    let outsider = ctx.login_outsider().await?; // author
    let physician = ctx.login_physician().await?; // plain member
    let group = shared_workplace(ctx, &member, &[&outsider, &physician]).await?;
    let original = format!("申し送り：夕方の訪問は 17 時です ({})", Uuid::now_v7());
    let post = create_post(ctx, &outsider.token, group.id, &original).await?;
    ensure!(post.version == 1, "a new post has version {}", post.version);
    let path = post_path(group.id, post.id);
    let got = ctx.get(&path).bearer(&outsider.token).send().await?;
    got.expect_status(200)?;
    let etag = got
        .header("etag")
        .ok_or("GET of a post has no ETag")?
        .to_owned();
    ensure!(etag == "\"1\"", "ETag of version 1 is {etag:?}");

    let edit = json!({"body": "申し送り：夕方の訪問は 18 時に変更です"});
    ctx.patch(&path)
        .bearer(&outsider.token)
        .json(&edit)
        .send()
        .await?
        .expect_problem(428, ErrorCode::PreconditionRequired)?;
    ctx.patch(&path)
        .bearer(&physician.token)
        .header("If-Match", &etag)
        .json(&edit)
        .send()
        .await?
        .expect_problem(403, ErrorCode::Forbidden)?;
    let reply = ctx
        .patch(&path)
        .bearer(&outsider.token)
        .header("If-Match", &etag)
        .json(&edit)
        .send()
        .await?;
    reply.expect_status(200)?;
    check_times(&reply.json()?)?;
    let edited: Post = reply.decode()?;
    ensure!(
        edited.version == 2,
        "version after an edit: {}",
        edited.version
    );
    ensure!(edited.body == edit["body"], "the edit did not apply");
    ensure!(edited.edited_at.is_some(), "edited_at not set");
    let new_etag = reply
        .header("etag")
        .ok_or("PATCH answer has no ETag")?
        .to_owned();
    ensure!(new_etag != etag, "the ETag did not change");
    // A second editor still holding version 1 is refused.
    ctx.patch(&path)
        .bearer(&outsider.token)
        .header("If-Match", &etag)
        .json(&json!({"body": "古い版からの編集"}))
        .send()
        .await?
        .expect_problem(412, ErrorCode::PreconditionFailed)?;

    let history = |token: String| {
        let path = format!("{path}/history");
        async move { ctx.get(&path).bearer(&token).send().await }
    };
    let h: PostHistory = history(member.token.clone())
        .await?
        .expect_status(200)?
        .decode()?;
    let kinds: Vec<RevisionKind> = h.items.iter().map(|r| r.kind).collect();
    ensure!(
        kinds == [RevisionKind::Created, RevisionKind::Edited],
        "history kinds {kinds:?}"
    );
    ensure!(h.items[0].body == original, "the original text is not kept");
    ensure!(h.items[0].by.id == outsider.user.id, "revision author");
    history(physician.token.clone())
        .await?
        .expect_problem(403, ErrorCode::Forbidden)?;

    let tomb: Post = ctx
        .delete(&path)
        .bearer(&outsider.token)
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        tomb.body.is_empty() && tomb.deleted_at.is_some(),
        "not a tombstone: {tomb:?}"
    );
    let h: PostHistory = history(member.token.clone())
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        h.items.last().map(|r| r.kind) == Some(RevisionKind::Deleted) && h.items.len() == 3,
        "history after deleting: {:?}",
        h.items
    );
    ctx.patch(&path)
        .bearer(&outsider.token)
        .header("If-Match", &format!("\"{}\"", tomb.version))
        .json(&edit)
        .send()
        .await?
        .expect_problem(409, ErrorCode::PostDeleted)?;
    Ok(())
}

async fn acknowledgements_and_receipts(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let group = shared_workplace(ctx, &member, &[&outsider]).await?;
    let urgent: Post = ctx
        .post(&format!("/groups/{}/posts", group.id))
        .bearer(&member.token)
        .json(&NewPost {
            body: "至急：鍵の受け渡し場所が変わりました".into(),
            importance: Some(Importance::Urgent),
            ..Default::default()
        })
        .send()
        .await?
        .expect_status(201)?
        .decode()?;
    ensure!(
        urgent.importance == Importance::Urgent,
        "importance not kept"
    );
    let waiting = |token: String| async move {
        let list: UrgentList = ctx
            .get("/urgent")
            .bearer(&token)
            .send()
            .await?
            .expect_status(200)?
            .decode()?;
        Ok::<_, String>(list)
    };
    let list = waiting(outsider.token.clone()).await?;
    let item = list.items.iter().find(|i| i.post.id == urgent.id);
    ensure!(
        item.is_some(),
        "the urgent post is not in the other member's list"
    );
    ensure!(
        item.is_some_and(|i| i.group_name == group.name),
        "urgent item group_name"
    );
    ensure!(
        !waiting(member.token.clone())
            .await?
            .items
            .iter()
            .any(|i| i.post.id == urgent.id),
        "the author waits for their own acknowledgement"
    );

    ctx.put(&format!("/groups/{}/read", group.id))
        .bearer(&outsider.token)
        .json(&json!({"timeline": "care", "up_to": urgent.id}))
        .send()
        .await?
        .expect_status(204)?;
    let path = post_path(group.id, urgent.id);
    for _ in 0..2 {
        let acked: Post = ctx
            .put(&format!("{path}/ack"))
            .bearer(&outsider.token)
            .send()
            .await?
            .expect_status(200)?
            .decode()?;
        ensure!(acked.acked_by_me, "acked_by_me not set");
        ensure!(
            acked.ack_count == 1,
            "ack_count {} (acks must be idempotent)",
            acked.ack_count
        );
    }
    let receipts: PostReceipts = ctx
        .get(&format!("{path}/receipts"))
        .bearer(&member.token)
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    let ids = |r: &[tsunagu_api::Receipt]| r.iter().map(|r| r.user.id).collect::<Vec<_>>();
    ensure!(
        ids(&receipts.read) == [outsider.user.id],
        "read: {:?}",
        receipts.read
    );
    ensure!(
        ids(&receipts.acknowledged) == [outsider.user.id],
        "acknowledged: {:?}",
        receipts.acknowledged
    );
    ensure!(
        receipts.not_read.is_empty() && receipts.not_acknowledged.is_empty(),
        "the author is never waited for: {:?} {:?}",
        receipts.not_read,
        receipts.not_acknowledged
    );
    let seen: Post = ctx
        .get(&path)
        .bearer(&member.token)
        .send()
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        seen.read_count == 1 && seen.ack_count == 1 && !seen.acked_by_me,
        "author's view: read {} ack {} mine {}",
        seen.read_count,
        seen.ack_count,
        seen.acked_by_me
    );
    ensure!(
        !waiting(outsider.token.clone())
            .await?
            .items
            .iter()
            .any(|i| i.post.id == urgent.id),
        "an acknowledged post stays in the urgent list"
    );
    Ok(())
}

async fn search_finds_only_what_the_caller_may_read(ctx: &Ctx) -> Check {
    if !ctx.has_capability("search").await? {
        // Optional capability: checked only when the backend claims it.
        return Ok(());
    }
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let group = create_workplace(ctx, &member.token).await?;
    let marker = format!("検索適合{}", &Uuid::now_v7().simple().to_string()[20..]);
    let post = create_post(
        ctx,
        &member.token,
        group.id,
        &format!("{marker} の連絡：褥瘡の処置を変更"),
    )
    .await?;
    let search = |token: String, q: String, group: Option<Uuid>| async move {
        let group = group.map(|g| g.to_string());
        let mut params = vec![("q", q.as_str())];
        if let Some(g) = &group {
            params.push(("group_id", g.as_str()));
        }
        ctx.get("/search")
            .bearer(&token)
            .query(&params)
            .send()
            .await
    };
    let page: SearchPage = search(member.token.clone(), marker.clone(), None)
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        page.items.iter().map(|h| h.post.id).collect::<Vec<_>>() == [post.id],
        "the member's search for a unique text: {:?}",
        page.items.iter().map(|h| h.post.id).collect::<Vec<_>>()
    );
    ensure!(page.items[0].group_id == group.id, "hit group_id");
    // Width and case don't matter: the marker's hex digits typed full-width and upper case.
    let wide: String = marker
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' => {
                char::from_u32(c.to_ascii_uppercase() as u32 + 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect();
    let page: SearchPage = search(member.token.clone(), wide.clone(), None)
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        page.items.iter().any(|h| h.post.id == post.id),
        "a search for {wide:?} (full-width, upper case) missed {marker:?}"
    );
    // Two characters (a common length for Japanese words), limited to the group.
    let page: SearchPage = search(member.token.clone(), "褥瘡".into(), Some(group.id))
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        page.items.iter().any(|h| h.post.id == post.id),
        "2-character search missed the post"
    );
    for q in [marker.clone(), "褥瘡".to_owned()] {
        let page: SearchPage = search(outsider.token.clone(), q.clone(), None)
            .await?
            .expect_status(200)?
            .decode()?;
        ensure!(
            !page
                .items
                .iter()
                .any(|h| h.post.id == post.id || h.group_id == group.id),
            "an outsider found a post of a group they are not in ({q})"
        );
    }
    search(outsider.token.clone(), "褥瘡".into(), Some(group.id))
        .await?
        .expect_problem(404, ErrorCode::NotFound)?;
    search(member.token.clone(), "   ".into(), None)
        .await?
        .expect_problem(422, ErrorCode::FieldInvalid)?;
    Ok(())
}

/// Events of this group's posts: `(event id, post id)` of every `post.created`.
fn created_in(events: &[SseEvent], group: Uuid) -> Check<Vec<(i64, Uuid)>> {
    let mut out = Vec::new();
    for e in events {
        let event = LiveEvent::from_sse(&e.event, &e.data)
            .map_err(|err| format!("event {} does not match the contract: {err}", e.event))?;
        if let LiveEvent::PostCreated(post) = event {
            if post.group_id == group {
                let id =
                    e.id.as_deref()
                        .and_then(|i| i.parse().ok())
                        .ok_or_else(|| format!("event without a numeric id: {e:?}"))?;
                out.push((id, post.id));
            }
        }
    }
    Ok(out)
}

/// Reads until `n` posts of the group were created (or 10 s passed).
async fn read_created(stream: &mut EventStream, group: Uuid, n: usize) -> Check<Vec<(i64, Uuid)>> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut events = Vec::new();
    while created_in(&events, group)?.len() < n {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match stream.next(left).await? {
            Some(e) => events.push(e),
            None => break,
        }
    }
    // Anything right behind (a duplicate would be).
    events.extend(stream.drain(Duration::from_millis(700)).await?);
    created_in(&events, group)
}

async fn event_stream_resumes_without_gaps(ctx: &Ctx) -> Check {
    if !ctx.has_capability("events").await? {
        // Optional capability: checked only when the backend claims it.
        return Ok(());
    }
    let member = ctx.login_member().await?;
    let group = create_workplace(ctx, &member.token).await?;
    ctx.get("/events")
        .send()
        .await?
        .expect_problem(401, ErrorCode::Unauthenticated)?;
    let mut stream = ctx
        .get("/events")
        .bearer(&member.token)
        .open_stream()
        .await?;
    let a = create_post(ctx, &member.token, group.id, "SSE 確認 A").await?;
    let got = read_created(&mut stream, group.id, 1).await?;
    ensure!(
        got.iter().map(|(_, p)| *p).collect::<Vec<_>>() == [a.id],
        "live: expected exactly post A, got {got:?}"
    );
    let last = got[0].0;
    drop(stream);

    let mut missed = Vec::new();
    for name in ["B", "C", "D"] {
        missed.push(
            create_post(ctx, &member.token, group.id, &format!("SSE 確認 {name}"))
                .await?
                .id,
        );
    }
    let mut stream = ctx
        .get("/events")
        .bearer(&member.token)
        .header("Last-Event-ID", &last.to_string())
        .open_stream()
        .await?;
    let got = read_created(&mut stream, group.id, missed.len()).await?;
    let posts: Vec<Uuid> = got.iter().map(|(_, p)| *p).collect();
    ensure!(
        posts == missed,
        "after Last-Event-ID, expected exactly the missed posts in order: {posts:?} vs {missed:?}"
    );
    ensure!(
        got.iter().all(|(id, _)| *id > last) && got.windows(2).all(|w| w[0].0 < w[1].0),
        "event ids must increase: {got:?}"
    );
    let e = create_post(ctx, &member.token, group.id, "SSE 確認 E").await?;
    let got = read_created(&mut stream, group.id, 1).await?;
    ensure!(
        got.iter().map(|(_, p)| *p).collect::<Vec<_>>() == [e.id],
        "live after resuming: expected exactly post E, got {got:?}"
    );
    Ok(())
}

/// A member removed from a group gets one `member.changed` for it (so their open tabs can let
/// the group go), and none of the group's events after that.
async fn a_removed_member_is_told_and_then_sees_nothing(ctx: &Ctx) -> Check {
    if !ctx.has_capability("events").await? {
        return Ok(());
    }
    let admin = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let group = create_workplace(ctx, &admin.token).await?;
    add_member(ctx, &admin.token, group.id, outsider.user.id, "member")
        .await?
        .expect_status(201)?;
    let mut stream = ctx
        .get("/events")
        .bearer(&outsider.token)
        .open_stream()
        .await?;
    ctx.delete(&format!(
        "/groups/{}/members/{}",
        group.id, outsider.user.id
    ))
    .bearer(&admin.token)
    .send()
    .await?
    .expect_status(204)?;
    create_post(ctx, &admin.token, group.id, "退出後の連絡").await?;
    let of_group: Vec<SseEvent> = stream
        .drain(Duration::from_secs(2))
        .await?
        .into_iter()
        .filter(|e| {
            let data: Value = serde_json::from_str(&e.data).unwrap_or_default();
            data["group_id"] == json!(group.id)
        })
        .collect();
    let names: Vec<&str> = of_group.iter().map(|e| e.event.as_str()).collect();
    ensure!(
        names == ["member.changed"],
        "the removed member's stream carried {names:?} for the group, expected only member.changed"
    );
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
