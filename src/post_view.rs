//! Pure rules behind the post actions, the urgent banner and search: who may do what with a
//! post, how a tile merges its own results with the timeline's copy, how receipt lists are
//! ordered, when the urgent list is stale, and how a search query is checked.

use std::collections::HashSet;

use tsunagu_api::{
    Author, Importance, LiveEvent, Me, MemberRole, Post, Receipt, UrgentItem, MAX_SEARCH_CHARS,
};
use uuid::Uuid;

/// The open group as the post tiles need it, provided by the group page: whether I administer
/// it (admins may read any post's history) and whether it is archived (read only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupViewer {
    /// The group.
    pub group_id: Uuid,
    /// My role in it.
    pub role: MemberRole,
    /// Archived groups take no posts, replies or edits.
    pub archived: bool,
}

/// Asks the open timeline to bring a loaded post into view (the list is virtualised: a loaded
/// post far from the viewport is not in the DOM). Provided by the timeline panel; the reply
/// quote uses it when the quoted post's element is not rendered.
#[derive(Clone, Copy)]
pub struct ScrollToPost(pub leptos::prelude::Callback<Uuid>);

/// Fills `{name}` placeholders of a translated template. Templates keep word order in the
/// translation (Japanese puts the name first, English often last).
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (key, value) in args {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}

/// The author of a post as the wire's [`Author`], for events the client publishes itself.
pub fn me_as_author(me: &Me) -> Author {
    Author {
        id: me.id,
        display_name: me.display_name.clone(),
        profession: me.profession,
        facility_name: me.facility.as_ref().map(|f| f.name.clone()),
    }
}

/// Whether `post` is a user's post (not a system entry) that is not deleted.
pub fn is_live_post(post: &Post) -> bool {
    post.system.is_none() && post.deleted_at.is_none()
}

/// Whether the reader may open a post's edit history: only edited or deleted posts have one
/// worth showing, and the server shows it to the group's admins and to the author.
pub fn may_see_history(post: &Post, me: Option<Uuid>, role: Option<MemberRole>) -> bool {
    let changed = post.edited_at.is_some() || post.deleted_at.is_some();
    let allowed = role == Some(MemberRole::Admin) || me == Some(post.author.id);
    post.system.is_none() && changed && allowed
}

/// Whether the reader may edit and delete a post: the author, while it exists and the group is
/// not archived.
pub fn may_change(post: &Post, me: Option<Uuid>, archived: bool) -> bool {
    is_live_post(post) && !archived && me == Some(post.author.id)
}

/// Whether the reader can acknowledge a post (見ました): anyone but the author, while it exists.
pub fn may_ack(post: &Post, me: Option<Uuid>) -> bool {
    is_live_post(post) && me.is_some() && me != Some(post.author.id)
}

/// Whether an urgent post still waits for the reader: it stays highlighted until they
/// acknowledged it (their own urgent posts wait for the others, not for them).
pub fn awaits_my_ack(post: &Post, me: Option<Uuid>) -> bool {
    post.importance == Importance::Urgent && !post.acked_by_me && may_ack(post, me)
}

/// The post a tile shows: the timeline's copy (`model`, kept current by live events) merged with
/// the result of the tile's own last action (`local`), whichever is further along. A newer
/// version wins outright; at the same version, counts only ever grow and an acknowledgement is
/// never withdrawn, so the larger counts and either `acked_by_me` are right.
pub fn merge_local(model: &Post, local: Option<&Post>) -> Post {
    let Some(local) = local.filter(|l| l.id == model.id) else {
        return model.clone();
    };
    let mut merged = if local.version > model.version {
        local.clone()
    } else {
        model.clone()
    };
    if local.version == model.version {
        merged.read_count = model.read_count.max(local.read_count);
        merged.ack_count = model.ack_count.max(local.ack_count);
    }
    merged.acked_by_me = model.acked_by_me || local.acked_by_me;
    merged
}

/// The mentions to send with an edited body: those whose `@表示名` is still in the text, in the
/// original order. `None` when all remain (the server keeps the list unchanged).
pub fn retained_mentions(body: &str, post: &Post) -> Option<Vec<Uuid>> {
    let kept: Vec<Uuid> = post
        .mentions
        .iter()
        .filter(|m| body.contains(&format!("@{}", m.display_name)))
        .map(|m| m.user_id)
        .collect();
    (kept.len() != post.mentions.len()).then_some(kept)
}

/// Receipts oldest first (ties by name), as the dialog lists them whatever order they came in.
pub fn ordered_receipts(list: &[Receipt]) -> Vec<Receipt> {
    let mut out = list.to_vec();
    out.sort_by(|a, b| {
        a.at.cmp(&b.at)
            .then_with(|| a.user.display_name.cmp(&b.user.display_name))
    });
    out
}

/// Whether the receipts dialog lists who has not acknowledged yet: for the author of an urgent
/// post, who waits for everyone to have seen it.
pub fn shows_not_acknowledged(post: &Post, me: Option<Uuid>) -> bool {
    post.importance == Importance::Urgent && me == Some(post.author.id)
}

/// Whether a live event may change my urgent list (`held`: ids of the posts it shows now).
pub fn urgent_list_affected(event: &LiveEvent, held: &HashSet<Uuid>) -> bool {
    match event {
        LiveEvent::PostCreated(p) => p.importance == Importance::Urgent,
        // An edit may raise or lower the importance.
        LiveEvent::PostUpdated(p) => p.importance == Importance::Urgent || held.contains(&p.id),
        LiveEvent::PostDeleted(p) => held.contains(&p.id),
        LiveEvent::AckUpdated(a) => held.contains(&a.post_id),
        // Joining or leaving a group changes which urgent posts I may see.
        LiveEvent::MemberChanged(_) | LiveEvent::Reset(_) => true,
        LiveEvent::ReadUpdated(_) => false,
    }
}

/// The items of a fresh urgent list not seen before (to announce once); `seen` then holds all.
pub fn newly_arrived<'a>(seen: &mut HashSet<Uuid>, items: &'a [UrgentItem]) -> Vec<&'a UrgentItem> {
    items
        .iter()
        .filter(|item| seen.insert(item.post.id))
        .collect()
}

/// Why a search query cannot be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryProblem {
    /// Nothing but whitespace.
    Empty,
    /// Longer than [`MAX_SEARCH_CHARS`] characters after trimming.
    TooLong,
}

/// The query to send: trimmed, 1 to [`MAX_SEARCH_CHARS`] characters (as the server checks).
pub fn checked_query(q: &str) -> Result<String, QueryProblem> {
    let q = q.trim();
    match q.chars().count() {
        0 => Err(QueryProblem::Empty),
        n if n > MAX_SEARCH_CHARS => Err(QueryProblem::TooLong),
        _ => Ok(q.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, Utc};
    use tsunagu_api::{AckUpdate, Mention, Profession, ResetInfo, Timeline};

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T05:00:00.000Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn author(n: u128, name: &str) -> Author {
        Author {
            id: Uuid::from_u128(n),
            display_name: name.into(),
            profession: Profession::Nurse,
            facility_name: None,
        }
    }

    fn post(id: u128, by: u128) -> Post {
        Post {
            id: Uuid::from_u128(id),
            group_id: Uuid::from_u128(900),
            author: author(by, "田中 美咲"),
            body: "本文".into(),
            created_at: t0(),
            timeline: Timeline::Care,
            system: None,
            importance: Importance::Normal,
            reply_to: None,
            mentions: Vec::new(),
            edited_at: None,
            deleted_at: None,
            version: 1,
            read_count: 0,
            ack_count: 0,
            acked_by_me: false,
        }
    }

    const ME: u128 = 10;
    const OTHER: u128 = 11;

    #[test]
    fn templates_are_filled_by_name() {
        assert_eq!(
            fill(
                "{name} {time} の投稿",
                &[("name", "佐藤 花子"), ("time", "14:05")]
            ),
            "佐藤 花子 14:05 の投稿"
        );
        assert_eq!(fill("見ました {n}", &[("n", "3")]), "見ました 3");
    }

    #[test]
    fn translated_templates_have_the_same_placeholders() {
        use crate::i18n::{Locale, Msg};
        let placeholders = |t: &str| {
            let mut found: Vec<String> = t
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(k, _)| k.to_owned()))
                .collect();
            found.sort();
            found
        };
        for msg in [
            Msg::PostTileLabel,
            Msg::AckCount,
            Msg::AckCountLong,
            Msg::ReadCount,
            Msg::UrgentCount,
            Msg::UrgentItemLabel,
            Msg::UrgentArrived,
        ] {
            let ja = placeholders(msg.text(Locale::Ja));
            assert!(!ja.is_empty(), "{msg:?} has no placeholder");
            assert_eq!(ja, placeholders(msg.text(Locale::En)), "{msg:?}");
        }
        assert_eq!(
            fill(
                Msg::PostTileLabel.text(Locale::Ja),
                &[("name", "佐藤 花子"), ("time", "14:05")]
            ),
            "佐藤 花子 14:05 の投稿"
        );
        assert_eq!(
            fill(Msg::AckCount.text(Locale::Ja), &[("n", "1")]),
            "見ました 1"
        );
        assert_eq!(
            fill(Msg::UrgentCount.text(Locale::Ja), &[("n", "2")]),
            "至急 2件"
        );
    }

    #[test]
    fn history_is_for_admins_and_the_author_of_changed_posts() {
        let me = Some(Uuid::from_u128(ME));
        let mut p = post(1, OTHER);
        assert!(
            !may_see_history(&p, me, Some(MemberRole::Admin)),
            "unchanged"
        );
        p.edited_at = Some(t0());
        assert!(may_see_history(&p, me, Some(MemberRole::Admin)));
        assert!(!may_see_history(&p, me, Some(MemberRole::Member)));
        assert!(!may_see_history(&p, me, None));
        let mut mine = post(2, ME);
        mine.deleted_at = Some(t0());
        assert!(may_see_history(&mine, me, Some(MemberRole::Family)));
    }

    #[test]
    fn only_the_author_changes_and_only_others_acknowledge_live_posts() {
        let me = Some(Uuid::from_u128(ME));
        let mine = post(1, ME);
        let theirs = post(2, OTHER);
        assert!(may_change(&mine, me, false));
        assert!(!may_change(&mine, me, true), "archived");
        assert!(!may_change(&theirs, me, false));
        assert!(may_ack(&theirs, me) && !may_ack(&mine, me));
        let mut gone = theirs.clone();
        gone.deleted_at = Some(t0());
        assert!(!may_ack(&gone, me));
    }

    #[test]
    fn urgent_posts_wait_until_i_acknowledge_them() {
        let me = Some(Uuid::from_u128(ME));
        let mut p = post(1, OTHER);
        assert!(!awaits_my_ack(&p, me));
        p.importance = Importance::Urgent;
        assert!(awaits_my_ack(&p, me));
        p.acked_by_me = true;
        assert!(!awaits_my_ack(&p, me));
        let mut mine = post(2, ME);
        mine.importance = Importance::Urgent;
        assert!(!awaits_my_ack(&mine, me));
        assert!(shows_not_acknowledged(&mine, me));
        assert!(!shows_not_acknowledged(&p, me));
    }

    #[test]
    fn a_tiles_own_result_merges_with_the_timelines_copy() {
        let model = post(1, OTHER);
        assert_eq!(merge_local(&model, None), model);
        // My acknowledgement (same version) shows before the live event arrives...
        let mut acked = model.clone();
        acked.ack_count = 1;
        acked.acked_by_me = true;
        let merged = merge_local(&model, Some(&acked));
        assert!(merged.acked_by_me && merged.ack_count == 1);
        // ...and later counts from live events are not hidden by it.
        let mut later = model.clone();
        later.ack_count = 3;
        later.read_count = 4;
        let merged = merge_local(&later, Some(&acked));
        assert_eq!((merged.ack_count, merged.read_count), (3, 4));
        assert!(merged.acked_by_me);
        // An edit I made (newer version) wins over the stale copy; a newer copy wins over it.
        let mut edited = model.clone();
        edited.version = 2;
        edited.body = "修正".into();
        assert_eq!(merge_local(&model, Some(&edited)).body, "修正");
        let mut newer = model.clone();
        newer.version = 3;
        newer.body = "再修正".into();
        assert_eq!(merge_local(&newer, Some(&edited)).body, "再修正");
        // A local copy of another post is ignored.
        assert_eq!(merge_local(&model, Some(&post(2, OTHER))), model);
    }

    #[test]
    fn edits_keep_only_mentions_still_in_the_text() {
        let mut p = post(1, ME);
        p.mentions = vec![
            Mention {
                user_id: Uuid::from_u128(1),
                display_name: "佐藤 健一".into(),
            },
            Mention {
                user_id: Uuid::from_u128(2),
                display_name: "鈴木 由美".into(),
            },
        ];
        assert_eq!(
            retained_mentions("@佐藤 健一 先生、@鈴木 由美 さん", &p),
            None
        );
        assert_eq!(
            retained_mentions("@鈴木 由美 さんのみ", &p),
            Some(vec![Uuid::from_u128(2)])
        );
        assert_eq!(retained_mentions("なし", &p), Some(vec![]));
    }

    #[test]
    fn receipts_are_listed_oldest_first_then_by_name() {
        let r = |n: u128, name: &str, mins: i64| Receipt {
            user: author(n, name),
            at: t0() + Duration::minutes(mins),
        };
        let list = vec![r(1, "鈴木", 5), r(2, "佐藤", 1), r(3, "伊藤", 5)];
        let names: Vec<String> = ordered_receipts(&list)
            .into_iter()
            .map(|r| r.user.display_name)
            .collect();
        assert_eq!(names, vec!["佐藤", "伊藤", "鈴木"]);
    }

    #[test]
    fn the_urgent_list_refetches_only_for_events_that_can_change_it() {
        let mut held = HashSet::new();
        let normal = post(1, OTHER);
        let mut urgent = post(2, OTHER);
        urgent.importance = Importance::Urgent;
        assert!(!urgent_list_affected(
            &LiveEvent::PostCreated(normal.clone()),
            &held
        ));
        assert!(urgent_list_affected(
            &LiveEvent::PostCreated(urgent.clone()),
            &held
        ));
        assert!(!urgent_list_affected(
            &LiveEvent::PostDeleted(urgent.clone()),
            &held
        ));
        held.insert(urgent.id);
        assert!(urgent_list_affected(
            &LiveEvent::PostDeleted(urgent.clone()),
            &held
        ));
        let mut lowered = urgent.clone();
        lowered.importance = Importance::Important;
        assert!(urgent_list_affected(
            &LiveEvent::PostUpdated(lowered),
            &held
        ));
        let ack = |post_id| {
            LiveEvent::AckUpdated(AckUpdate {
                group_id: Uuid::from_u128(900),
                timeline: Timeline::Care,
                post_id,
                user: author(ME, "me"),
                ack_count: 1,
                at: t0(),
            })
        };
        assert!(urgent_list_affected(&ack(urgent.id), &held));
        assert!(!urgent_list_affected(&ack(normal.id), &held));
        assert!(urgent_list_affected(
            &LiveEvent::Reset(ResetInfo { oldest_id: None }),
            &held
        ));
    }

    #[test]
    fn arrivals_are_announced_once() {
        let item = |id| UrgentItem {
            group_name: "山田 花子 様".into(),
            post: post(id, OTHER),
        };
        let mut seen = HashSet::new();
        let first = vec![item(1), item(2)];
        assert_eq!(newly_arrived(&mut seen, &first).len(), 2);
        assert!(newly_arrived(&mut seen, &first).is_empty(), "refetch");
        let next = vec![item(2), item(3)];
        let new: Vec<u128> = newly_arrived(&mut seen, &next)
            .iter()
            .map(|i| i.post.id.as_u128())
            .collect();
        assert_eq!(new, vec![3]);
    }

    #[test]
    fn queries_are_trimmed_and_limited_in_characters() {
        assert_eq!(checked_query("  褥瘡 "), Ok("褥瘡".into()));
        assert_eq!(checked_query(" \t"), Err(QueryProblem::Empty));
        assert_eq!(
            checked_query(&"あ".repeat(MAX_SEARCH_CHARS)).map(|q| q.chars().count()),
            Ok(100)
        );
        assert_eq!(
            checked_query(&"あ".repeat(MAX_SEARCH_CHARS + 1)),
            Err(QueryProblem::TooLong)
        );
    }
}
