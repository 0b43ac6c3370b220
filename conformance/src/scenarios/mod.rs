//! The scenarios. Each one is what a user or another system would do, checked on the wire.
//!
//! One module per area; this module lists every scenario in run order and holds the helpers
//! several areas share (creating groups and posts, checking wire formats).

mod dashboard;
mod directory;
mod email;
mod events;
mod family;
mod groups;
mod media;
mod members;
mod onboarding;
mod posts;
mod problems;
mod push;
mod receipts;
mod search;
mod sessions;
mod two_factor;

use std::future::Future;
use std::pin::Pin;

use serde_json::{json, Value};
use tsunagu_api::{
    Group, GroupKind, GroupPage, MemberRole, PhysicianRule, Post, PostPage, Session, Timeline,
};
use uuid::Uuid;

use crate::client::{Check, Ctx, Reply};
use crate::ensure;
use tsunagu_testkit::PostFixture;
// The `scenarios!` list names the functions unqualified, as their names are the scenario names.
use self::{
    dashboard::*, directory::*, email::*, events::*, family::*, groups::*, media::*, members::*,
    onboarding::*, posts::*, problems::*, push::*, receipts::*, search::*, sessions::*,
    two_factor::*,
};

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
    health_says_the_instance_takes_traffic,
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
    a_facility_applies_is_approved_and_activates_with_two_factor,
    event_stream_resumes_without_gaps,
    two_factor_login_takes_each_code_once,
    a_removed_member_is_told_and_then_sees_nothing,
    uploads_resume_and_become_attachments,
    uploads_are_typed_by_their_content,
    groups_are_muted_per_member,
    push_subscriptions_belong_to_the_user_and_device,
    email_addresses_are_confirmed_before_mail_is_chosen,
    the_operator_alone_reads_the_adoption_dashboard,
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
    ctx.api
        .create_post(token, group, &PostFixture::new(body))
        .await
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

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

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
