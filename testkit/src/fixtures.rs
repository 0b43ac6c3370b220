//! The demo accounts every suite logs in with, and a builder of posts.

use serde_json::Value;
use tsunagu_api::{Importance, NewPost, Timeline};
use uuid::Uuid;

/// The password of every demo account (`serve --demo`).
pub const DEMO_PASSWORD: &str = "Tsunagu-Demo-2026";

/// Demo groups by name.
pub const YAMADA: &str = "山田 花子 様";
pub const NAKAMURA: &str = "中村 一郎 様";
pub const WORKPLACE: &str = "あおば訪問看護ステーション 連絡";

/// A post to create: `PostFixture::new("本文").family().urgent().reply_to(id)`.
///
/// Each fixture carries a fresh idempotency key, as the SPA sends one with every post; tests
/// of requests without one say [`without_idempotency_key`](Self::without_idempotency_key).
#[derive(Debug, Clone)]
pub struct PostFixture {
    post: NewPost,
    idempotency_key: Option<String>,
    /// Extra JSON fields sent as they are (to check how the server treats unknown or bad ones).
    extra: Vec<(String, Value)>,
}

impl PostFixture {
    pub fn new(body: impl Into<String>) -> Self {
        Self {
            post: NewPost {
                body: body.into(),
                ..NewPost::default()
            },
            idempotency_key: Some(Uuid::now_v7().to_string()),
            extra: Vec::new(),
        }
    }

    pub fn timeline(mut self, timeline: Timeline) -> Self {
        self.post.timeline = Some(timeline);
        self
    }

    /// On the family timeline.
    pub fn family(self) -> Self {
        self.timeline(Timeline::Family)
    }

    pub fn importance(mut self, importance: Importance) -> Self {
        self.post.importance = Some(importance);
        self
    }

    /// 至急.
    pub fn urgent(self) -> Self {
        self.importance(Importance::Urgent)
    }

    pub fn reply_to(mut self, post: Uuid) -> Self {
        self.post.reply_to = Some(post);
        self
    }

    pub fn mention(mut self, user: Uuid) -> Self {
        self.post.mentions.push(user);
        self
    }

    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    pub fn without_idempotency_key(mut self) -> Self {
        self.idempotency_key = None;
        self
    }

    /// Sends `name: value` in the body besides the typed fields.
    pub fn field(mut self, name: &str, value: Value) -> Self {
        self.extra.push((name.to_owned(), value));
        self
    }

    /// The typed request body.
    pub fn new_post(&self) -> &NewPost {
        &self.post
    }

    /// The request body as sent.
    pub fn body(&self) -> Value {
        let mut body = serde_json::to_value(&self.post).expect("a NewPost serialises");
        for (name, value) in &self.extra {
            body[name] = value.clone();
        }
        body
    }

    pub fn key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }
}

impl From<&str> for PostFixture {
    fn from(body: &str) -> Self {
        Self::new(body)
    }
}

impl From<String> for PostFixture {
    fn from(body: String) -> Self {
        Self::new(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_holds_what_was_set_and_nothing_else() {
        let reply_to = Uuid::now_v7();
        let post = PostFixture::new("至急です")
            .family()
            .urgent()
            .reply_to(reply_to);
        assert_eq!(
            post.body(),
            serde_json::json!({
                "body": "至急です",
                "timeline": "family",
                "importance": "urgent",
                "reply_to": reply_to,
            })
        );
        assert_eq!(
            PostFixture::new("x").body(),
            serde_json::json!({ "body": "x" })
        );
    }

    #[test]
    fn each_fixture_has_its_own_idempotency_key() {
        let (a, b) = (PostFixture::new("a"), PostFixture::new("a"));
        assert_ne!(a.key(), b.key());
        assert_eq!(a.clone().without_idempotency_key().key(), None);
        assert_eq!(
            PostFixture::new("x").field("body", Value::Null).body()["body"],
            Value::Null
        );
    }
}
