//! Composer drafts: text typed but not sent yet, one per user, group and timeline, kept in
//! IndexedDB ([`store`]) so a reload, a tab switch or a closed browser does not lose it.
//!
//! Every key starts with the user who typed it: on a shared tablet the next user of the same
//! group never sees (or sends) the previous user's text, and a plain logout keeps the drafts
//! for their owner's next login.
//!
//! IndexedDB is written asynchronously (debounced, and a `pagehide` write may not finish), so
//! every keystroke is also copied synchronously into `sessionStorage` ([`session_record`],
//! [`session_key`]); on load the two are reconciled ([`reconcile`]): the newer wins and is
//! written back to IndexedDB.
//!
//! This module is the pure part (keys, records, rules), tested natively; the composer restores a
//! draft on mount, saves it debounced and on `pagehide` / hidden / unmount, and deletes it after
//! a successful send.

pub mod store;

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tsunagu_api::Timeline;
use uuid::Uuid;

use crate::outbox::ReplyQuote;

/// Drafts untouched for longer than this (30 days) are pruned.
pub const MAX_AGE_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// Quiet time after the last keystroke before the draft is written.
pub const SAVE_DEBOUNCE_MS: u64 = 400;

/// Prefix of the `sessionStorage` keys of the synchronous draft copies.
pub const SESSION_PREFIX: &str = "tsunagu.draft.";

/// Where a draft belongs: whose it is, a group's timeline and the post it replies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DraftKey {
    /// The user who typed it: nobody else's composer reads it.
    pub user_id: Uuid,
    /// The group.
    pub group_id: Uuid,
    /// The timeline (`care` when the group has only one).
    pub timeline: Timeline,
    /// The post being replied to (reserved for replies; `None` for a new post).
    pub reply_to: Option<Uuid>,
}

impl DraftKey {
    /// The key of `user_id`'s new post in `timeline` of `group_id` (`None`: the default, `care`).
    pub fn new(user_id: Uuid, group_id: Uuid, timeline: Option<Timeline>) -> Self {
        Self {
            user_id,
            group_id,
            timeline: timeline.unwrap_or_default(),
            reply_to: None,
        }
    }

    /// Parses the string form (`{user}/{group}/{timeline}` or
    /// `{user}/{group}/{timeline}/{reply_to}`). The keys of the first release had no user: they
    /// are not drafts of anyone and do not parse.
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.split('/');
        let user_id = Uuid::parse_str(parts.next()?).ok()?;
        let group_id = Uuid::parse_str(parts.next()?).ok()?;
        let timeline = Timeline::parse(parts.next()?)?;
        let reply_to = match parts.next() {
            Some(r) => Some(Uuid::parse_str(r).ok()?),
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Self {
            user_id,
            group_id,
            timeline,
            reply_to,
        })
    }
}

/// The string form, the IndexedDB key.
impl fmt::Display for DraftKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}",
            self.user_id,
            self.group_id,
            self.timeline.as_str()
        )?;
        if let Some(r) = self.reply_to {
            write!(f, "/{r}")?;
        }
        Ok(())
    }
}

impl Serialize for DraftKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DraftKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DraftKey::parse(&s).ok_or_else(|| serde::de::Error::custom("invalid draft key"))
    }
}

/// A stored draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// Where it belongs.
    pub key: DraftKey,
    /// The text, exactly as typed.
    pub body: String,
    /// Last change, milliseconds since the Unix epoch.
    pub updated_at_ms: i64,
    /// For a reply: the quoted post, so the composer can show what it answers when the draft
    /// is resumed after a reload (drafts stored before this field have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<ReplyQuote>,
}

impl Draft {
    /// The JSON stored in IndexedDB (a plain string).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored record; `None` if it is not a draft (never fails the caller).
    pub fn from_json(s: &str) -> Option<Self> {
        crate::json::parse(s)
    }
}

/// What to do with the store for a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftOp {
    /// Write (or overwrite) the draft.
    Save(Draft),
    /// Remove the draft of this key.
    Delete(DraftKey),
}

/// The store operation for `body` typed under `key` (with the quoted post when it is a reply):
/// an empty or whitespace-only text deletes the draft instead of keeping an empty one.
pub fn op_for(key: DraftKey, body: &str, reply: Option<&ReplyQuote>, now_ms: i64) -> DraftOp {
    if body.trim().is_empty() {
        DraftOp::Delete(key)
    } else {
        DraftOp::Save(Draft {
            key,
            body: body.to_owned(),
            updated_at_ms: now_ms,
            reply: reply.filter(|q| key.reply_to == Some(q.id)).cloned(),
        })
    }
}

/// The draft `user`'s composer for `timeline` of `group` opens with: the most recently changed
/// one of that timeline, whether a new post or a reply (so a reply being written when the tab
/// was closed comes back as a reply). Other users' drafts are never considered. A reply draft
/// without its quote can't be shown as one and is passed over.
pub fn draft_to_resume(
    drafts: &[Draft],
    user: Uuid,
    group: Uuid,
    timeline: Timeline,
) -> Option<&Draft> {
    drafts
        .iter()
        .filter(|d| d.key.user_id == user)
        .filter(|d| d.key.group_id == group && d.key.timeline == timeline)
        .filter(|d| d.key.reply_to.is_none() || d.reply.is_some())
        .max_by_key(|d| (d.updated_at_ms, d.key.reply_to.is_none()))
}

/// Whether a draft should be pruned by `user`'s tab: older than [`MAX_AGE_MS`], or one of
/// `user`'s own drafts of a group not in `groups` (`None`: the caller's group list is unknown
/// or incomplete, so only age counts). Another user's groups are unknown here: their drafts go
/// by age alone.
pub fn is_stale(draft: &Draft, user: Uuid, groups: Option<&[Uuid]>, now_ms: i64) -> bool {
    let too_old = now_ms.saturating_sub(draft.updated_at_ms) > MAX_AGE_MS;
    let foreign =
        draft.key.user_id == user && groups.is_some_and(|g| !g.contains(&draft.key.group_id));
    too_old || foreign
}

/// The keys of the stale drafts among `drafts` (see [`is_stale`]).
pub fn stale_keys(
    drafts: &[Draft],
    user: Uuid,
    groups: Option<&[Uuid]>,
    now_ms: i64,
) -> Vec<DraftKey> {
    drafts
        .iter()
        .filter(|d| is_stale(d, user, groups, now_ms))
        .map(|d| d.key)
        .collect()
}

/// The `sessionStorage` key of the synchronous copy of the draft of `key`.
pub fn session_key(key: &DraftKey) -> String {
    format!("{SESSION_PREFIX}{key}")
}

/// The `sessionStorage` key prefix of every copy of `user`'s drafts.
pub fn session_prefix_of(user: Uuid) -> String {
    format!("{SESSION_PREFIX}{user}/")
}

/// The synchronous copy written on every keystroke: the text exactly as typed, also when it is
/// empty (then it records that the draft was emptied, so an older IndexedDB record does not
/// come back after a reload).
pub fn session_record(key: DraftKey, body: &str, reply: Option<&ReplyQuote>, now_ms: i64) -> Draft {
    Draft {
        key,
        body: body.to_owned(),
        updated_at_ms: now_ms,
        reply: reply.filter(|q| key.reply_to == Some(q.id)).cloned(),
    }
}

/// Whether the record says the text was emptied (no draft).
pub fn is_emptied(draft: &Draft) -> bool {
    draft.body.trim().is_empty()
}

/// What reconciling the IndexedDB drafts with the `sessionStorage` copies gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// The drafts as they are now (the newer record of each key; emptied ones left out).
    pub drafts: Vec<Draft>,
    /// What IndexedDB must be told so it holds the same.
    pub writes: Vec<DraftOp>,
}

/// Merges the drafts read from IndexedDB with the `sessionStorage` copies: for each key the
/// newer record wins (on a tie IndexedDB's, which is written after the copy). A copy that wins is
/// written to IndexedDB; one that records an emptied text deletes the stored draft.
pub fn reconcile(stored: &[Draft], copies: &[Draft]) -> Reconciled {
    let mut out = Reconciled {
        drafts: stored.iter().filter(|d| !is_emptied(d)).cloned().collect(),
        writes: Vec::new(),
    };
    for copy in copies {
        let current = stored.iter().find(|d| d.key == copy.key);
        if current.is_some_and(|d| d.updated_at_ms >= copy.updated_at_ms) {
            continue;
        }
        out.drafts.retain(|d| d.key != copy.key);
        if is_emptied(copy) {
            if current.is_some() {
                out.writes.push(DraftOp::Delete(copy.key));
            }
        } else {
            out.drafts.push(copy.clone());
            out.writes.push(DraftOp::Save(copy.clone()));
        }
    }
    out
}

/// The text to put into a freshly mounted editor: the stored draft, unless something was typed
/// before it loaded (what is on screen wins).
pub fn restored_text(current: &str, stored: Option<&Draft>) -> Option<String> {
    match stored {
        Some(d) if current.is_empty() => Some(d.body.clone()),
        _ => None,
    }
}

/// The text typed but not written to the store yet. The debounce timer, `pagehide`, hiding the
/// page and unmounting all [`take`](Self::take) it; a send that succeeded
/// [`forgets`](Self::sent) it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PendingDraft {
    body: Option<String>,
}

impl PendingDraft {
    /// Records an edit.
    pub fn edit(&mut self, body: &str) {
        self.body = Some(body.to_owned());
    }

    /// The unsaved text, if any; afterwards nothing is pending.
    pub fn take(&mut self) -> Option<String> {
        self.body.take()
    }

    /// Whether an edit waits to be written.
    pub fn is_pending(&self) -> bool {
        self.body.is_some()
    }

    /// After `body` was sent: an unsaved copy of exactly that text must not be written back
    /// (it would resurrect the draft), but newer typing stays pending.
    pub fn sent(&mut self, body: &str) {
        if self.body.as_deref() == Some(body) {
            self.body = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The user typing in most tests.
    const ME: Uuid = Uuid::from_u128(0xA11CE);
    /// The next user of the same shared tablet.
    const NEXT: Uuid = Uuid::from_u128(0xB0B);

    fn gid(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn draft(group: u128, timeline: Timeline, at: i64) -> Draft {
        Draft {
            key: DraftKey::new(ME, gid(group), Some(timeline)),
            body: "下書き".into(),
            updated_at_ms: at,
            reply: None,
        }
    }

    fn quote(n: u128) -> ReplyQuote {
        ReplyQuote {
            id: Uuid::from_u128(n),
            author_name: "佐藤 健一".into(),
            excerpt: "明日の訪問時に血圧を測ってください".into(),
        }
    }

    fn reply_draft(group: u128, to: u128, at: i64, with_quote: bool) -> Draft {
        let key = DraftKey {
            reply_to: Some(Uuid::from_u128(to)),
            ..DraftKey::new(ME, gid(group), Some(Timeline::Care))
        };
        Draft {
            key,
            body: "承知しました".into(),
            updated_at_ms: at,
            reply: with_quote.then(|| quote(to)),
        }
    }

    #[test]
    fn the_newest_draft_of_the_timeline_is_resumed_replies_included() {
        let plain = draft(1, Timeline::Care, 100);
        let reply = reply_draft(1, 50, 200, true);
        let other_group = reply_draft(2, 51, 300, true);
        let family = draft(1, Timeline::Family, 400);
        let all = vec![plain.clone(), reply.clone(), other_group, family];
        assert_eq!(
            draft_to_resume(&all, ME, gid(1), Timeline::Care),
            Some(&reply),
            "the reply was typed last"
        );
        let mut newer_plain = plain.clone();
        newer_plain.updated_at_ms = 250;
        let all = vec![newer_plain.clone(), reply.clone()];
        assert_eq!(
            draft_to_resume(&all, ME, gid(1), Timeline::Care),
            Some(&newer_plain)
        );
        // Same moment: the new post wins (no surprise reply bar).
        let same = vec![reply.clone(), draft(1, Timeline::Care, 200)];
        assert_eq!(
            draft_to_resume(&same, ME, gid(1), Timeline::Care).map(|d| d.key.reply_to),
            Some(None)
        );
        // A reply draft stored without its quote is not offered as the one to resume.
        let old_format = vec![plain.clone(), reply_draft(1, 52, 900, false)];
        assert_eq!(
            draft_to_resume(&old_format, ME, gid(1), Timeline::Care),
            Some(&plain)
        );
        assert_eq!(draft_to_resume(&[], ME, gid(1), Timeline::Care), None);
    }

    #[test]
    fn a_reply_draft_keeps_its_quote_and_old_records_still_read() {
        let key = DraftKey {
            reply_to: Some(Uuid::from_u128(50)),
            ..DraftKey::new(ME, gid(1), None)
        };
        let DraftOp::Save(saved) = op_for(key, "承知しました", Some(&quote(50)), 7) else {
            panic!("saved")
        };
        assert_eq!(saved.reply, Some(quote(50)));
        assert_eq!(Draft::from_json(&saved.to_json()), Some(saved));
        // A quote of another post than the key's is not stored with it.
        let DraftOp::Save(mismatch) = op_for(key, "x", Some(&quote(51)), 7) else {
            panic!("saved")
        };
        assert_eq!(mismatch.reply, None);
        // Records written before the field existed.
        let old = format!(
            r#"{{"key":"{ME}/{}/care","body":"下書き","updated_at_ms":3}}"#,
            gid(1)
        );
        assert_eq!(Draft::from_json(&old).map(|d| d.reply), Some(None));
        // Records of the first release had no user: nobody's, never shown to anyone.
        let unowned = format!(
            r#"{{"key":"{}/care","body":"下書き","updated_at_ms":3}}"#,
            gid(1)
        );
        assert_eq!(Draft::from_json(&unowned), None);
    }

    #[test]
    fn keys_round_trip_through_their_string_form() {
        let care = DraftKey::new(ME, gid(1), None);
        assert_eq!(care.timeline, Timeline::Care, "default timeline is care");
        let family = DraftKey::new(ME, gid(1), Some(Timeline::Family));
        let reply = DraftKey {
            reply_to: Some(gid(9)),
            ..family
        };
        for k in [care, family, reply] {
            assert_eq!(DraftKey::parse(&k.to_string()), Some(k));
        }
        assert_ne!(
            care.to_string(),
            family.to_string(),
            "timelines must not collide"
        );
        assert_ne!(family.to_string(), reply.to_string());
        assert_eq!(
            care.to_string(),
            "00000000-0000-0000-0000-0000000a11ce/00000000-0000-0000-0000-000000000001/care"
        );
        let theirs = DraftKey::new(NEXT, gid(1), None);
        assert_ne!(
            care.to_string(),
            theirs.to_string(),
            "users must not collide"
        );
        assert_eq!(DraftKey::parse(&theirs.to_string()), Some(theirs));
    }

    #[test]
    fn malformed_keys_are_rejected() {
        for s in [
            "",
            "nope/care",
            "00000000-0000-0000-0000-000000000001",
            "00000000-0000-0000-0000-000000000001/other",
            "00000000-0000-0000-0000-000000000001/care/x",
            "00000000-0000-0000-0000-000000000001/care/00000000-0000-0000-0000-000000000002/x",
        ] {
            assert_eq!(DraftKey::parse(s), None, "{s:?}");
        }
    }

    #[test]
    fn drafts_round_trip_through_json() {
        let d = draft(3, Timeline::Family, 42);
        assert_eq!(Draft::from_json(&d.to_json()), Some(d));
        assert_eq!(Draft::from_json("{}"), None);
        assert_eq!(Draft::from_json("not json"), None);
    }

    #[test]
    fn empty_or_blank_text_deletes_instead_of_saving() {
        let k = DraftKey::new(ME, gid(1), None);
        for blank in ["", "   ", "\n\t ", "\u{3000}"] {
            assert_eq!(op_for(k, blank, None, 5), DraftOp::Delete(k), "{blank:?}");
        }
        assert_eq!(
            op_for(k, "  本文 ", None, 5),
            DraftOp::Save(Draft {
                key: k,
                body: "  本文 ".into(),
                updated_at_ms: 5,
                reply: None,
            }),
            "the text is kept exactly as typed"
        );
    }

    #[test]
    fn pruning_drops_old_drafts_and_drafts_of_groups_left() {
        let now = 100 * MAX_AGE_MS;
        let fresh = draft(1, Timeline::Care, now - 1000);
        let edge = draft(1, Timeline::Family, now - MAX_AGE_MS);
        let old = draft(2, Timeline::Care, now - MAX_AGE_MS - 1);
        let foreign = draft(3, Timeline::Care, now);
        let all = vec![fresh.clone(), edge.clone(), old.clone(), foreign.clone()];
        let mine = [gid(1), gid(2)];
        assert_eq!(
            stale_keys(&all, ME, Some(&mine), now),
            vec![old.key, foreign.key]
        );
        // Unknown group list: only age counts.
        assert_eq!(stale_keys(&all, ME, None, now), vec![old.key]);
        assert!(!is_stale(&fresh, ME, Some(&mine), now));
        assert!(
            !is_stale(&edge, ME, Some(&mine), now),
            "exactly 30 days is kept"
        );
    }

    #[test]
    fn a_restored_draft_never_overwrites_typing() {
        let d = draft(1, Timeline::Care, 0);
        assert_eq!(restored_text("", Some(&d)), Some("下書き".into()));
        assert_eq!(restored_text("typed", Some(&d)), None);
        assert_eq!(restored_text("", None), None);
    }

    #[test]
    fn pending_text_is_taken_once_and_forgotten_after_its_send() {
        let mut p = PendingDraft::default();
        assert_eq!(p.take(), None);
        p.edit("a");
        p.edit("ab");
        assert!(p.is_pending());
        assert_eq!(p.take(), Some("ab".into()));
        assert_eq!(p.take(), None, "taken once");

        p.edit("sent text");
        p.sent("sent text");
        assert!(!p.is_pending(), "the sent text is not written back");

        p.edit("typed meanwhile");
        p.sent("sent text");
        assert_eq!(
            p.take(),
            Some("typed meanwhile".into()),
            "newer typing stays"
        );
    }

    #[test]
    fn the_next_user_of_a_shared_tablet_never_resumes_the_previous_users_draft() {
        let mine = draft(1, Timeline::Care, 100);
        let all = vec![mine.clone()];
        assert_eq!(
            draft_to_resume(&all, ME, gid(1), Timeline::Care),
            Some(&mine)
        );
        assert_eq!(draft_to_resume(&all, NEXT, gid(1), Timeline::Care), None);
        // Their own draft of the same group is theirs alone, even when older.
        let theirs = Draft {
            key: DraftKey::new(NEXT, gid(1), None),
            ..draft(1, Timeline::Care, 50)
        };
        let both = vec![mine.clone(), theirs.clone()];
        assert_eq!(
            draft_to_resume(&both, NEXT, gid(1), Timeline::Care),
            Some(&theirs)
        );
        assert_eq!(
            draft_to_resume(&both, ME, gid(1), Timeline::Care),
            Some(&mine)
        );
        // A session copy is keyed by user too.
        assert_ne!(session_key(&mine.key), session_key(&theirs.key));
        assert!(session_key(&mine.key).starts_with(&session_prefix_of(ME)));
        assert!(!session_key(&theirs.key).starts_with(&session_prefix_of(ME)));
    }

    #[test]
    fn another_users_drafts_are_not_pruned_for_groups_i_am_not_in() {
        let now = 10 * MAX_AGE_MS;
        let theirs = Draft {
            key: DraftKey::new(NEXT, gid(7), None),
            ..draft(7, Timeline::Care, now)
        };
        assert!(!is_stale(&theirs, ME, Some(&[gid(1)]), now));
        assert!(is_stale(&theirs, NEXT, Some(&[gid(1)]), now));
        let old = Draft {
            updated_at_ms: now - MAX_AGE_MS - 1,
            ..theirs
        };
        assert!(is_stale(&old, ME, None, now), "age counts for everyone");
    }

    #[test]
    fn the_newer_of_indexeddb_and_the_session_copy_wins_and_is_written_back() {
        let key = DraftKey::new(ME, gid(1), None);
        let stored = Draft {
            key,
            body: "血圧1".into(),
            updated_at_ms: 100,
            reply: None,
        };
        // Typed and reloaded before the debounce: only the copy has the newest text.
        let copy = session_record(key, "血圧128/76", None, 200);
        let r = reconcile(std::slice::from_ref(&stored), std::slice::from_ref(&copy));
        assert_eq!(r.drafts, vec![copy.clone()]);
        assert_eq!(r.writes, vec![DraftOp::Save(copy.clone())]);
        // Nothing in IndexedDB at all (the first write never finished).
        let r = reconcile(&[], std::slice::from_ref(&copy));
        assert_eq!(r.drafts, vec![copy.clone()]);
        assert_eq!(r.writes, vec![DraftOp::Save(copy.clone())]);
        // IndexedDB newer (or as new): it stays, nothing is written.
        let older_copy = session_record(key, "血", None, 100);
        let r = reconcile(std::slice::from_ref(&stored), &[older_copy]);
        assert_eq!(r.drafts, vec![stored.clone()]);
        assert!(r.writes.is_empty());
        // Emptied (or sent) just before the reload: the stored text does not come back.
        let emptied = session_record(key, "", None, 300);
        let r = reconcile(
            std::slice::from_ref(&stored),
            std::slice::from_ref(&emptied),
        );
        assert!(r.drafts.is_empty());
        assert_eq!(r.writes, vec![DraftOp::Delete(key)]);
        let r = reconcile(&[], &[emptied]);
        assert_eq!(r, Reconciled::default());
        // Other keys are untouched.
        let other = draft(2, Timeline::Family, 5);
        let r = reconcile(std::slice::from_ref(&other), std::slice::from_ref(&copy));
        assert_eq!(r.drafts, vec![other, copy]);
    }
}
