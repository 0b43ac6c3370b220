//! Post actions, the urgent banner and search, as a person uses them in the timeline.

use fantoccini::elements::Element;
use fantoccini::Locator;
use serde_json::json;

use super::browser::candidates;
use super::{Browser, WAIT};

impl Browser {
    /// The visible timeline post (`article[data-post-id]`) whose text contains `text`.
    pub async fn post_containing(&self, text: &str) -> Element {
        self.wait_for(
            || async {
                // The timeline is virtualised: bring the post into the rendered window first.
                self.reveal_timeline_text(text).await;
                for el in self
                    .c()
                    .find_all(Locator::Css("article[data-post-id]"))
                    .await
                    .unwrap_or_default()
                {
                    if el.text().await.unwrap_or_default().contains(text) {
                        return Some(el);
                    }
                }
                None
            },
            format!("no post contains {text:?}"),
        )
        .await
    }

    /// Controls with this role and exactly this accessible name inside `scope` (visible ones).
    pub async fn all_in(&self, scope: &Element, role: &str, name: &str) -> Vec<Element> {
        let mut found = Vec::new();
        for el in scope
            .find_all(Locator::Css(candidates(role)))
            .await
            .unwrap_or_default()
        {
            if el.is_displayed().await.unwrap_or(false)
                && self.computed(&el, "computedrole").await == role
                && self.computed(&el, "computedlabel").await == name
            {
                found.push(el);
            }
        }
        found
    }

    /// The control with this role and accessible name inside the post containing `text`
    /// (re-finding the post each time: tiles are re-rendered by live updates).
    pub async fn in_post(&self, text: &str, role: &str, name: &str) -> Element {
        self.wait_or_fail(WAIT, || async {
            let post = self.post_containing(text).await;
            if let Some(el) = self.all_in(&post, role, name).await.into_iter().next() {
                return Ok(el);
            }
            Err(format!(
                "no {role} {name:?} in the post {text:?}: {:?}",
                post.text().await
            ))
        })
        .await
    }

    /// Waits until the post containing `text` also contains `more` (live updates, edits).
    pub async fn wait_post_text(&self, text: &str, more: &str) {
        self.wait_or_fail(WAIT, || async {
            let now = self
                .post_containing(text)
                .await
                .text()
                .await
                .unwrap_or_default();
            if now.contains(more) {
                return Ok(());
            }
            Err(format!("the post {text:?} never showed {more:?}: {now:?}"))
        })
        .await
    }

    /// The visible element with this role and accessible name, or `None` right away.
    pub async fn find_now(&self, role: &str, name: &str) -> Option<Element> {
        self.find_matching(candidates(role), Some(role), name, true)
            .await
    }

    /// Texts of the `<mark>` elements under the elements matching `css`.
    pub async fn marked_texts(&self, css: &str) -> Vec<String> {
        let v = self
            .c()
            .execute(
                "return Array.from(document.querySelectorAll(arguments[0] + ' mark')).map(m => m.textContent)",
                vec![json!(css)],
            )
            .await
            .unwrap();
        serde_json::from_value(v).unwrap()
    }

    /// The current URL's path and query.
    pub async fn path_and_query(&self) -> String {
        let url = self.c().current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }
}
