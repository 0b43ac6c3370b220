//! Pure state of one group's timeline: the posts loaded so far, oldest → newest by
//! `(created_at, id)`, each id once, plus the cursor for loading older posts, the unread divider
//! and what the reader has seen.
//!
//! Pages arrive newest-first (`before` / no cursor) or oldest-first (`after`); posts the user
//! sends arrive one by one and again as live events and in later pages. All of them go through
//! one merge, so order and uniqueness hold whatever the arrival order. Live events
//! ([`TimelineModel::apply_event`]) add posts, replace edited or deleted ones and update the
//! read and acknowledgement counts.
//!
//! The model may hold thousands of posts (a long-running patient group); what is rendered is
//! decided by [`window`].

pub mod window;

use chrono::{DateTime, Utc};
use tsunagu_api::{Importance, LiveEvent, Post, PostPage, Timeline};
use uuid::Uuid;

/// The sort key of a post: `(created_at, id)`.
pub type PostKey = (DateTime<Utc>, Uuid);

/// The sort key of a post.
pub fn key(post: &Post) -> PostKey {
    (post.created_at, post.id)
}

/// The sort key of a post known only by id. Ids are UUIDv7 (contract), whose first 48 bits are
/// the creation time in milliseconds, the same instant as `created_at`; an id of another
/// version sorts before everything (as if it were older than anything loaded).
pub fn key_of_unheld_id(id: Uuid) -> PostKey {
    let time = (id.get_version_num() == 7)
        .then(|| DateTime::from_timestamp_millis((id.as_u128() >> 80) as i64))
        .flatten()
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    (time, id)
}

/// Whether `post` is shown when the timeline is filtered to `min` importance.
pub fn passes_filter(post: &Post, min: Option<Importance>) -> bool {
    min.is_none_or(|min| post.importance >= min)
}

/// What the reader is doing when a live event arrives, for deciding about the divider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LiveContext {
    /// The reader is looking at the newest posts (scrolled to the bottom, page visible): what
    /// arrives now is read as it arrives.
    pub watching: bool,
}

/// What applying a live event changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Applied {
    /// Something visible changed.
    pub changed: bool,
    /// A post by someone else was added (the list may scroll, the "最新へ" count grows).
    pub new_from_others: bool,
    /// A post by the current user was added.
    pub new_mine: bool,
}

/// The loaded part of a timeline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimelineModel {
    posts: Vec<Post>,
    older_cursor: Option<String>,
    loaded: bool,
    /// Which group and timeline live events must belong to.
    scope: Option<(Uuid, Timeline)>,
    /// Only posts at least this important are held (the "重要・至急のみ" filter).
    min_importance: Option<Importance>,
    /// The current user.
    me: Option<Uuid>,
    /// The reader's read marker when the timeline was opened (`None`: nothing read).
    read_marker: Option<Uuid>,
    /// Its sort key: estimated from the id until the post itself is loaded.
    read_at_open: Option<PostKey>,
    /// The post the unread divider is drawn above.
    divider: Option<Uuid>,
    /// The divider no longer moves: the read marker lies inside the loaded range (or nothing
    /// older exists), so the first unread post is known.
    divider_settled: bool,
    /// The newest post the reader has had on screen.
    seen: Option<PostKey>,
    /// The newest read marker sent to the server.
    sent: Option<PostKey>,
}

impl TimelineModel {
    /// An empty, not yet loaded timeline accepting no live events.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty timeline of `timeline` in `group`, seen by `me`, optionally filtered to posts
    /// at least `min_importance` important.
    pub fn scoped(
        group: Uuid,
        timeline: Timeline,
        me: Option<Uuid>,
        min_importance: Option<Importance>,
    ) -> Self {
        Self {
            scope: Some((group, timeline)),
            me,
            min_importance,
            ..Self::default()
        }
    }

    /// Posts, oldest first.
    pub fn posts(&self) -> &[Post] {
        &self.posts
    }

    /// Number of posts held.
    pub fn len(&self) -> usize {
        self.posts.len()
    }

    /// Whether no post is held.
    pub fn is_empty(&self) -> bool {
        self.posts.is_empty()
    }

    /// Whether the first page has arrived.
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// Whether older posts can be loaded.
    pub fn has_more(&self) -> bool {
        self.older_cursor.is_some()
    }

    /// Cursor for `before=` to load older posts.
    pub fn older_cursor(&self) -> Option<&str> {
        self.older_cursor.as_deref()
    }

    /// The importance filter, `None` when every post is shown.
    pub fn min_importance(&self) -> Option<Importance> {
        self.min_importance
    }

    /// The current user.
    pub fn me(&self) -> Option<Uuid> {
        self.me
    }

    /// Id of the newest post.
    pub fn newest_id(&self) -> Option<Uuid> {
        self.posts.last().map(|p| p.id)
    }

    /// Id of the oldest post.
    pub fn oldest_id(&self) -> Option<Uuid> {
        self.posts.first().map(|p| p.id)
    }

    /// Position of the post with this id.
    pub fn index_of(&self, id: Uuid) -> Option<usize> {
        // Newest first: what live events and the reader touch is mostly recent.
        self.posts.iter().rposition(|p| p.id == id)
    }

    fn index_of_key(&self, k: PostKey) -> Result<usize, usize> {
        self.posts.binary_search_by(|p| key(p).cmp(&k))
    }

    /// The post with this sort key (its key never changes, so this is a binary search).
    pub fn get(&self, k: PostKey) -> Option<&Post> {
        self.index_of_key(k).ok().map(|i| &self.posts[i])
    }

    /// The sort keys of all posts, oldest first.
    pub fn keys(&self) -> Vec<PostKey> {
        self.posts.iter().map(key).collect()
    }

    /// The sort key of `id`: exact when held, else derived from the UUIDv7.
    pub fn key_of(&self, id: Uuid) -> PostKey {
        self.index_of(id)
            .map(|i| key(&self.posts[i]))
            .unwrap_or_else(|| key_of_unheld_id(id))
    }

    /// Applies the first page (newest posts, newest first) with the reader's read marker; on a
    /// later call (catching up after the event stream restarted) only merges.
    pub fn apply_latest(&mut self, page: PostPage) {
        if self.loaded {
            self.merge(page.items);
            return;
        }
        self.older_cursor = page.next_cursor;
        self.loaded = true;
        self.merge(page.items);
        self.read_marker = page.read_up_to;
        self.settle_divider();
    }

    /// Merges a newest page fetched to catch up (events may have been missed while the stream
    /// was down). Returns `false` when the page does not reach back to what is held, so posts
    /// in between may be missing and the timeline must be reloaded instead.
    pub fn apply_catch_up(&mut self, page: PostPage) -> bool {
        let overlaps = match (self.posts.last(), page.items.last()) {
            (Some(newest), Some(oldest_of_page)) => {
                page.next_cursor.is_none() || key(oldest_of_page) <= key(newest)
            }
            _ => true,
        };
        if overlaps {
            self.merge(page.items);
        }
        overlaps
    }

    /// Applies a page of older posts fetched with `before=`.
    pub fn apply_older(&mut self, page: PostPage) {
        self.older_cursor = page.next_cursor;
        self.merge(page.items);
        self.settle_divider();
    }

    /// Applies a page of newer posts fetched with `after=`; the older cursor is unchanged.
    pub fn apply_newer(&mut self, page: PostPage) {
        self.merge(page.items);
    }

    /// Adds a post the user just sent (or one that arrived live). A post not passing the
    /// filter is not held.
    pub fn insert(&mut self, post: Post) {
        self.merge(std::iter::once(post));
    }

    /// Merges posts in any order: a post whose id is already present is combined with it (the
    /// newer version wins; counts never go down); the result stays sorted by `(created_at, id)`.
    /// Posts not passing the importance filter are dropped.
    pub fn merge(&mut self, posts: impl IntoIterator<Item = Post>) {
        let min = self.min_importance;
        let mut batch: Vec<Post> = posts
            .into_iter()
            .filter(|p| passes_filter(p, min))
            .collect();
        if batch.is_empty() {
            return;
        }
        crate::sort::sort_by_key(&mut batch, key);
        batch.dedup_by(|later, earlier| {
            let same = later.id == earlier.id;
            if same {
                combine(earlier, later.clone());
            }
            same
        });
        // Appending newer posts or prepending an older page is the common case: no full pass.
        let held_first = self.posts.first().map(key);
        let held_last = self.posts.last().map(key);
        if held_last.is_none_or(|last| key(&batch[0]) > last) {
            self.posts.append(&mut batch);
            return;
        }
        if held_first.is_some_and(|first| key(&batch[batch.len() - 1]) < first) {
            batch.append(&mut self.posts);
            self.posts = batch;
            return;
        }
        let held = std::mem::take(&mut self.posts);
        let mut out = Vec::with_capacity(held.len() + batch.len());
        let mut a = held.into_iter().peekable();
        let mut b = batch.into_iter().peekable();
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => key(x).cmp(&key(y)),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => break,
            };
            match next {
                std::cmp::Ordering::Less => out.extend(a.next()),
                std::cmp::Ordering::Greater => out.extend(b.next()),
                std::cmp::Ordering::Equal => {
                    let (Some(mut x), Some(y)) = (a.next(), b.next()) else {
                        unreachable!("both peeked")
                    };
                    combine(&mut x, y);
                    out.push(x);
                }
            }
        }
        self.posts = out;
    }

    fn in_scope(&self, group: Uuid, timeline: Timeline) -> bool {
        self.scope == Some((group, timeline))
    }

    /// Whether `post` would lie inside the loaded range (older posts not loaded yet are not
    /// inserted: they come with their page, in order).
    fn within_loaded_range(&self, post: &Post) -> bool {
        !self.has_more()
            || self
                .posts
                .first()
                .is_some_and(|first| key(post) >= key(first))
    }

    /// Applies a live event of this group and timeline; events of other groups or timelines,
    /// and posts not passing the filter, are ignored.
    pub fn apply_event(&mut self, event: &LiveEvent, ctx: LiveContext) -> Applied {
        let mut applied = Applied::default();
        if !self.loaded {
            // The first page will contain it.
            return applied;
        }
        match event {
            LiveEvent::PostCreated(post) => {
                if !self.in_scope(post.group_id, post.timeline)
                    || !passes_filter(post, self.min_importance)
                {
                    return applied;
                }
                let held = self.index_of_key(key(post)).is_ok();
                self.insert(post.clone());
                applied.changed = true;
                if !held {
                    let mine = self.me == Some(post.author.id);
                    applied.new_mine = mine;
                    applied.new_from_others = !mine;
                    if !mine && !ctx.watching && self.divider.is_none() && self.divider_settled {
                        // Arrived while the reader was away: it is where unread starts.
                        self.divider = Some(post.id);
                    }
                }
            }
            LiveEvent::PostUpdated(post) | LiveEvent::PostDeleted(post) => {
                if !self.in_scope(post.group_id, post.timeline) {
                    return applied;
                }
                match self.index_of_key(key(post)) {
                    Ok(i) => {
                        if post.version <= self.posts[i].version {
                            return applied;
                        }
                        if passes_filter(post, self.min_importance) {
                            combine(&mut self.posts[i], post.clone());
                        } else {
                            // Edited below the filter's threshold: no longer shown.
                            self.posts.remove(i);
                        }
                        applied.changed = true;
                    }
                    Err(_) => {
                        // Raised above the filter's threshold: now shown.
                        if post.deleted_at.is_none()
                            && self.min_importance.is_some()
                            && passes_filter(post, self.min_importance)
                            && self.within_loaded_range(post)
                        {
                            self.insert(post.clone());
                            applied.changed = true;
                        }
                    }
                }
            }
            LiveEvent::ReadUpdated(r) => {
                if !self.in_scope(r.group_id, r.timeline) {
                    return applied;
                }
                let lo = r.previous.map(|id| self.key_of(id));
                let hi = self.key_of(r.up_to);
                let start = match lo {
                    Some(lo) => self.posts.partition_point(|p| key(p) <= lo),
                    None => 0,
                };
                let end = self.posts.partition_point(|p| key(p) <= hi);
                for post in self.posts.get_mut(start..end).unwrap_or_default() {
                    if post.author.id != r.reader.id {
                        post.read_count += 1;
                        applied.changed = true;
                    }
                }
            }
            LiveEvent::AckUpdated(a) => {
                if !self.in_scope(a.group_id, a.timeline) {
                    return applied;
                }
                if let Some(i) = self.index_of(a.post_id) {
                    let post = &mut self.posts[i];
                    post.ack_count = a.ack_count;
                    if self.me == Some(a.user.id) {
                        post.acked_by_me = true;
                    }
                    applied.changed = true;
                }
            }
            LiveEvent::MemberChanged(_) | LiveEvent::Reset(_) => {}
        }
        applied
    }

    /// Recomputes the divider until it is settled: above the first post after the read marker
    /// (as it was at open) not written by me.
    fn settle_divider(&mut self) {
        if self.divider_settled || !self.loaded {
            return;
        }
        // Exact once the marker's post is loaded.
        self.read_at_open = self.read_marker.map(|id| self.key_of(id));
        let read = self.read_at_open;
        let me = self.me;
        let start = match read {
            Some(r) => self.posts.partition_point(|p| key(p) <= r),
            None => 0,
        };
        self.divider = self.posts[start..]
            .iter()
            .find(|p| Some(p.author.id) != me)
            .map(|p| p.id);
        let reached = match (read, self.posts.first()) {
            (Some(r), Some(first)) => key(first) <= r,
            _ => false,
        };
        self.divider_settled = reached || !self.has_more();
    }

    /// The post the "ここから未読" divider is drawn above. It is decided when the timeline
    /// opens and stays put while it is open: reading does not move it.
    pub fn divider(&self) -> Option<Uuid> {
        self.divider
    }

    /// Whether the divider is known for sure: the read marker is within the loaded posts (or
    /// there is nothing older). Until then older pages may hold earlier unread posts.
    pub fn divider_settled(&self) -> bool {
        self.divider_settled
    }

    /// Records that the reader had `id` on screen. Returns whether the newest seen post moved.
    pub fn mark_seen(&mut self, id: Uuid) -> bool {
        let k = self.key_of(id);
        if self.seen.is_some_and(|s| s >= k) {
            return false;
        }
        self.seen = Some(k);
        true
    }

    /// The newest post the reader has had on screen.
    pub fn seen(&self) -> Option<Uuid> {
        self.seen.map(|(_, id)| id)
    }

    /// The read marker to send: the newest post seen, when it is ahead of the marker at open
    /// and of what was sent already (markers only move forward).
    pub fn marker_to_send(&self) -> Option<Uuid> {
        let seen = self.seen?;
        let ahead = self.read_at_open.max(self.sent).is_none_or(|r| seen > r);
        ahead.then_some(seen.1)
    }

    /// Records that the server accepted the marker `id`.
    pub fn marker_sent(&mut self, id: Uuid) {
        let k = self.key_of(id);
        if self.sent.is_none_or(|s| k > s) {
            self.sent = Some(k);
        }
    }

    /// Posts by others below what the reader has seen and after the read marker: what the
    /// "最新へ" button counts.
    pub fn unread_below(&self) -> usize {
        let floor = self.read_at_open.max(self.seen);
        self.posts
            .iter()
            .rev()
            .take_while(|p| floor.is_none_or(|f| key(p) > f))
            .filter(|p| Some(p.author.id) != self.me)
            .count()
    }
}

/// Combines a held post with another copy of it: the newer version's content wins, counts
/// never go down (reads and acknowledgements are not undone; a page or event carrying an older
/// count must not hide one that arrived live).
fn combine(held: &mut Post, other: Post) {
    let read_count = held.read_count.max(other.read_count);
    let ack_count = held.ack_count.max(other.ack_count);
    let acked_by_me = held.acked_by_me || other.acked_by_me;
    if other.version >= held.version {
        *held = other;
    }
    held.read_count = read_count;
    held.ack_count = ack_count;
    held.acked_by_me = acked_by_me;
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use tsunagu_api::{AckUpdate, Author, Profession, ReadUpdate, ResetInfo};

    const GROUP: u128 = 999;
    const ME: u128 = 1000;
    const OTHER: u128 = 2000;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T00:00:00.000Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn author(n: u128) -> Author {
        Author {
            id: Uuid::from_u128(n),
            display_name: format!("user {n}"),
            profession: Profession::Nurse,
            facility_name: Some("あおば訪問看護ステーション".into()),
        }
    }

    fn post_by(n: u128, secs: i64, body: &str, by: u128) -> Post {
        Post {
            id: Uuid::from_u128(n),
            group_id: Uuid::from_u128(GROUP),
            author: author(by),
            body: body.into(),
            created_at: t0() + Duration::seconds(secs),
            timeline: Default::default(),
            system: None,
            importance: Default::default(),
            reply_to: None,
            mentions: Vec::new(),
            edited_at: None,
            deleted_at: None,
            version: 1,
            read_count: 0,
            ack_count: 0,
            acked_by_me: false,
            attachments: Vec::new(),
        }
    }

    fn post(n: u128, secs: i64, body: &str) -> Post {
        post_by(n, secs, body, ME)
    }

    fn page(items: Vec<Post>, next: Option<&str>, read: Option<u128>) -> PostPage {
        PostPage {
            items,
            next_cursor: next.map(str::to_owned),
            read_up_to: read.map(Uuid::from_u128),
        }
    }

    fn ids(m: &TimelineModel) -> Vec<u128> {
        m.posts().iter().map(|p| p.id.as_u128()).collect()
    }

    fn scoped() -> TimelineModel {
        TimelineModel::scoped(
            Uuid::from_u128(GROUP),
            Timeline::Care,
            Some(Uuid::from_u128(ME)),
            None,
        )
    }

    fn watching() -> LiveContext {
        LiveContext { watching: true }
    }

    #[test]
    fn newest_first_pages_are_shown_oldest_first() {
        let mut m = TimelineModel::new();
        assert!(!m.is_loaded());
        m.apply_latest(page(
            vec![post(3, 30, "c"), post(2, 20, "b"), post(1, 10, "a")],
            Some("cur1"),
            None,
        ));
        assert!(m.is_loaded());
        assert_eq!(ids(&m), vec![1, 2, 3]);
        assert_eq!(m.newest_id(), Some(Uuid::from_u128(3)));
        assert_eq!(m.oldest_id(), Some(Uuid::from_u128(1)));
    }

    #[test]
    fn older_pages_go_on_top_and_move_the_cursor() {
        let mut m = TimelineModel::new();
        m.apply_latest(page(
            vec![post(4, 40, "d"), post(3, 30, "c")],
            Some("cur1"),
            None,
        ));
        assert!(m.has_more());
        assert_eq!(m.older_cursor(), Some("cur1"));
        m.apply_older(page(vec![post(2, 20, "b"), post(1, 10, "a")], None, None));
        assert_eq!(ids(&m), vec![1, 2, 3, 4]);
        assert!(!m.has_more());
        assert_eq!(m.older_cursor(), None);
    }

    #[test]
    fn newer_pages_keep_the_older_cursor() {
        let mut m = TimelineModel::new();
        m.apply_latest(page(vec![post(2, 20, "b")], Some("old"), None));
        m.apply_newer(page(vec![post(3, 30, "c"), post(4, 40, "d")], None, None));
        assert_eq!(ids(&m), vec![2, 3, 4]);
        assert_eq!(m.older_cursor(), Some("old"));
    }

    #[test]
    fn a_sent_post_that_also_arrives_in_a_page_appears_once() {
        let mut m = TimelineModel::new();
        m.apply_latest(page(vec![post(1, 10, "a")], None, None));
        m.insert(post(2, 20, "sent"));
        assert_eq!(ids(&m), vec![1, 2]);
        m.apply_newer(page(
            vec![post(2, 20, "sent"), post(3, 30, "c")],
            None,
            None,
        ));
        assert_eq!(ids(&m), vec![1, 2, 3]);
        // And the other way round: the page first, the send response late.
        m.insert(post(3, 30, "c"));
        assert_eq!(ids(&m), vec![1, 2, 3]);
    }

    #[test]
    fn a_repeated_id_takes_the_latest_version() {
        let mut m = TimelineModel::new();
        m.insert(post(1, 10, "draft"));
        let mut edited = post(1, 10, "edited");
        edited.version = 2;
        m.insert(edited);
        assert_eq!(m.posts().len(), 1);
        assert_eq!(m.posts()[0].body, "edited");
        // A stale copy (an older page) does not undo the edit.
        m.insert(post(1, 10, "draft"));
        assert_eq!(m.posts()[0].body, "edited");
    }

    #[test]
    fn equal_times_are_ordered_by_id() {
        let mut m = TimelineModel::new();
        m.merge(vec![post(7, 10, "x"), post(5, 10, "y"), post(6, 10, "z")]);
        assert_eq!(ids(&m), vec![5, 6, 7]);
        // Time wins over id.
        m.insert(post(1, 11, "later, smaller id"));
        assert_eq!(ids(&m), vec![5, 6, 7, 1]);
    }

    #[test]
    fn merging_interleaved_batches_keeps_order_and_uniqueness() {
        let mut m = TimelineModel::new();
        m.merge((0..10).map(|i| post(100 + i, (i * 10) as i64, "held")));
        // Interleaved, duplicated within the batch and with held posts, unsorted.
        m.merge(vec![
            post(205, 55, "new"),
            post(103, 30, "again"),
            post(201, 5, "new"),
            post(205, 55, "dup in batch"),
            post(209, 95, "newest"),
        ]);
        let keys: Vec<PostKey> = m.posts().iter().map(key).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(keys, sorted, "sorted and unique");
        assert_eq!(m.len(), 13);
        assert_eq!(m.posts()[0].id.as_u128(), 100);
        assert_eq!(m.posts()[1].id.as_u128(), 201);
        assert_eq!(m.newest_id(), Some(Uuid::from_u128(209)));
    }

    #[test]
    fn an_empty_timeline_has_no_cursor() {
        let mut m = TimelineModel::new();
        m.apply_latest(page(vec![], None, None));
        assert!(m.is_loaded());
        assert!(!m.has_more());
        assert!(m.posts().is_empty());
        assert_eq!(m.newest_id(), None);
        assert_eq!(m.divider(), None);
        assert!(m.divider_settled());
    }

    #[test]
    fn live_posts_of_this_timeline_are_inserted_once_in_order() {
        let mut m = scoped();
        m.apply_latest(page(vec![post(2, 20, "b"), post(1, 10, "a")], None, None));
        let live = post_by(3, 30, "live", OTHER);
        let a = m.apply_event(&LiveEvent::PostCreated(live.clone()), watching());
        assert!(a.changed && a.new_from_others && !a.new_mine);
        // The same post again (the outbox published it, then SSE delivered it): shown once.
        let again = m.apply_event(&LiveEvent::PostCreated(live), watching());
        assert!(!again.new_from_others);
        assert_eq!(ids(&m), vec![1, 2, 3]);
        // Out of order (created earlier, delivered late): sorted in.
        m.apply_event(
            &LiveEvent::PostCreated(post_by(4, 15, "late", OTHER)),
            watching(),
        );
        assert_eq!(ids(&m), vec![1, 4, 2, 3]);
        // My own post: not counted as someone else's.
        let mine = m.apply_event(&LiveEvent::PostCreated(post(5, 40, "mine")), watching());
        assert!(mine.new_mine && !mine.new_from_others);
    }

    #[test]
    fn live_events_of_other_groups_or_timelines_are_ignored() {
        let mut m = scoped();
        m.apply_latest(page(vec![post(1, 10, "a")], None, None));
        let mut elsewhere = post_by(2, 20, "other group", OTHER);
        elsewhere.group_id = Uuid::from_u128(5);
        let mut family = post_by(3, 30, "family timeline", OTHER);
        family.timeline = Timeline::Family;
        for p in [elsewhere, family] {
            assert_eq!(
                m.apply_event(&LiveEvent::PostCreated(p), watching()),
                Applied::default()
            );
        }
        assert_eq!(ids(&m), vec![1]);
        // An unscoped model takes no live posts at all.
        let mut unscoped = TimelineModel::new();
        unscoped.apply_latest(page(vec![], None, None));
        unscoped.apply_event(&LiveEvent::PostCreated(post(9, 9, "x")), watching());
        assert!(unscoped.is_empty());
    }

    #[test]
    fn events_before_the_first_page_are_left_to_the_page() {
        let mut m = scoped();
        m.apply_event(&LiveEvent::PostCreated(post(1, 10, "a")), watching());
        assert!(m.is_empty());
    }

    #[test]
    fn edits_and_deletions_replace_held_posts_only_when_newer() {
        let mut m = scoped();
        m.apply_latest(page(vec![post(1, 10, "original")], None, None));
        let mut edited = post(1, 10, "edited");
        edited.version = 2;
        assert!(
            m.apply_event(&LiveEvent::PostUpdated(edited.clone()), watching())
                .changed
        );
        assert_eq!(m.posts()[0].body, "edited");
        // A replayed older version changes nothing.
        let stale = post(1, 10, "original");
        assert!(
            !m.apply_event(&LiveEvent::PostUpdated(stale), watching())
                .changed
        );
        assert_eq!(m.posts()[0].body, "edited");
        let mut tombstone = post(1, 10, "");
        tombstone.version = 3;
        tombstone.deleted_at = Some(t0());
        assert!(
            m.apply_event(&LiveEvent::PostDeleted(tombstone), watching())
                .changed
        );
        assert!(m.posts()[0].deleted_at.is_some());
        assert_eq!(m.posts()[0].body, "");
        // An edit of a post not held (older than what is loaded) is not inserted.
        let mut unheld = post(7, 1, "old");
        unheld.version = 2;
        assert!(
            !m.apply_event(&LiveEvent::PostUpdated(unheld), watching())
                .changed
        );
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn read_updates_count_posts_in_the_half_open_range_not_by_the_reader() {
        let mut m = scoped();
        m.apply_latest(page(
            vec![
                post_by(5, 50, "e", OTHER),
                post(4, 40, "d"),
                post(3, 30, "c"),
                post(2, 20, "b"),
                post(1, 10, "a"),
            ],
            None,
            None,
        ));
        let ev = |previous: Option<u128>, up_to: u128| {
            LiveEvent::ReadUpdated(ReadUpdate {
                group_id: Uuid::from_u128(GROUP),
                timeline: Timeline::Care,
                reader: author(OTHER),
                previous: previous.map(Uuid::from_u128),
                up_to: Uuid::from_u128(up_to),
                at: t0(),
            })
        };
        // (1, 3]: posts 2 and 3.
        m.apply_event(&ev(Some(1), 3), watching());
        let counts: Vec<u32> = m.posts().iter().map(|p| p.read_count).collect();
        assert_eq!(counts, vec![0, 1, 1, 0, 0]);
        // (3, 5]: post 4 (mine), not 5 (the reader's own).
        m.apply_event(&ev(Some(3), 5), watching());
        let counts: Vec<u32> = m.posts().iter().map(|p| p.read_count).collect();
        assert_eq!(counts, vec![0, 1, 1, 1, 0]);
        // Nothing read before: from the start.
        let mut fresh = scoped();
        fresh.apply_latest(page(vec![post(2, 20, "b"), post(1, 10, "a")], None, None));
        fresh.apply_event(&ev(None, 1), watching());
        let counts: Vec<u32> = fresh.posts().iter().map(|p| p.read_count).collect();
        assert_eq!(counts, vec![1, 0]);
    }

    #[test]
    fn read_updates_compare_unheld_ids_by_their_uuidv7_time() {
        let v7 = |ms: u64, n: u16| {
            Uuid::from_u128(
                (u128::from(ms) << 80) | (0x7u128 << 76) | (u128::from(n) << 64) | (0b10 << 62),
            )
        };
        let at = |ms: u64| DateTime::from_timestamp_millis(ms as i64).unwrap();
        let mk = |ms: u64, n: u16| {
            let mut p = post(0, 0, "x");
            p.id = v7(ms, n);
            p.created_at = at(ms);
            p
        };
        let base = 1_800_000_000_000;
        let mut m = scoped();
        m.apply_latest(page(
            vec![mk(base + 300, 3), mk(base + 200, 2)],
            Some("older"),
            None,
        ));
        // previous is older than anything held, up_to newer than anything held.
        m.apply_event(
            &LiveEvent::ReadUpdated(ReadUpdate {
                group_id: Uuid::from_u128(GROUP),
                timeline: Timeline::Care,
                reader: author(OTHER),
                previous: Some(v7(base + 100, 1)),
                up_to: v7(base + 250, 9),
                at: t0(),
            }),
            watching(),
        );
        let counts: Vec<u32> = m.posts().iter().map(|p| p.read_count).collect();
        assert_eq!(counts, vec![1, 0]);
        assert_eq!(
            key_of_unheld_id(Uuid::from_u128(1)).0,
            DateTime::<Utc>::MIN_UTC
        );
    }

    #[test]
    fn ack_updates_set_the_count_and_mine() {
        let mut m = scoped();
        m.apply_latest(page(vec![post_by(1, 10, "urgent", OTHER)], None, None));
        let ack = |user: u128, n: u32| {
            LiveEvent::AckUpdated(AckUpdate {
                group_id: Uuid::from_u128(GROUP),
                timeline: Timeline::Care,
                post_id: Uuid::from_u128(1),
                user: author(user),
                ack_count: n,
                at: t0(),
            })
        };
        m.apply_event(&ack(3000, 1), watching());
        assert_eq!(m.posts()[0].ack_count, 1);
        assert!(!m.posts()[0].acked_by_me);
        m.apply_event(&ack(ME, 2), watching());
        assert_eq!(m.posts()[0].ack_count, 2);
        assert!(m.posts()[0].acked_by_me);
        // A later page with an older count does not take it back.
        m.apply_newer(page(vec![post_by(1, 10, "urgent", OTHER)], None, None));
        assert_eq!(m.posts()[0].ack_count, 2);
        assert!(m.posts()[0].acked_by_me);
        let reset = LiveEvent::Reset(ResetInfo { oldest_id: None });
        assert!(!m.apply_event(&reset, watching()).changed);
    }

    #[test]
    fn the_filter_keeps_only_important_posts_also_live() {
        let mut m = TimelineModel::scoped(
            Uuid::from_u128(GROUP),
            Timeline::Care,
            Some(Uuid::from_u128(ME)),
            Some(Importance::Important),
        );
        let mut important = post_by(1, 10, "重要", OTHER);
        important.importance = Importance::Important;
        let mut urgent = post_by(3, 30, "至急", OTHER);
        urgent.importance = Importance::Urgent;
        m.apply_latest(page(
            vec![urgent.clone(), post_by(2, 20, "normal", OTHER), important],
            None,
            None,
        ));
        assert_eq!(ids(&m), vec![1, 3]);
        let normal = post_by(4, 40, "normal live", OTHER);
        assert!(
            !m.apply_event(&LiveEvent::PostCreated(normal.clone()), watching())
                .changed
        );
        m.insert(normal);
        assert_eq!(ids(&m), vec![1, 3]);
        // Lowered by an edit: gone; raised by an edit: shown.
        let mut lowered = urgent.clone();
        lowered.importance = Importance::Normal;
        lowered.version = 2;
        m.apply_event(&LiveEvent::PostUpdated(lowered), watching());
        assert_eq!(ids(&m), vec![1]);
        let mut raised = post_by(2, 20, "now important", OTHER);
        raised.importance = Importance::Important;
        raised.version = 2;
        m.apply_event(&LiveEvent::PostUpdated(raised), watching());
        assert_eq!(ids(&m), vec![1, 2]);
    }

    #[test]
    fn the_divider_sits_above_the_first_unread_post_by_someone_else() {
        let mut m = scoped();
        m.apply_latest(page(
            vec![
                post_by(5, 50, "e", OTHER),
                post(4, 40, "mine after the marker"),
                post_by(3, 30, "c", OTHER),
                post(2, 20, "b"),
            ],
            Some("older"),
            Some(3),
        ));
        // Post 4 is mine, so unread starts at 5.
        assert_eq!(m.divider(), Some(Uuid::from_u128(5)));
        assert!(m.divider_settled());
        // Everything read: no divider.
        let mut all_read = scoped();
        all_read.apply_latest(page(vec![post_by(3, 30, "c", OTHER)], None, Some(3)));
        assert_eq!(all_read.divider(), None);
        assert!(all_read.divider_settled());
    }

    #[test]
    fn an_old_marker_keeps_the_divider_unsettled_until_older_pages_reach_it() {
        let mut m = scoped();
        // The marker (post 1) is older than the first page.
        m.apply_latest(page(
            vec![post_by(4, 40, "d", OTHER), post_by(3, 30, "c", OTHER)],
            Some("p2"),
            Some(1),
        ));
        assert_eq!(m.divider(), Some(Uuid::from_u128(3)));
        assert!(!m.divider_settled());
        m.apply_older(page(vec![post_by(2, 20, "b", OTHER)], Some("p3"), None));
        assert_eq!(m.divider(), Some(Uuid::from_u128(2)));
        assert!(!m.divider_settled());
        m.apply_older(page(vec![post(1, 10, "a")], Some("p4"), None));
        assert_eq!(m.divider(), Some(Uuid::from_u128(2)));
        assert!(m.divider_settled());
        // Settled: older pages do not move it.
        m.apply_older(page(vec![post_by(0, 5, "z", OTHER)], None, None));
        assert_eq!(m.divider(), Some(Uuid::from_u128(2)));
        // Nothing ever read: above the first post by someone else, settled at the beginning.
        let mut never = scoped();
        never.apply_latest(page(
            vec![post_by(2, 20, "b", OTHER), post(1, 10, "a")],
            None,
            None,
        ));
        assert_eq!(never.divider(), Some(Uuid::from_u128(2)));
        assert!(never.divider_settled());
    }

    #[test]
    fn the_divider_stays_put_while_open() {
        let mut m = scoped();
        m.apply_latest(page(
            vec![post_by(3, 30, "c", OTHER), post_by(2, 20, "b", OTHER)],
            None,
            Some(2),
        ));
        assert_eq!(m.divider(), Some(Uuid::from_u128(3)));
        // Reading and new posts do not move it.
        m.mark_seen(Uuid::from_u128(3));
        m.marker_sent(Uuid::from_u128(3));
        m.apply_event(
            &LiveEvent::PostCreated(post_by(4, 40, "d", OTHER)),
            LiveContext { watching: false },
        );
        assert_eq!(m.divider(), Some(Uuid::from_u128(3)));

        // All read at open and the reader at the bottom: new posts bring no divider.
        let mut w = scoped();
        w.apply_latest(page(vec![post_by(2, 20, "b", OTHER)], None, Some(2)));
        w.apply_event(
            &LiveEvent::PostCreated(post_by(3, 30, "c", OTHER)),
            watching(),
        );
        assert_eq!(w.divider(), None);
        // Away (scrolled up or the tab hidden): the first arrival gets it, later ones do not.
        w.apply_event(
            &LiveEvent::PostCreated(post_by(4, 40, "d", OTHER)),
            LiveContext { watching: false },
        );
        assert_eq!(w.divider(), Some(Uuid::from_u128(4)));
        w.apply_event(
            &LiveEvent::PostCreated(post_by(5, 50, "e", OTHER)),
            LiveContext { watching: false },
        );
        assert_eq!(w.divider(), Some(Uuid::from_u128(4)));
        // My own post while away does not start unread.
        let mut mine = scoped();
        mine.apply_latest(page(vec![], None, None));
        mine.apply_event(
            &LiveEvent::PostCreated(post(6, 60, "mine")),
            LiveContext { watching: false },
        );
        assert_eq!(mine.divider(), None);
    }

    #[test]
    fn the_read_marker_moves_only_forward_from_what_was_seen() {
        let mut m = scoped();
        m.apply_latest(page(
            vec![
                post_by(4, 40, "d", OTHER),
                post_by(3, 30, "c", OTHER),
                post_by(2, 20, "b", OTHER),
            ],
            None,
            Some(2),
        ));
        assert_eq!(m.marker_to_send(), None, "nothing seen yet");
        assert!(m.mark_seen(Uuid::from_u128(2)));
        assert_eq!(m.marker_to_send(), None, "already the server's marker");
        assert!(m.mark_seen(Uuid::from_u128(3)));
        assert!(!m.mark_seen(Uuid::from_u128(2)), "seen never goes back");
        assert_eq!(m.marker_to_send(), Some(Uuid::from_u128(3)));
        m.marker_sent(Uuid::from_u128(3));
        assert_eq!(m.marker_to_send(), None);
        m.mark_seen(Uuid::from_u128(4));
        assert_eq!(m.marker_to_send(), Some(Uuid::from_u128(4)));
    }

    #[test]
    fn unread_below_counts_posts_by_others_after_what_was_seen() {
        let mut m = scoped();
        m.apply_latest(page(
            vec![
                post_by(5, 50, "e", OTHER),
                post(4, 40, "mine"),
                post_by(3, 30, "c", OTHER),
                post_by(2, 20, "b", OTHER),
                post_by(1, 10, "a", OTHER),
            ],
            None,
            Some(1),
        ));
        assert_eq!(m.unread_below(), 3);
        m.mark_seen(Uuid::from_u128(3));
        assert_eq!(m.unread_below(), 1);
        m.apply_event(
            &LiveEvent::PostCreated(post_by(6, 60, "f", OTHER)),
            LiveContext { watching: false },
        );
        assert_eq!(m.unread_below(), 2);
        m.mark_seen(Uuid::from_u128(6));
        assert_eq!(m.unread_below(), 0);
    }

    #[test]
    fn catching_up_merges_only_pages_that_reach_back_to_what_is_held() {
        let mut m = scoped();
        m.apply_latest(page(
            vec![post(2, 20, "b"), post(1, 10, "a")],
            Some("old"),
            None,
        ));
        assert!(m.apply_catch_up(page(
            vec![post_by(3, 30, "c", OTHER), post(2, 20, "b")],
            Some("x"),
            None
        )));
        assert_eq!(ids(&m), vec![1, 2, 3]);
        assert_eq!(m.older_cursor(), Some("old"), "the older cursor is kept");
        // A full page entirely newer than what is held: a gap may hide posts.
        assert!(!m.apply_catch_up(page(
            vec![post_by(9, 90, "i", OTHER), post_by(8, 80, "h", OTHER)],
            Some("y"),
            None
        )));
        assert_eq!(ids(&m), vec![1, 2, 3]);
        // ...unless it is the whole rest of the timeline.
        assert!(m.apply_catch_up(page(vec![post_by(8, 80, "h", OTHER)], None, None)));
        assert_eq!(ids(&m), vec![1, 2, 3, 8]);
    }
}
