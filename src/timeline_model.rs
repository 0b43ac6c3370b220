//! Pure state of one group's timeline: the posts loaded so far, oldest → newest by
//! `(created_at, id)`, each id once, plus the cursor for loading older posts.
//!
//! Pages arrive newest-first (`before` / no cursor) or oldest-first (`after`); posts the user
//! sends arrive one by one and may arrive again in a later page. All of them go through
//! [`TimelineModel::merge`], so order and uniqueness hold whatever the arrival order.

use tsunagu_api::{Post, PostPage};
use uuid::Uuid;

/// The loaded part of a timeline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimelineModel {
    posts: Vec<Post>,
    older_cursor: Option<String>,
    loaded: bool,
}

impl TimelineModel {
    /// An empty, not yet loaded timeline.
    pub fn new() -> Self {
        Self::default()
    }

    /// Posts, oldest first.
    pub fn posts(&self) -> &[Post] {
        &self.posts
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

    /// Id of the newest post.
    pub fn newest_id(&self) -> Option<Uuid> {
        self.posts.last().map(|p| p.id)
    }

    /// Id of the oldest post.
    pub fn oldest_id(&self) -> Option<Uuid> {
        self.posts.first().map(|p| p.id)
    }

    /// Applies the first page (newest posts, newest first).
    pub fn apply_latest(&mut self, page: PostPage) {
        self.older_cursor = page.next_cursor;
        self.loaded = true;
        self.merge(page.items);
    }

    /// Applies a page of older posts fetched with `before=`.
    pub fn apply_older(&mut self, page: PostPage) {
        self.older_cursor = page.next_cursor;
        self.merge(page.items);
    }

    /// Applies a page of newer posts fetched with `after=`; the older cursor is unchanged.
    pub fn apply_newer(&mut self, page: PostPage) {
        self.merge(page.items);
    }

    /// Adds a post the user just sent (or one that arrived live).
    pub fn insert(&mut self, post: Post) {
        self.merge(std::iter::once(post));
    }

    /// Merges posts in any order: a post whose id is already present replaces it (it may have
    /// been edited); the result is sorted by `(created_at, id)`.
    pub fn merge(&mut self, posts: impl IntoIterator<Item = Post>) {
        for post in posts {
            match self.posts.iter_mut().find(|p| p.id == post.id) {
                Some(existing) => *existing = post,
                None => self.posts.push(post),
            }
        }
        self.posts.sort_by_key(|p| (p.created_at, p.id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, Utc};
    use tsunagu_api::{Author, Profession};

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T00:00:00.000Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn post(n: u128, secs: i64, body: &str) -> Post {
        Post {
            id: Uuid::from_u128(n),
            group_id: Uuid::from_u128(999),
            author: Author {
                id: Uuid::from_u128(1000),
                display_name: "佐藤 看護師".into(),
                profession: Profession::Nurse,
                facility_name: Some("あおば訪問看護ステーション".into()),
            },
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
        }
    }

    fn ids(m: &TimelineModel) -> Vec<u128> {
        m.posts().iter().map(|p| p.id.as_u128()).collect()
    }

    #[test]
    fn newest_first_pages_are_shown_oldest_first() {
        let mut m = TimelineModel::new();
        assert!(!m.is_loaded());
        m.apply_latest(PostPage {
            items: vec![post(3, 30, "c"), post(2, 20, "b"), post(1, 10, "a")],
            next_cursor: Some("cur1".into()),
            read_up_to: None,
        });
        assert!(m.is_loaded());
        assert_eq!(ids(&m), vec![1, 2, 3]);
        assert_eq!(m.newest_id(), Some(Uuid::from_u128(3)));
        assert_eq!(m.oldest_id(), Some(Uuid::from_u128(1)));
    }

    #[test]
    fn older_pages_go_on_top_and_move_the_cursor() {
        let mut m = TimelineModel::new();
        m.apply_latest(PostPage {
            items: vec![post(4, 40, "d"), post(3, 30, "c")],
            next_cursor: Some("cur1".into()),
            read_up_to: None,
        });
        assert!(m.has_more());
        assert_eq!(m.older_cursor(), Some("cur1"));
        m.apply_older(PostPage {
            items: vec![post(2, 20, "b"), post(1, 10, "a")],
            next_cursor: None,
            read_up_to: None,
        });
        assert_eq!(ids(&m), vec![1, 2, 3, 4]);
        assert!(!m.has_more());
        assert_eq!(m.older_cursor(), None);
    }

    #[test]
    fn newer_pages_keep_the_older_cursor() {
        let mut m = TimelineModel::new();
        m.apply_latest(PostPage {
            items: vec![post(2, 20, "b")],
            next_cursor: Some("old".into()),
            read_up_to: None,
        });
        m.apply_newer(PostPage {
            items: vec![post(3, 30, "c"), post(4, 40, "d")],
            next_cursor: None,
            read_up_to: None,
        });
        assert_eq!(ids(&m), vec![2, 3, 4]);
        assert_eq!(m.older_cursor(), Some("old"));
    }

    #[test]
    fn a_sent_post_that_also_arrives_in_a_page_appears_once() {
        let mut m = TimelineModel::new();
        m.apply_latest(PostPage {
            items: vec![post(1, 10, "a")],
            next_cursor: None,
            read_up_to: None,
        });
        m.insert(post(2, 20, "sent"));
        assert_eq!(ids(&m), vec![1, 2]);
        m.apply_newer(PostPage {
            items: vec![post(2, 20, "sent"), post(3, 30, "c")],
            next_cursor: None,
            read_up_to: None,
        });
        assert_eq!(ids(&m), vec![1, 2, 3]);
        // And the other way round: the page first, the send response late.
        m.insert(post(3, 30, "c"));
        assert_eq!(ids(&m), vec![1, 2, 3]);
    }

    #[test]
    fn a_repeated_id_takes_the_latest_version() {
        let mut m = TimelineModel::new();
        m.insert(post(1, 10, "draft"));
        m.insert(post(1, 10, "edited"));
        assert_eq!(m.posts().len(), 1);
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
    fn an_empty_timeline_has_no_cursor() {
        let mut m = TimelineModel::new();
        m.apply_latest(PostPage {
            items: vec![],
            next_cursor: None,
            read_up_to: None,
        });
        assert!(m.is_loaded());
        assert!(!m.has_more());
        assert!(m.posts().is_empty());
        assert_eq!(m.newest_id(), None);
    }
}
