//! The live timeline: a virtualised list, so finding posts scrolls with a little JavaScript.

use serde_json::{json, Value};

use super::{Browser, WAIT};

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

    /// Waits until the "ここから未読" line is shown and the entry below it is described by it
    /// (what a screen reader hears on reaching that entry).
    pub async fn wait_unread_divider(&self) {
        self.wait_or_fail(WAIT, || async {
            let seen = self
                .js(
                    "const d = document.querySelector('[role=feed] .tl-divider');
                     const e = d && d.closest('[data-row]').querySelector('[data-post-id]');
                     const by = e && document.getElementById(e.getAttribute('aria-describedby'));
                     return [d ? d.innerText : null, by ? by.textContent : null];",
                    vec![],
                )
                .await;
            (seen == json!(["ここから未読", "ここから未読"]))
                .then_some(())
                .ok_or(format!("divider and its description: {seen}"))
        })
        .await
    }

    /// Text of the entry right below the "ここから未読" line, if one is shown.
    pub async fn entry_below_divider(&self) -> Option<String> {
        self.js(
            "const d = document.querySelector('[role=feed] .tl-divider');
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
