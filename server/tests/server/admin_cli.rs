//! The commands of a real deployment, run as the people running it would: the first operator
//! of an empty server, a lost password, backup and restore, on whichever backend the test
//! environment chooses.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use tsunagu_testkit::fixtures::{DEMO_PASSWORD, YAMADA};
use tsunagu_testkit::{Api, Launcher, PostFixture, ServerProcess};

const BIN: &str = env!("CARGO_BIN_EXE_tsunagu-server");
const STRONG: &str = "Kanri-2027-iryou!";

fn start(database_url: &str, dir: &Path, demo: bool) -> ServerProcess {
    let launcher = Launcher::new(BIN, database_url).dist(dir.join("no-dist"));
    if demo {
        launcher.spawn()
    } else {
        launcher.without_demo().spawn()
    }
}

fn stop(mut server: ServerProcess) {
    server.terminate();
    let status = server.wait_exit(Duration::from_secs(10));
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
}

/// `tsunagu-server <args> --database-url <url>`, the new password from the environment (or
/// from standard input when `stdin` is given).
fn run(args: &[&str], database_url: &str, password: Option<&str>, stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .args(["--database-url", database_url])
        .env_remove("TSUNAGU_NEW_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(p) = password {
        cmd.env("TSUNAGU_NEW_PASSWORD", p);
    }
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn create_operator(database_url: &str, login_id: &str, password: &str) -> Output {
    run(
        &[
            "admin",
            "create-operator",
            "--login-id",
            login_id,
            "--name",
            "石井 事務局",
            "--name-kana",
            "いしい じむきょく",
        ],
        database_url,
        Some(password),
        None,
    )
}

#[tokio::test]
async fn an_empty_server_says_how_to_begin_and_the_first_operator_logs_in() {
    let dir = tempfile::tempdir().unwrap();
    let url = tsunagu_testkit::database::fresh(dir.path()).await;
    let server = start(&url, dir.path(), false);
    let api = Api::new(&server.base).unwrap();
    let said = server.stdout().join("\n");
    assert!(said.contains("admin create-operator"), "{said}");
    assert!(api.meta().await.unwrap().first_start);

    // The guideline's rule for a password alone: 13+ characters of letters, digits, symbols.
    let weak = create_operator(&url, "op.kanri", "kanri2027");
    assert!(!weak.status.success());
    assert!(
        text(&weak).contains("at least 13 characters"),
        "{}",
        text(&weak)
    );
    let unmixed = create_operator(&url, "op.kanri", "kanrikanri2027");
    assert!(!unmixed.status.success());
    assert!(text(&unmixed).contains("mix letters, digits and symbols"));
    assert!(api.meta().await.unwrap().first_start, "nothing was created");

    let created = create_operator(&url, "op.kanri", STRONG);
    assert!(created.status.success(), "{}", text(&created));
    assert!(!api.meta().await.unwrap().first_start);
    // The running server sees the account at once.
    let session = api.login("op.kanri", STRONG).await.unwrap();
    let me = api.me(&session.token).await.unwrap();
    assert_eq!(me.display_name, "石井 事務局");
    assert!(me.is_operator);

    // Login IDs ignore ASCII case: a second "OP.KANRI" is refused.
    let twice = create_operator(&url, "OP.KANRI", STRONG);
    assert!(!twice.status.success());
    assert!(text(&twice).contains("is taken"), "{}", text(&twice));

    // The creation is on record in the chained log.
    let verify = run(&["audit", "verify"], &url, None, None);
    assert!(verify.status.success(), "{}", text(&verify));
    assert!(text(&verify).contains("chain intact"));
    stop(server);
}

#[tokio::test]
async fn a_reset_password_works_at_once_and_ends_the_old_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let url = tsunagu_testkit::database::fresh(dir.path()).await;
    let server = start(&url, dir.path(), true);
    let api = Api::new(&server.base).unwrap();
    let old = api.login("ns.tanaka", DEMO_PASSWORD).await.unwrap().token;
    assert!(api.me(&old).await.is_ok());

    // From a pipe, as a script would.
    let new = "Kango-2027-tanaka?";
    let reset = run(
        &["admin", "reset-password", "--login-id", "ns.tanaka"],
        &url,
        None,
        Some(&format!("{new}\n")),
    );
    assert!(reset.status.success(), "{}", text(&reset));
    let refused = api.get("/me").bearer(&old).send().await.unwrap();
    assert_eq!(refused.status, 401, "the old session ended");
    assert_eq!(
        api.login_reply("ns.tanaka", DEMO_PASSWORD)
            .await
            .unwrap()
            .status,
        401
    );
    assert!(api.login("ns.tanaka", new).await.is_ok());

    let nobody = run(
        &["admin", "reset-password", "--login-id", "nobody"],
        &url,
        Some(STRONG),
        None,
    );
    assert!(!nobody.status.success());
    assert!(
        text(&nobody).contains("no account nobody"),
        "{}",
        text(&nobody)
    );
    stop(server);
}

/// Posts in the 山田 group's care timeline, as a count.
async fn care_posts(api: &Api, token: &str) -> usize {
    let group = api.group_named(token, YAMADA).await.unwrap();
    api.posts(token, group.id, "?limit=100")
        .await
        .unwrap()
        .items
        .len()
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_to_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let url = tsunagu_testkit::database::fresh(dir.path()).await;
    let server = start(&url, dir.path(), true);
    let api = Api::new(&server.base).unwrap();
    let token = api.login("ns.tanaka", DEMO_PASSWORD).await.unwrap().token;
    let group = api.group_named(&token, YAMADA).await.unwrap().id;
    api.create_post(&token, group, &PostFixture::from("バックアップ前の記録"))
        .await
        .unwrap();
    let before = care_posts(&api, &token).await;

    let file = dir.path().join("backup.tsunagu");
    let backup = run(
        &["admin", "backup", "--to", file.to_str().unwrap()],
        &url,
        None,
        None,
    );
    assert!(backup.status.success(), "{}", text(&backup));
    assert!(file.is_file());
    let again = run(
        &["admin", "backup", "--to", file.to_str().unwrap()],
        &url,
        None,
        None,
    );
    assert!(
        !again.status.success(),
        "an existing file is never overwritten"
    );

    api.create_post(&token, group, &PostFixture::from("バックアップ後の記録"))
        .await
        .unwrap();
    assert_eq!(care_posts(&api, &token).await, before + 1);

    // Not under a running server.
    let refused = run(
        &["admin", "restore", "--from", file.to_str().unwrap()],
        &url,
        None,
        None,
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("stop"),
        "says to stop the server: {}",
        text(&refused)
    );
    stop(server);

    let restore = run(
        &["admin", "restore", "--from", file.to_str().unwrap()],
        &url,
        None,
        None,
    );
    assert!(restore.status.success(), "{}", text(&restore));
    let server = start(&url, dir.path(), false);
    let api = Api::new(&server.base).unwrap();
    let token = api.login("ns.tanaka", DEMO_PASSWORD).await.unwrap().token;
    assert_eq!(care_posts(&api, &token).await, before, "the backup's data");
    let bodies: Vec<String> = api
        .posts(&token, group, "?limit=100")
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.body)
        .collect();
    assert!(bodies.iter().any(|b| b == "バックアップ前の記録"));
    assert!(!bodies.iter().any(|b| b == "バックアップ後の記録"));
    stop(server);

    // The restored log is intact, the backup itself on record in it.
    let verify = run(&["audit", "verify"], &url, None, None);
    assert!(verify.status.success(), "{}", text(&verify));

    // A file that is not a backup is refused and changes nothing.
    let junk = dir.path().join("junk");
    std::fs::write(&junk, "not a database").unwrap();
    let bad = run(
        &["admin", "restore", "--from", junk.to_str().unwrap()],
        &url,
        None,
        None,
    );
    assert!(!bad.status.success(), "{}", text(&bad));
    let server = start(&url, dir.path(), false);
    let api = Api::new(&server.base).unwrap();
    let token = api.login("ns.tanaka", DEMO_PASSWORD).await.unwrap().token;
    assert_eq!(care_posts(&api, &token).await, before);
    stop(server);
}
