//! The headless browser: finding controls by role and accessible name, typing, waiting.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use super::{poll_until, repo_root, Scratch, Stack, DEMO_PASSWORD, WAIT};

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
pub(super) fn candidates(role: &str) -> &'static str {
    match role {
        "button" => "button, [role=button], input[type=submit], input[type=button]",
        "textbox" => "input:not([type]), input[type=text], input[type=email], input[type=tel], input[type=url], input[type=search], textarea, [role=textbox]",
        "checkbox" => "input[type=checkbox], [role=checkbox]",
        "switch" => "[role=switch]",
        "cell" => "td, th, [role=cell], [role=rowheader]",
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
    pub(super) base: String,
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

    pub(super) fn c(&self) -> &Client {
        self.client.as_ref().unwrap()
    }

    /// Opens `path` and waits until the app has started, so the steps that follow act on the
    /// app rather than on the static login form `index.html` shows while it loads.
    pub async fn goto(&self, path: &str) {
        self.goto_loading(path).await;
        self.wait_app_started(WAIT).await;
    }

    /// Opens `path` without waiting for the app: the static login form may be what is shown.
    pub async fn goto_loading(&self, path: &str) {
        self.c()
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    /// Reloads the page and waits until the app has started again.
    pub async fn refresh(&self) {
        self.c().refresh().await.unwrap();
        self.wait_app_started(WAIT).await;
    }

    /// Waits until the app has started: mounted, and on the login page taken over from the
    /// static `#boot` form of `login.html`.
    pub async fn wait_app_started(&self, within: Duration) {
        self.wait_or_fail(within, || async {
            let started = self
                .c()
                .execute(
                    // The static login form (login.html) is gone and the app's frame is there.
                    "return document.getElementById('boot') === null \
                     && document.querySelector('main.app-main') !== null;",
                    vec![],
                )
                .await
                .map_err(|e| e.to_string())?;
            match started.as_bool() {
                Some(true) => Ok(()),
                _ => Err(format!("the app has not started within {within:?}")),
            }
        })
        .await
    }

    pub(super) async fn computed(&self, el: &Element, what: &'static str) -> String {
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

    pub(super) async fn find_matching(
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
    pub(super) async fn wait_for<F, Fut>(&self, mut find: F, missing: String) -> Element
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
    pub async fn wait_or_fail<T, F, Fut>(&self, within: Duration, probe: F) -> T
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
        self.submit_login(login_id).await;
        self.by_role("heading", "マイグループ").await;
    }

    /// Logs an operator in: the console opens on its applications.
    pub async fn login_operator(&self, login_id: &str) {
        self.goto("/login").await;
        self.submit_login(login_id).await;
        self.by_role("heading", "利用申込").await;
    }

    /// Types `login_id` and the demo password into the login form shown and presses ログイン.
    pub async fn submit_login(&self, login_id: &str) {
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

    /// Clicks the visible element with this role and accessible name. A live update may
    /// re-render it between finding and clicking (WebDriver's "stale element"): then it is
    /// found again, as a person would simply click the new one.
    pub async fn click(&self, role: &str, name: &str) {
        self.wait_or_fail(WAIT, || async {
            match self.by_role(role, name).await.click().await {
                Ok(()) => Ok(()),
                Err(e) => Err(format!("clicking {role} {name:?} failed: {e}")),
            }
        })
        .await
    }

    /// Like [`Browser::click`], for the visible element with this role whose accessible name
    /// contains `text` (a link with a count, or with a hidden hint after its visible text).
    pub async fn click_text(&self, role: &str, text: &str) {
        self.wait_or_fail(WAIT, || async {
            match self.by_role_text(role, text).await.click().await {
                Ok(()) => Ok(()),
                Err(e) => Err(format!("clicking {role} containing {text:?} failed: {e}")),
            }
        })
        .await
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

// DOM helpers for what has no role to find it by: long texts, CSS-selected regions.
impl Browser {
    /// Puts `value` into the visible password field named `name` (replacing what it held).
    pub async fn set_password(&self, name: &str, value: &str) {
        let el = self.by_label("input[type=password]", name).await;
        self.c()
            .execute(
                "arguments[0].value = arguments[1];
                 arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
                vec![serde_json::to_value(&el).unwrap(), json!(value)],
            )
            .await
            .unwrap();
    }

    /// Chooses the option whose text is `option` in the visible select named `name`, as a person
    /// picks it from the list (a `change` event).
    pub async fn choose(&self, name: &str, option: &str) {
        let el = self.by_role("combobox", name).await;
        let chosen = self
            .c()
            .execute(
                "const s = arguments[0];
                 const o = Array.from(s.options).find(o => o.text.trim() === arguments[1]);
                 if (!o) return false;
                 s.value = o.value;
                 s.dispatchEvent(new Event('change', { bubbles: true }));
                 return true;",
                vec![serde_json::to_value(&el).unwrap(), json!(option)],
            )
            .await
            .unwrap();
        assert_eq!(chosen, json!(true), "no option {option:?} in {name:?}");
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

    /// The window's title.
    pub async fn title(&self) -> String {
        self.c().title().await.unwrap()
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
