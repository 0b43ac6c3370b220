//! Accessibility checks with axe-core (the npm package pinned in `package.json`): its
//! `axe.min.js` is injected into the page under test and run with the WCAG 2.0–2.2 A and AA
//! rules, so a screen that fails them fails the test with every violation listed.

use std::sync::OnceLock;

use serde_json::{json, Value};

use super::{repo_root, Browser};

fn axe_source() -> &'static str {
    static AXE: OnceLock<String> = OnceLock::new();
    AXE.get_or_init(|| {
        let path = repo_root().join("node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} — `make setup-test` installs axe-core from package.json",
                path.display()
            )
        })
    })
}

/// Runs axe on the document and returns one line per violation and element.
const RUN_AXE_JS: &str = r#"
const result = await window.axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  resultTypes: ['violations'],
});
return result.violations.flatMap(v => v.nodes.slice(0, 6).map(n =>
  `${v.id} (${v.impact}): ${v.help} — ${n.target.join(' ')} — ${(n.failureSummary || '').replace(/\s+/g, ' ')}`));
"#;

impl Browser {
    /// The WCAG 2.2 A/AA violations axe-core finds on the page as it is now.
    pub async fn axe_violations(&self) -> Vec<String> {
        let loaded = self
            .c()
            .execute(
                &format!(
                    "if (!window.axe) {{ {} }} return !!window.axe;",
                    axe_source()
                ),
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(loaded, json!(true), "axe-core did not load");
        let found = self
            .c()
            .execute(
                &format!("return (async () => {{ {RUN_AXE_JS} }})();"),
                vec![],
            )
            .await
            .unwrap();
        match found {
            Value::Array(lines) => lines
                .into_iter()
                .map(|l| l.as_str().unwrap_or_default().to_owned())
                .collect(),
            other => panic!("axe returned {other}"),
        }
    }
}
