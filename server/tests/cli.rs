//! The binary itself: start-up line with the real port, demo seeding once, graceful shutdown.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

struct Server {
    child: Child,
    base: String,
    stdout: Vec<String>,
}

fn start(db: &Path, dist: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tsunagu-server"))
        .args(["serve", "--bind", "127.0.0.1:0", "--demo"])
        .arg("--database-url")
        .arg(format!("sqlite://{}", db.display()))
        .arg("--dist")
        .arg(dist)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stdout = Vec::new();
    let base = loop {
        let line = lines.next().expect("server printed its address").unwrap();
        stdout.push(line.clone());
        if let Some(url) = line.strip_prefix("Tsunagu listening on ") {
            break url.trim_end_matches('/').to_owned();
        }
    };
    Server {
        child,
        base,
        stdout,
    }
}

fn stop(mut server: Server) {
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "graceful shutdown exits 0, got {status}");
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no shutdown on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

async fn posts_seen_by(base: &str, login_id: &str) -> usize {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let session: Value = client
        .post(format!("{base}/api/v1/sessions"))
        .json(&serde_json::json!({ "login_id": login_id, "password": "Tsunagu-Demo-2026" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().unwrap();
    let groups: Value = client
        .get(format!("{base}/api/v1/groups"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut total = 0;
    for group in groups["items"].as_array().unwrap() {
        let page: Value = client
            .get(format!(
                "{base}/api/v1/groups/{}/posts?limit=100",
                group["id"].as_str().unwrap()
            ))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        total += page["items"].as_array().unwrap().len();
    }
    total
}

#[tokio::test]
async fn serves_on_an_ephemeral_port_and_seeds_demo_data_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new/dir/tsunagu.db");
    let dist = dir.path().join("no-dist-here");

    let server = start(&db, &dist);
    assert!(db.exists(), "database file and its directories are created");
    let port: u16 = server.base.rsplit(':').next().unwrap().parse().unwrap();
    assert_ne!(port, 0);
    let output = server.stdout.join("\n");
    assert!(output.contains("Tsunagu-Demo-2026"), "{output}");
    assert!(output.contains("ns.kobayashi"), "{output}");
    let meta: Value = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{}/api/v1/meta", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(meta["name"], "tsunagu-server");
    // ns.tanaka is in all four demo groups; their default (care) timelines hold 25 + 15 + 6
    // posts, and 3 in the direct message.
    assert_eq!(posts_seen_by(&server.base, "ns.tanaka").await, 49);
    stop(server);

    // A second start with --demo keeps the data as it is.
    let server = start(&db, &dist);
    assert_eq!(posts_seen_by(&server.base, "ns.tanaka").await, 49);
    stop(server);
}

#[test]
fn openapi_subcommand_prints_the_document() {
    let output = Command::new(env!("CARGO_BIN_EXE_tsunagu-server"))
        .arg("openapi")
        .output()
        .unwrap();
    assert!(output.status.success());
    let yaml = String::from_utf8(output.stdout).unwrap();
    assert_eq!(yaml, tsunagu_server::openapi::yaml().unwrap());
}

#[tokio::test]
async fn shutdown_does_not_wait_for_open_event_streams() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&dir.path().join("t.db"), &dir.path().join("no-dist"));
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let session: Value = client
        .post(format!("{}/api/v1/sessions", server.base))
        .json(&serde_json::json!({ "login_id": "ns.tanaka", "password": "Tsunagu-Demo-2026" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut stream = client
        .get(format!("{}/api/v1/events", server.base))
        .bearer_auth(session["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let mut server = server;
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // The server ends the open stream itself instead of waiting for it (it never ends on its
    // own while the session lives).
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        while let Ok(Some(_)) = stream.chunk().await {}
    })
    .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break Some(status);
        }
        if std::time::Instant::now() >= deadline {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    if exit.is_none() {
        server.child.kill().unwrap();
        server.child.wait().unwrap();
    }
    assert!(ended.is_ok(), "the event stream was left open");
    assert!(
        exit.is_some_and(|s| s.success()),
        "no graceful exit: {exit:?}"
    );
}

#[test]
fn seed_large_adds_one_big_group_once_and_prints_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("large.db").display());
    let run = || {
        let output = Command::new(env!("CARGO_BIN_EXE_tsunagu-server"))
            .args(["seed-large", "--database-url", &url, "--posts", "1500"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    };
    let id = run();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    assert_eq!(run(), id, "a second run finds the group");

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = tsunagu_server::db::connect_sqlite(&url).await.unwrap().read;
        let (name, posts, members, urgent): (String, i64, i64, i64) = sqlx::query_as(
            "SELECT g.name,
                    (SELECT COUNT(*) FROM posts p WHERE p.group_id = g.id),
                    (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id),
                    (SELECT COUNT(*) FROM posts p WHERE p.group_id = g.id
                        AND p.importance = 'urgent')
             FROM groups g WHERE g.id = ?",
        )
        .bind(&id)
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(name, tsunagu_server::seed_large::GROUP_NAME);
        assert_eq!(posts, 1500);
        assert!(members >= 4);
        assert!(urgent >= 1);
        // Searchable, and ns.tanaka (demo password) is a member.
        let tanaka: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM group_members m JOIN users u ON u.id = m.user_id
             WHERE m.group_id = ? AND u.login_id = 'ns.tanaka'",
        )
        .bind(&id)
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(tanaka, 1);
        let indexed: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM posts_fts WHERE posts_fts MATCH '\"SpO2\"'")
                .fetch_one(&db)
                .await
                .unwrap();
        assert!(indexed >= 1500);
    });
}

/// A database URL's password never reaches the output, even when the server refuses to start.
#[test]
fn a_database_password_is_never_printed() {
    let output = Command::new(env!("CARGO_BIN_EXE_tsunagu-server"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            "postgres://tsunagu:hunter2-secret@127.0.0.1:1/tsunagu",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        all.contains("postgres://tsunagu:***@127.0.0.1:1/tsunagu"),
        "{all}"
    );
    assert!(!all.contains("hunter2"), "{all}");
}
