//! Direct calls to the HTTP API through the shared test kit's typed client, to arrange data and
//! check the server's view beside the UI.

use serde_json::Value;
use tsunagu_testkit::{Api, PostFixture};
use uuid::Uuid;

use super::{Stack, DEMO_PASSWORD};

fn id(text: &str) -> Uuid {
    text.parse()
        .unwrap_or_else(|e| panic!("{text:?} is no id: {e}"))
}

impl Stack {
    /// Logs in over the API (as another member would from their own device).
    pub async fn api_login(&self, login_id: &str) -> String {
        self.api.login(login_id, DEMO_PASSWORD).await.unwrap().token
    }

    /// The status of a login with the demo password (201, or the refusal's).
    pub async fn login_status(&self, login_id: &str) -> u16 {
        self.api
            .login_reply(login_id, DEMO_PASSWORD)
            .await
            .unwrap()
            .status
    }

    pub async fn group_id_by_name(&self, token: &str, name: &str) -> String {
        self.api
            .group_named(token, name)
            .await
            .unwrap()
            .id
            .to_string()
    }

    pub async fn api_post(&self, token: &str, group: &str, body: &str) {
        self.api
            .create_post(token, id(group), &PostFixture::new(body))
            .await
            .unwrap();
    }

    /// Posts through one server instance directly (not through the balancer).
    pub async fn api_post_on(&self, instance: usize, token: &str, group: &str, body: &str) {
        Api::new(&self.instances[instance])
            .unwrap()
            .create_post(token, id(group), &PostFixture::new(body))
            .await
            .unwrap();
    }

    /// Bodies of the latest page, newest first.
    pub async fn api_latest_bodies(&self, token: &str, group: &str) -> Vec<String> {
        self.api
            .posts(token, id(group), "?limit=5")
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|p| p.body)
            .collect()
    }

    /// How many of the latest page's posts have exactly `body` (0: not on the server yet, 1:
    /// delivered once).
    pub async fn api_count_posted(&self, token: &str, group: &str, body: &str) -> usize {
        self.api_latest_bodies(token, group)
            .await
            .iter()
            .filter(|t| *t == body)
            .count()
    }

    /// Status and `Content-Type` of a plain GET of `path` (not under the API), as a browser
    /// without a session would ask for it.
    pub async fn get_plain(&self, path: &str) -> (u16, String) {
        let reply = self
            .api
            .raw(reqwest::Method::GET, path)
            .send()
            .await
            .unwrap();
        let ct = reply.header("content-type").unwrap_or_default().to_owned();
        (reply.status, ct)
    }

    /// `GET path` (under the API) with `token`: its JSON body, which must come with a 200.
    pub async fn api_get_json(&self, token: &str, path: &str) -> Value {
        let reply = self.api.get(path).bearer(token).send().await.unwrap();
        assert_eq!(reply.status, 200, "GET {path}: {}", reply.text);
        reply.json().unwrap()
    }

    pub async fn api_status_with_token(&self, token: &str, path: &str) -> u16 {
        self.api
            .get(path)
            .bearer(token)
            .send()
            .await
            .unwrap()
            .status
    }

    /// Creates a post over the API and returns it as the server answered.
    pub async fn api_post_json(&self, token: &str, group: &str, post: PostFixture) -> Value {
        let reply = self
            .api
            .create_post_reply(token, id(group), &post)
            .await
            .unwrap();
        reply
            .expect_status(201)
            .unwrap_or_else(|e| panic!("creating {}: {e}", post.body()));
        reply.json().unwrap()
    }

    /// Edits a post over the API (`PATCH` with `If-Match: "<version>"`); returns the status.
    pub async fn api_edit_post(
        &self,
        token: &str,
        group: &str,
        post: &str,
        version: u64,
        body: &str,
    ) -> u16 {
        self.api
            .patch(&format!("/groups/{group}/posts/{post}"))
            .bearer(token)
            .header("If-Match", &format!("\"{version}\""))
            .json(&tsunagu_api::PostEdit {
                body: body.to_owned(),
                ..Default::default()
            })
            .send()
            .await
            .unwrap()
            .status
    }

    /// `DELETE /groups/{group}/members/{user}` (an admin removes a member).
    pub async fn api_remove_member(&self, token: &str, group: &str, user: &str) {
        self.api
            .delete(&format!("/groups/{group}/members/{user}"))
            .bearer(token)
            .send()
            .await
            .unwrap()
            .expect_status(204)
            .unwrap();
    }

    /// The caller's user id (`GET /me`).
    pub async fn api_me_id(&self, token: &str) -> String {
        self.api.me(token).await.unwrap().id.to_string()
    }

    /// Id of the newest post of the care timeline.
    pub async fn api_latest_id(&self, token: &str, group: &str) -> String {
        let page = self.api.posts(token, id(group), "?limit=1").await.unwrap();
        page.items[0].id.to_string()
    }

    /// The caller's read marker in the care timeline.
    pub async fn api_read_up_to(&self, token: &str, group: &str) -> Option<String> {
        let page = self.api.posts(token, id(group), "?limit=1").await.unwrap();
        page.read_up_to.map(|id| id.to_string())
    }

    /// The unread posts of all the caller's groups.
    pub async fn api_unread_total(&self, token: &str) -> u32 {
        let groups = self.api.groups(token).await.unwrap();
        groups.iter().map(|g| g.unread_count).sum()
    }

    /// `(unread_count, mention_count)` of a group for the caller.
    pub async fn api_unread(&self, token: &str, group: &str) -> (u64, u64) {
        let group = self.api.group(token, id(group)).await.unwrap();
        (group.unread_count.into(), group.mention_count.into())
    }
}
