//! The binary itself: start-up line with the real port, demo seeding once, graceful shutdown.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use tsunagu_testkit::fixtures::DEMO_PASSWORD;
use tsunagu_testkit::{Api, Launcher, ServerProcess};

/// The binary over this SQLite file, serving `dist`.
fn start(db: &Path, dist: &Path) -> ServerProcess {
    Launcher::new(
        env!("CARGO_BIN_EXE_tsunagu-server"),
        &format!("sqlite://{}", db.display()),
    )
    .dist(dist)
    .stderr(std::process::Stdio::null())
    .spawn()
}

/// SIGTERM, then a clean exit within 10 s.
fn stop(mut server: ServerProcess) {
    server.terminate();
    let status = server.wait_exit(Duration::from_secs(10));
    assert!(
        status.is_some_and(|s| s.success()),
        "graceful shutdown exits 0 on SIGTERM, got {status:?}"
    );
}

async fn posts_seen_by(base: &str, login_id: &str) -> usize {
    let api = Api::new(base).unwrap();
    let token = api.login(login_id, DEMO_PASSWORD).await.unwrap().token;
    let mut total = 0;
    for group in api.groups(&token).await.unwrap() {
        total += api
            .posts(&token, group.id, "?limit=100")
            .await
            .unwrap()
            .items
            .len();
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
    let output = server.stdout().join("\n");
    assert!(output.contains("Tsunagu-Demo-2026"), "{output}");
    assert!(output.contains("ns.kobayashi"), "{output}");
    let meta = Api::new(&server.base).unwrap().meta().await.unwrap();
    assert_eq!(meta.name, "tsunagu-server");
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
    let api = Api::new(&server.base).unwrap();
    let token = api.login("ns.tanaka", DEMO_PASSWORD).await.unwrap().token;
    let mut stream = api.events(&token, None).await.unwrap();
    let mut server = server;
    server.terminate();
    // The server ends the open stream itself instead of waiting for it (it never ends on its
    // own while the session lives).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !stream.ended && tokio::time::Instant::now() < deadline {
        stream
            .next_frame(deadline.saturating_duration_since(tokio::time::Instant::now()))
            .await;
    }
    let exit = server.wait_exit(Duration::from_secs(10));
    assert!(stream.ended, "the event stream was left open");
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
