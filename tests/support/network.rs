//! DevTools network emulation (offline, blocked URLs) and the page's own request log.

use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{json, Value};

use super::Browser;

/// A Chrome DevTools Protocol command through chromedriver's `goog/cdp/execute` endpoint.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "cmd": self.cmd, "params": self.params }).to_string()),
        )
    }
}

impl Browser {
    /// Runs a Chrome DevTools Protocol command in this browser's page.
    pub async fn cdp(&self, cmd: &'static str, params: Value) -> Value {
        self.c()
            .issue_cmd(Cdp { cmd, params })
            .await
            .unwrap_or_else(|e| panic!("CDP {cmd} failed: {e}"))
    }

    /// Takes the browser offline (or back online) with DevTools network emulation: requests
    /// fail at once, `navigator.onLine` follows and the page gets `offline` / `online` events.
    pub async fn set_offline(&self, offline: bool) {
        self.cdp("Network.enable", json!({})).await;
        self.cdp(
            "Network.emulateNetworkConditions",
            json!({
                "offline": offline,
                "latency": 0,
                "downloadThroughput": -1,
                "uploadThroughput": -1
            }),
        )
        .await;
    }

    /// A slow connection: downloads at `bytes_per_second`, and no HTTP cache, so every load
    /// downloads the app again; `None` lifts both.
    pub async fn throttle(&self, bytes_per_second: Option<u32>) {
        self.cdp("Network.enable", json!({})).await;
        self.cdp(
            "Network.setCacheDisabled",
            json!({ "cacheDisabled": bytes_per_second.is_some() }),
        )
        .await;
        self.cdp(
            "Network.emulateNetworkConditions",
            json!({
                "offline": false,
                "latency": 0,
                "downloadThroughput": bytes_per_second.map_or(-1, i64::from),
                "uploadThroughput": -1
            }),
        )
        .await;
    }

    /// Makes requests whose URL matches one of `patterns` (`*` wildcards) fail as if the
    /// network were down, while everything else loads; an empty list unblocks.
    pub async fn block_urls(&self, patterns: &[&str]) {
        self.cdp("Network.enable", json!({})).await;
        self.cdp("Network.setBlockedURLs", json!({ "urls": patterns }))
            .await;
    }
}

impl Browser {
    /// Makes the page keep a record of every request it makes (the browser's resource timing
    /// buffer, large enough for a whole test), for [`Browser::requests_since`].
    pub async fn record_requests(&self) {
        self.js("performance.setResourceTimingBufferSize(100000);", vec![])
            .await;
    }

    /// The page's clock (`performance.now()`), to compare with request start times.
    pub async fn page_now(&self) -> f64 {
        self.js("return performance.now();", vec![])
            .await
            .as_f64()
            .unwrap()
    }

    /// `(url, status)` of the requests the page started after `since` (its clock), and of
    /// every request when `since` is `None`. The status is 0 until a response arrived.
    pub async fn requests_since(&self, since: Option<f64>) -> Vec<(String, u64)> {
        let v = self
            .js(
                "return performance.getEntriesByType('resource')
                   .filter(e => arguments[0] === null || e.startTime > arguments[0])
                   .map(e => [e.name, e.responseStatus || 0]);",
                vec![json!(since)],
            )
            .await;
        serde_json::from_value(v).unwrap()
    }

    /// Lets the page show notifications, as a user allowing them would.
    pub async fn grant_notifications(&self) {
        self.cdp(
            "Browser.grantPermissions",
            json!({"permissions": ["notifications"], "origin": self.base}),
        )
        .await;
    }

    /// Sets the notification permission (`granted`, `denied`, `prompt`) as the browser's site
    /// settings would.
    pub async fn set_notifications(&self, setting: &str) {
        self.cdp(
            "Browser.setPermission",
            json!({"permission": {"name": "notifications"}, "setting": setting, "origin": self.base}),
        )
        .await;
    }

    /// Delivers a push message with `data` to the origin's service worker, as a push service
    /// does. DevTools needs the registration's id, which the page cannot read: a fresh
    /// profile numbers its registrations from 0, and a push to an id that is not there is
    /// dropped, so the first few are tried.
    pub async fn deliver_push(&self, data: &str) {
        self.cdp("ServiceWorker.enable", json!({})).await;
        for id in 0..12 {
            self.cdp(
                "ServiceWorker.deliverPushMessage",
                json!({"origin": self.base, "registrationId": id.to_string(), "data": data}),
            )
            .await;
        }
    }

    /// Runs `expression` in the service worker's global scope (through a DevTools session
    /// attached to it); its value is not returned.
    pub async fn in_service_worker(&self, expression: &str) {
        let targets = self.cdp("Target.getTargets", json!({})).await;
        let worker = targets["targetInfos"]
            .as_array()
            .and_then(|ts| ts.iter().find(|t| t["type"] == "service_worker"))
            .unwrap_or_else(|| panic!("no service worker in {targets}"))["targetId"]
            .clone();
        let session = self
            .cdp(
                "Target.attachToTarget",
                json!({"targetId": worker, "flatten": false}),
            )
            .await["sessionId"]
            .clone();
        let message = json!({"id": 1, "method": "Runtime.evaluate",
            "params": {"expression": expression}});
        self.cdp(
            "Target.sendMessageToTarget",
            json!({"sessionId": session, "message": message.to_string()}),
        )
        .await;
    }
}
