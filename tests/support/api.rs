//! Direct calls to the HTTP API, to arrange data and check the server's view beside the UI.

use serde_json::{json, Value};

use super::{Stack, DEMO_PASSWORD};

impl Stack {
    fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base.trim_end_matches('/'))
    }

    /// Logs in over the API (as another member would from their own device).
    pub async fn api_login(&self, login_id: &str) -> String {
        let resp: Value = self
            .http
            .post(self.api("/sessions"))
            .json(&json!({"login_id": login_id, "password": DEMO_PASSWORD}))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap();
        resp["token"].as_str().unwrap().to_owned()
    }

    pub async fn group_id_by_name(&self, token: &str, name: &str) -> String {
        let page: Value = self
            .http
            .get(self.api("/groups?limit=100"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == name)
            .unwrap_or_else(|| panic!("no group named {name}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn api_post(&self, token: &str, group: &str, body: &str) {
        self.api_post_to(&self.base, token, group, body).await;
    }

    /// Posts through one server instance directly (not through the balancer).
    pub async fn api_post_on(&self, instance: usize, token: &str, group: &str, body: &str) {
        self.api_post_to(&self.instances[instance], token, group, body)
            .await;
    }

    async fn api_post_to(&self, base: &str, token: &str, group: &str, body: &str) {
        let status = self
            .http
            .post(format!(
                "{}/api/v1/groups/{group}/posts",
                base.trim_end_matches('/')
            ))
            .bearer_auth(token)
            .json(&json!({ "body": body }))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 201);
    }

    /// Bodies of the latest page, newest first.
    pub async fn api_latest_bodies(&self, token: &str, group: &str) -> Vec<String> {
        let page: Value = self
            .http
            .get(self.api(&format!("/groups/{group}/posts?limit=5")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["body"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Status and `Content-Type` of a plain GET of `path` (not under the API), as a browser
    /// without a session would ask for it.
    pub async fn get_plain(&self, path: &str) -> (u16, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base.trim_end_matches('/')))
            .send()
            .await
            .unwrap();
        let ct = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (r.status().as_u16(), ct)
    }

    pub async fn api_status_with_token(&self, token: &str, path: &str) -> u16 {
        self.http
            .get(self.api(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

// Post actions, urgent banner and search.

impl Stack {
    /// Creates a post over the API with any `NewPost` fields (`importance`, `reply_to`, …) and
    /// returns it as the server answered.
    pub async fn api_post_json(&self, token: &str, group: &str, body: Value) -> Value {
        let resp = self
            .http
            .post(self.api(&format!("/groups/{group}/posts")))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201, "creating {body}");
        resp.json().await.unwrap()
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
        self.http
            .patch(self.api(&format!("/groups/{group}/posts/{post}")))
            .bearer_auth(token)
            .header("If-Match", format!("\"{version}\""))
            .json(&json!({ "body": body }))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

impl Stack {
    /// `DELETE /groups/{group}/members/{user}` (an admin removes a member).
    pub async fn api_remove_member(&self, token: &str, group: &str, user: &str) {
        let status = self
            .http
            .delete(self.api(&format!("/groups/{group}/members/{user}")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 204);
    }

    /// The caller's user id (`GET /me`).
    pub async fn api_me_id(&self, token: &str) -> String {
        let me: Value = self
            .http
            .get(self.api("/me"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        me["id"].as_str().unwrap().to_owned()
    }

    /// The newest post of the care timeline: `(id, read_up_to)` of a one-post page.
    async fn api_newest_page(&self, token: &str, group: &str) -> Value {
        self.http
            .get(self.api(&format!("/groups/{group}/posts?limit=1")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Id of the newest post of the care timeline.
    pub async fn api_latest_id(&self, token: &str, group: &str) -> String {
        self.api_newest_page(token, group).await["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The caller's read marker in the care timeline.
    pub async fn api_read_up_to(&self, token: &str, group: &str) -> Option<String> {
        self.api_newest_page(token, group).await["read_up_to"]
            .as_str()
            .map(str::to_owned)
    }

    /// `(unread_count, mention_count)` of a group for the caller.
    pub async fn api_unread(&self, token: &str, group: &str) -> (u64, u64) {
        let g: Value = self
            .http
            .get(self.api(&format!("/groups/{group}")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (
            g["unread_count"].as_u64().unwrap_or_default(),
            g["mention_count"].as_u64().unwrap_or_default(),
        )
    }
}
