//! Harness for the browser end-to-end tests: starts the real server and chromedriver on free
//! loopback ports, opens headless Chromium with a fresh profile, and finds elements the way
//! assistive technology does — by computed ARIA role and accessible name (WebDriver's
//! `computedrole` / `computedlabel`). Everything is torn down on drop, also when a test fails.

use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const DEMO_PASSWORD: &str = "Tsunagu-Demo-2026";
const WAIT: Duration = Duration::from_secs(15);

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A unique scratch directory under `target/e2e/`, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Self {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = repo_root()
            .join("target/e2e")
            .join(format!("{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process killed on drop, so a failing test leaves nothing running.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The real server (temporary SQLite database with demo data, serving `dist/`) and chromedriver.
pub struct Stack {
    pub base: String,
    driver_url: String,
    http: reqwest::Client,
    _server: Proc,
    _driver: Proc,
    scratch: Scratch,
}

impl Stack {
    pub async fn start() -> Self {
        // Two rustls providers are compiled in (fantoccini's and reqwest's); choose one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let root = repo_root();
        // TSUNAGU_DIST: another build of the SPA (parallel work must not share one dist/).
        let dist = std::env::var_os("TSUNAGU_DIST")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("dist"));
        assert!(
            dist.join("index.html").is_file(),
            "dist/index.html is missing: build the release SPA first (`make web`)"
        );
        let server_bin = std::env::var_os("TSUNAGU_SERVER_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target/debug/tsunagu-server"));
        assert!(
            server_bin.is_file(),
            "{} is missing: `make native` first",
            server_bin.display()
        );
        let scratch = Scratch::new("stack");
        let db = scratch.0.join("e2e.db");
        let mut server = Command::new(&server_bin)
            .args(["serve", "--bind", "127.0.0.1:0", "--demo", "--database-url"])
            .arg(format!("sqlite://{}", db.display()))
            .arg("--dist")
            .arg(&dist)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start tsunagu-server");
        let base = read_listen_url(&mut server);
        let server = Proc(server);

        let port = free_port();
        let driver = Proc(
            Command::new(chromedriver())
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver"),
        );
        let driver_url = format!("http://127.0.0.1:{port}");
        poll_until(WAIT, || async {
            std::net::TcpStream::connect(("127.0.0.1", port))
                .map(drop)
                .map_err(|e| format!("chromedriver is not listening on port {port}: {e}"))
        })
        .await
        .unwrap_or_else(|seen| panic!("timed out waiting: {seen}"));
        Self {
            base,
            driver_url,
            http: reqwest::Client::new(),
            _server: server,
            _driver: driver,
            scratch,
        }
    }

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
        let status = self
            .http
            .post(self.api(&format!("/groups/{group}/posts")))
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

fn chromedriver() -> PathBuf {
    std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"))
}

/// Reads the server's stdout until it says where it listens; keeps draining it afterwards so the
/// pipe never fills and blocks the server.
fn read_listen_url(server: &mut Child) -> String {
    const MARK: &str = "Tsunagu listening on ";
    let stdout = server.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if !sent {
                if let Some(url) = line.split(MARK).nth(1) {
                    let _ = tx.send(url.trim().to_owned());
                    sent = true;
                }
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the server did not report its address within 60 s")
}

/// Calls `probe` every 100 ms until it returns `Ok`, for at most `within`; on timeout returns
/// the last `Err` (a description of what was seen), for the caller's panic message.
pub async fn poll_until<T, F, Fut>(within: Duration, mut probe: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let start = Instant::now();
    loop {
        match probe().await {
            Ok(found) => return Ok(found),
            Err(seen) if start.elapsed() > within => return Err(seen),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// WebDriver's "Get Computed Role" / "Get Computed Label" (chromedriver implements both).
#[derive(Debug)]
struct Computed {
    element: String,
    what: &'static str,
}

impl WebDriverCompatibleCommand for Computed {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/element/{}/{}",
            session.unwrap_or_default(),
            self.element,
            self.what
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::GET, None)
    }
}

/// CSS candidates for a role; the computed role then decides.
fn candidates(role: &str) -> &'static str {
    match role {
        "button" => "button, [role=button], input[type=submit], input[type=button]",
        "textbox" => "input:not([type]), input[type=text], input[type=email], input[type=url], input[type=search], textarea, [role=textbox]",
        "link" => "a[href], [role=link]",
        "heading" => "h1, h2, h3, h4, [role=heading]",
        "alert" => "[role=alert]",
        "feed" => "[role=feed]",
        "searchbox" => "input[type=search], [role=searchbox]",
        "combobox" => "select, [role=combobox]",
        "radio" => "input[type=radio], [role=radio]",
        "tab" => "[role=tab]",
        "note" => "[role=note]",
        "status" => "[role=status]",
        "img" => "img, svg, [role=img]",
        "dialog" => "dialog, [role=dialog]",
        "region" => "section, [role=region]",
        "article" => "article, [role=article]",
        "list" => "ul, ol, [role=list]",
        "separator" => "hr, [role=separator]",
        _ => "*",
    }
}

/// A headless Chromium session with a fresh profile.
pub struct Browser {
    client: Option<Client>,
    base: String,
    shots: PathBuf,
    _profile: Scratch,
}

impl Browser {
    pub async fn open(stack: &Stack) -> Self {
        let profile = Scratch::new("profile");
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.0.display()),
                ]
            }
        });
        let client = ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps.as_object().unwrap().clone())
            .connect(&stack.driver_url)
            .await
            .expect("open a Chromium session through chromedriver");
        let shots = stack.scratch.0.parent().unwrap().to_path_buf();
        Self {
            client: Some(client),
            base: stack.base.trim_end_matches('/').to_owned(),
            shots,
            _profile: profile,
        }
    }

    fn c(&self) -> &Client {
        self.client.as_ref().unwrap()
    }

    pub async fn goto(&self, path: &str) {
        self.c()
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    pub async fn refresh(&self) {
        self.c().refresh().await.unwrap();
    }

    async fn computed(&self, el: &Element, what: &'static str) -> String {
        let v = self
            .c()
            .issue_cmd(Computed {
                element: el.element_id().to_string(),
                what,
            })
            .await
            .unwrap_or(Value::Null);
        v.as_str().unwrap_or_default().trim().to_owned()
    }

    async fn find_matching(
        &self,
        css: &str,
        role: Option<&str>,
        name: &str,
        exact: bool,
    ) -> Option<Element> {
        let els = self.c().find_all(Locator::Css(css)).await.ok()?;
        for el in els {
            if !el.is_displayed().await.unwrap_or(false) {
                continue;
            }
            if let Some(role) = role {
                if self.computed(&el, "computedrole").await != role {
                    continue;
                }
            }
            let label = if exact {
                self.computed(&el, "computedlabel").await
            } else {
                el.text().await.unwrap_or_default()
            };
            if (exact && label == name) || (!exact && label.contains(name)) {
                return Some(el);
            }
        }
        None
    }

    /// The visible element with this ARIA role and exactly this accessible name.
    pub async fn by_role(&self, role: &str, name: &str) -> Element {
        self.wait_for(
            || self.find_matching(candidates(role), Some(role), name, true),
            format!("no visible {role} named {name:?} after {WAIT:?}"),
        )
        .await
    }

    /// A visible element matching `css` whose accessible name is `name` (for controls such as
    /// password fields, which have no ARIA role).
    pub async fn by_label(&self, css: &str, name: &str) -> Element {
        self.wait_for(
            || self.find_matching(css, None, name, true),
            format!("no visible {css} named {name:?} after {WAIT:?}"),
        )
        .await
    }

    /// The visible element with this role whose text contains `text` (alerts, live regions).
    pub async fn by_role_text(&self, role: &str, text: &str) -> Element {
        self.wait_for(
            || self.find_matching(candidates(role), Some(role), text, false),
            format!("no visible {role} named {text:?} after {WAIT:?}"),
        )
        .await
    }

    /// Polls `find` (see [`poll_until`]) for up to `WAIT`; on timeout saves `failure.png` and
    /// panics with `missing` and the page text.
    async fn wait_for<F, Fut>(&self, mut find: F, missing: String) -> Element
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Option<Element>>,
    {
        let found = poll_until(WAIT, || {
            let find = find();
            async { find.await.ok_or_else(String::new) }
        })
        .await;
        match found {
            Ok(el) => el,
            Err(_) => {
                self.screenshot("failure.png").await;
                panic!("{missing}; page text:\n{}", self.page_text().await);
            }
        }
    }

    /// Polls `probe` (see [`poll_until`]) for up to `within`; on timeout saves `failure.png` and
    /// panics with the last state it described.
    async fn wait_or_fail<T, F, Fut>(&self, within: Duration, probe: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, String>>,
    {
        match poll_until(within, probe).await {
            Ok(found) => found,
            Err(seen) => {
                self.screenshot("failure.png").await;
                panic!("{seen}");
            }
        }
    }

    /// Waits until no visible element with this role and name remains.
    pub async fn wait_gone(&self, role: &str, name: &str) {
        poll_until(WAIT, || async {
            match self.find_now(role, name).await {
                Some(_) => Err(format!("{role} {name:?} is still shown")),
                None => Ok(()),
            }
        })
        .await
        .unwrap_or_else(|seen| panic!("{seen}"));
    }

    /// Logs in through the login page (the demo password) and waits for the group list.
    pub async fn login(&self, login_id: &str) {
        self.goto("/login").await;
        self.by_role("textbox", "ログインID")
            .await
            .send_keys(login_id)
            .await
            .unwrap();
        self.by_label("input[type=password]", "パスワード")
            .await
            .send_keys(DEMO_PASSWORD)
            .await
            .unwrap();
        self.by_role("button", "ログイン")
            .await
            .click()
            .await
            .unwrap();
        self.by_role("heading", "マイグループ").await;
    }

    /// Logs out through the header and waits for the login page.
    pub async fn logout(&self) {
        self.by_role("button", "ログアウト")
            .await
            .click()
            .await
            .unwrap();
        self.by_role("button", "ログイン").await;
    }

    /// Clicks the visible element with this role and accessible name.
    pub async fn click(&self, role: &str, name: &str) {
        self.by_role(role, name).await.click().await.unwrap();
    }

    /// Types into the visible element with this role and accessible name.
    pub async fn type_into(&self, role: &str, name: &str, text: &str) {
        self.by_role(role, name)
            .await
            .send_keys(text)
            .await
            .unwrap();
    }

    /// Waits until some entry of the timeline (post or system entry) contains `text`. The
    /// timeline is virtualised (only rows near the viewport are in the DOM), so it is scrolled
    /// through, newest first, until the entry is rendered; it stays in view afterwards.
    pub async fn wait_timeline_text(&self, text: &str) {
        self.wait_or_fail(WAIT, || async {
            if self.reveal_timeline_text(text).await {
                return Ok(());
            }
            let v = self
                .c()
                .execute(
                    "return Array.from(document.querySelectorAll('[role=feed] [data-post-id]')).map(a => a.innerText)",
                    vec![],
                )
                .await
                .unwrap();
            let texts: Vec<String> = serde_json::from_value(v).unwrap();
            if texts.iter().any(|t| t.contains(text)) {
                return Ok(());
            }
            Err(format!("no timeline entry contains {text:?}; entries: {texts:?}"))
        })
        .await
    }

    /// How many visible elements have this role (by CSS candidates, not computed).
    pub async fn count_css(&self, css: &str) -> usize {
        let mut n = 0;
        for el in self
            .c()
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
        {
            if el.is_displayed().await.unwrap_or(false) {
                n += 1;
            }
        }
        n
    }

    /// Texts of the posts in the timeline, top to bottom.
    pub async fn post_texts(&self) -> Vec<String> {
        let v = self
            .c()
            .execute(
                "return Array.from(document.querySelectorAll('[role=feed] article[data-post-id]')).map(a => a.innerText)",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(v).unwrap()
    }

    pub async fn post_ids(&self) -> Vec<String> {
        let v = self
            .c()
            .execute(
                "return Array.from(document.querySelectorAll('article[data-post-id]')).map(a => a.dataset.postId)",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(v).unwrap()
    }

    /// Waits until at least `n` posts are rendered (the list is virtualised: a window of the
    /// timeline, not all of it, is in the DOM).
    pub async fn wait_post_count_at_least(&self, n: usize, within: Duration) -> Vec<String> {
        poll_until(within, || async {
            let texts = self.post_texts().await;
            if texts.len() >= n {
                return Ok(texts);
            }
            Err(format!("expected at least {n} posts, have {}", texts.len()))
        })
        .await
        .unwrap_or_else(|seen| panic!("{seen}"))
    }

    pub async fn wait_html_lang(&self, lang: &str) {
        poll_until(WAIT, || async {
            let v = self
                .c()
                .execute("return document.documentElement.lang", vec![])
                .await
                .unwrap();
            if v == lang {
                return Ok(());
            }
            Err(format!("<html lang> is {v}, expected {lang}"))
        })
        .await
        .unwrap_or_else(|seen| panic!("{seen}"));
    }

    pub async fn page_text(&self) -> String {
        self.c()
            .execute("return document.body.innerText", vec![])
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The session token the SPA keeps in localStorage (to prove logout killed it server-side).
    pub async fn local_storage_token(&self) -> String {
        let v = self
            .c()
            .execute("return localStorage.getItem('tsunagu.session')", vec![])
            .await
            .unwrap();
        let raw = v.as_str().expect("no session in localStorage");
        let parsed: Value = serde_json::from_str(raw).unwrap_or(Value::String(raw.to_owned()));
        parsed
            .get("token")
            .and_then(Value::as_str)
            .or(parsed.as_str())
            .expect("no token in the stored session")
            .to_owned()
    }

    /// Saves a PNG under target/e2e/ (and docs/ when TSUNAGU_UPDATE_SCREENSHOTS=1).
    pub async fn screenshot(&self, name: &str) {
        if let Ok(png) = self.c().screenshot().await {
            let _ = std::fs::write(self.shots.join(name), &png);
            if std::env::var_os("TSUNAGU_UPDATE_SCREENSHOTS").is_some() {
                let _ = std::fs::write(Path::new(&repo_root()).join("docs").join(name), &png);
            }
        }
    }

    pub async fn close(mut self) {
        if let Some(c) = self.client.take() {
            let _ = c.close().await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A failed test drops without `close()`: end the WebDriver session so Chromium exits
        // (chromedriver itself is killed by `Stack`, taking any remaining browser with it).
        if let Some(c) = self.client.take() {
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                let _ = std::thread::spawn(move || {
                    handle.block_on(async move {
                        let _ = c.close().await;
                    })
                })
                .join();
            }
        }
    }
}

impl Browser {
    /// Waits until the visible control with this role and accessible name holds exactly `value`
    /// (re-finding it each time: the control may be re-rendered meanwhile).
    pub async fn wait_value(&self, role: &str, name: &str, value: &str) {
        self.wait_or_fail(WAIT, || async {
            let el = self.by_role(role, name).await;
            let now = el.prop("value").await.ok().flatten().unwrap_or_default();
            if now == value {
                return Ok(());
            }
            Err(format!("{role} {name:?} holds {now:?}, not {value:?}"))
        })
        .await
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

// Live timeline: virtualised list, unread divider, live updates.

/// Scrolls the timeline (`[role=feed]`) from the bottom up until an entry containing
/// `arguments[0]` is rendered; answers whether one was found. Leaves it in view.
const REVEAL_JS: &str = r#"
const text = arguments[0];
const done = arguments[arguments.length - 1];
const log = document.querySelector('[role=feed]');
if (!log) { done(false); return; }
const find = () => Array.from(log.querySelectorAll('[data-post-id]'))
  .find(e => e.innerText.includes(text));
const show = (e) => { e.scrollIntoView({ block: 'center' }); setTimeout(() => done(true), 150); };
const now = find();
if (now) { show(now); return; }
log.scrollTop = log.scrollHeight;
let rounds = 0;
const step = () => {
  const e = find();
  if (e) { show(e); return; }
  if (log.scrollTop <= 0 || ++rounds > 400) { done(false); return; }
  log.scrollTop = Math.max(0, log.scrollTop - log.clientHeight * 0.8);
  setTimeout(step, 60);
};
setTimeout(step, 60);
"#;

/// Scrolls the timeline from the top to the bottom and returns every post
/// (`article[data-post-id]`) as `[id, text]` in the order met, each once.
const COLLECT_JS: &str = r#"
const done = arguments[arguments.length - 1];
const log = document.querySelector('[role=feed]');
if (!log) { done([]); return; }
const seen = new Map();
const order = [];
const take = () => {
  for (const a of log.querySelectorAll('article[data-post-id]')) {
    const id = a.dataset.postId;
    if (!seen.has(id)) { seen.set(id, a.innerText); order.push(id); }
  }
};
log.scrollTop = 0;
let last = -1, rounds = 0;
const step = () => {
  take();
  const end = log.scrollTop + log.clientHeight >= log.scrollHeight - 2;
  if ((end && last === log.scrollTop) || ++rounds > 2000) {
    done(order.map(id => [id, seen.get(id)]));
    return;
  }
  last = log.scrollTop;
  log.scrollTop = log.scrollTop + log.clientHeight * 0.8;
  setTimeout(step, 80);
};
setTimeout(step, 150);
"#;

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

impl Browser {
    /// Runs a script in the page and returns its value.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.c().execute(script, args).await.unwrap()
    }

    /// Scrolls the virtualised timeline until an entry containing `text` is rendered (and in
    /// view); `false` when there is none.
    pub async fn reveal_timeline_text(&self, text: &str) -> bool {
        self.c()
            .execute_async(REVEAL_JS, vec![json!(text)])
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }

    /// Every post of the timeline, top to bottom, as `(id, text)`: the virtualised list is
    /// scrolled through from the top (load everything older first).
    pub async fn timeline_in_order(&self) -> Vec<(String, String)> {
        let v = self.c().execute_async(COLLECT_JS, vec![]).await.unwrap();
        serde_json::from_value(v).unwrap()
    }

    /// Text of the entry right below the "ここから未読" separator, if one is shown.
    pub async fn entry_below_divider(&self) -> Option<String> {
        self.js(
            "const d = document.querySelector('[role=feed] [role=separator]');
             const e = d && d.closest('[data-row]').querySelector('[data-post-id]');
             return e ? e.innerText : null;",
            vec![],
        )
        .await
        .as_str()
        .map(str::to_owned)
    }

    /// Waits until the last rendered post contains `text` (the newest is at the bottom).
    pub async fn wait_last_post(&self, text: &str) {
        self.wait_or_fail(WAIT, || async {
            let texts = self.post_texts().await;
            if texts.last().is_some_and(|t| t.contains(text)) {
                return Ok(());
            }
            Err(format!("the last post is not {text:?}: {:?}", texts.last()))
        })
        .await
    }

    /// Waits until the page's text (hidden-for-sight labels included) contains `text`.
    pub async fn wait_page_text(&self, text: &str) {
        self.wait_or_fail(WAIT, || async {
            let now = self
                .js("return document.body.textContent", vec![])
                .await
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if now.contains(text) {
                return Ok(());
            }
            Err(format!("the page never showed {text:?}"))
        })
        .await
    }
}

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

    /// Makes requests whose URL matches one of `patterns` (`*` wildcards) fail as if the
    /// network were down, while everything else loads; an empty list unblocks.
    pub async fn block_urls(&self, patterns: &[&str]) {
        self.cdp("Network.enable", json!({})).await;
        self.cdp("Network.setBlockedURLs", json!({ "urls": patterns }))
            .await;
    }

    /// Puts `value` into the visible control with this role and accessible name as if typed at
    /// once (an `input` event), for texts too long to send key by key.
    pub async fn set_text(&self, role: &str, name: &str, value: &str) {
        let el = self.by_role(role, name).await;
        self.c()
            .execute(
                "arguments[0].value = arguments[1];
                 arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
                vec![serde_json::to_value(&el).unwrap(), json!(value)],
            )
            .await
            .unwrap();
    }

    /// Texts of the visible elements matching `css`.
    pub async fn texts_of(&self, css: &str) -> Vec<String> {
        let v = self
            .c()
            .execute(
                "return Array.from(document.querySelectorAll(arguments[0]))
                   .filter(e => e.offsetParent !== null).map(e => e.innerText)",
                vec![json!(css)],
            )
            .await
            .unwrap();
        serde_json::from_value(v).unwrap()
    }

    /// Waits until some visible element matching `css` contains every one of `texts`.
    pub async fn wait_css_text(&self, css: &str, texts: &[&str]) {
        self.wait_or_fail(WAIT, || async {
            let found = self.texts_of(css).await;
            if found.iter().any(|t| texts.iter().all(|x| t.contains(x))) {
                return Ok(());
            }
            Err(format!("no {css} contains {texts:?}; found {found:?}"))
        })
        .await
    }

    /// Waits (up to `within`) until no visible element matches `css`.
    pub async fn wait_css_gone(&self, css: &str, within: Duration) {
        self.wait_or_fail(within, || async {
            let found = self.texts_of(css).await;
            if found.is_empty() {
                return Ok(());
            }
            Err(format!("{css} is still shown: {found:?}"))
        })
        .await
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
}
