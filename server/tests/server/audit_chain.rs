//! The access log's hash chain on the running server (either backend): intact under concurrent
//! reads and writes, and `audit verify` names an edited, deleted, inserted and swapped entry.

use crate::common;

use common::{create_post, Bind, Id, TestApp, YAMADA};
use tsunagu_server::admin::audit_verify;
use tsunagu_server::domain::audit_chain::{entry_hash, Fields, Finding, Report};

/// A server with some history: logins, reads and posts, several at once.
async fn app_with_history() -> TestApp {
    let app = TestApp::start().await;
    let group = app.group_id(YAMADA).await;
    let mut tokens = Vec::new();
    for login in ["ns.tanaka", "dr.sato", "cm.suzuki"] {
        tokens.push(app.login(login).await);
    }
    // Writes (posts) and reads (queued through the batch) racing for the chain's tail.
    let mut tasks = Vec::new();
    for (i, token) in tokens.iter().cycle().take(24).enumerate() {
        let (app, token) = (&app, token.clone());
        tasks.push(async move {
            if i % 2 == 0 {
                create_post(app, &token, group, format!("観察記録 {i}").as_str()).await;
            } else {
                let r = app
                    .get(&token, &format!("/api/v1/groups/{group}/posts"))
                    .await;
                assert_eq!(r.status(), 200);
            }
        });
    }
    futures_util::future::join_all(tasks).await;
    app.audit_flushed().await;
    app
}

async fn verify(app: &TestApp) -> Report {
    audit_verify::verify(&app.state.store, None).await.unwrap()
}

async fn ids(app: &TestApp) -> Vec<i64> {
    app.db
        .column("SELECT id FROM audit_log ORDER BY id", &[])
        .await
}

/// What a person with the database's owner rights can do: the append-only triggers off.
async fn allow_tampering(app: &TestApp) {
    if app.db.is_postgres() {
        app.db
            .exec("ALTER TABLE audit_log DISABLE TRIGGER USER", &[])
            .await;
    } else {
        app.db.exec("DROP TRIGGER audit_log_no_update", &[]).await;
        app.db.exec("DROP TRIGGER audit_log_no_delete", &[]).await;
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct Entry {
    at_ms: i64,
    user_id: Option<Id>,
    action: String,
    group_id: Option<Id>,
    target_id: Option<Id>,
    client_ip: Option<String>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

async fn entry(app: &TestApp, id: i64) -> Entry {
    app.db
        .row(
            "SELECT at_ms, user_id, action, group_id, target_id, client_ip, prev_hash, hash
             FROM audit_log WHERE id = $1",
            &[id.into()],
        )
        .await
}

fn id_bind(id: Option<Id>) -> Bind {
    id.map_or(Bind::Text(String::new()), |i| Bind::Id(i.0))
}

/// Writes `e`'s fields into row `id` (nullable ids through NULLIF, so one statement serves).
async fn overwrite(app: &TestApp, id: i64, e: &Entry) {
    let nullable_id = |n: usize| {
        if app.db.is_postgres() {
            format!("CAST(NULLIF(CAST(${n} AS TEXT), '') AS uuid)")
        } else {
            format!("NULLIF(${n}, '')")
        }
    };
    let sql = format!(
        "UPDATE audit_log SET at_ms = $1, user_id = {}, action = $3, group_id = {},
             target_id = {}, client_ip = $6, prev_hash = $7, hash = $8 WHERE id = $9",
        nullable_id(2),
        nullable_id(4),
        nullable_id(5),
    );
    app.db
        .exec(
            &sql,
            &[
                e.at_ms.into(),
                id_bind(e.user_id),
                e.action.clone().into(),
                id_bind(e.group_id),
                id_bind(e.target_id),
                e.client_ip.clone().unwrap_or_default().into(),
                e.prev_hash.clone().unwrap_or_default().into(),
                e.hash.clone().unwrap_or_default().into(),
                id.into(),
            ],
        )
        .await;
}

#[tokio::test]
async fn concurrent_reads_and_writes_keep_the_chain_intact() {
    let app = app_with_history().await;
    let report = verify(&app).await;
    assert_eq!(report.finding, None, "{report:?}");
    let ids = ids(&app).await;
    assert!(ids.len() >= 27, "logins, posts and reads: {}", ids.len());
    assert_eq!(report.entries, ids.len() as u64);
    let last = *ids.last().unwrap();
    let head = entry(&app, last).await.hash.unwrap();
    assert_eq!(report.head, Some((last, head.clone())));

    // The head kept from this run is found by a later one, after more entries.
    app.login("ns.kobayashi").await;
    app.audit_flushed().await;
    let later = audit_verify::verify(&app.state.store, Some(&head))
        .await
        .unwrap();
    assert_eq!(later.finding, None);
    assert_eq!(later.entries, report.entries + 1);
}

#[tokio::test]
async fn an_edited_entry_is_named() {
    let app = app_with_history().await;
    allow_tampering(&app).await;
    let target = ids(&app).await[10];
    let mut e = entry(&app, target).await;
    e.action = if e.action == "post.create" {
        "posts.read".into()
    } else {
        "post.create".into()
    };
    overwrite(&app, target, &e).await;
    assert_eq!(
        verify(&app).await.finding,
        Some(Finding::Altered { id: target })
    );
}

#[tokio::test]
async fn a_deleted_entry_is_named_by_its_successor_and_the_lost_end_by_the_kept_head() {
    let app = app_with_history().await;
    allow_tampering(&app).await;
    let ids = ids(&app).await;
    app.db
        .exec("DELETE FROM audit_log WHERE id = $1", &[ids[7].into()])
        .await;
    assert_eq!(
        verify(&app).await.finding,
        Some(Finding::Removed {
            after: Some(ids[6]),
            id: ids[8]
        })
    );

    // The newest entries removed leave a consistent chain: only the kept head tells.
    let app = app_with_history().await;
    let head_before = verify(&app).await.head.unwrap().1;
    allow_tampering(&app).await;
    let last = *self::ids(&app).await.last().unwrap();
    app.db
        .exec("DELETE FROM audit_log WHERE id = $1", &[last.into()])
        .await;
    assert_eq!(verify(&app).await.finding, None);
    let report = audit_verify::verify(&app.state.store, Some(&head_before))
        .await
        .unwrap();
    assert_eq!(
        report.finding,
        Some(Finding::HeadMissing { head: head_before })
    );
}

#[tokio::test]
async fn an_inserted_entry_is_named() {
    let app = TestApp::start().await;
    let token = app.login("ns.tanaka").await;
    let group = app.group_id(YAMADA).await;
    for _ in 0..3 {
        app.get(&token, &format!("/api/v1/groups/{group}")).await;
    }
    app.audit_flushed().await;
    let before_gap = *ids(&app).await.last().unwrap();
    // Leave an unused id, as a rolled-back transaction does, for the forger to fill.
    if app.db.is_postgres() {
        app.db
            .exec(
                "SELECT nextval(pg_get_serial_sequence('audit_log', 'id'))",
                &[],
            )
            .await;
    } else {
        app.db
            .exec(
                "UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'audit_log'",
                &[],
            )
            .await;
    }
    for _ in 0..3 {
        app.get(&token, &format!("/api/v1/groups/{group}")).await;
    }
    app.audit_flushed().await;
    assert_eq!(verify(&app).await.finding, None);

    // A forged read of the group by someone else, with a correctly computed hash.
    let prev = entry(&app, before_gap).await.hash.unwrap();
    let forged_user = app.user_id("dr.sato").await;
    let at_ms = entry(&app, before_gap).await.at_ms + 1;
    let hash = entry_hash(
        &prev,
        &Fields {
            at_ms,
            user_id: Some(forged_user),
            action: "group.read",
            group_id: Some(group),
            target_id: None,
            client_ip: Some("127.0.0.1"),
        },
    );
    let overriding = if app.db.is_postgres() {
        "OVERRIDING SYSTEM VALUE"
    } else {
        ""
    };
    app.db
        .exec(
            &format!(
                "INSERT INTO audit_log (id, at_ms, user_id, action, group_id, client_ip,
                     prev_hash, hash) {overriding}
                 VALUES ($1, $2, $3, 'group.read', $4, '127.0.0.1', $5, $6)"
            ),
            &[
                (before_gap + 1).into(),
                at_ms.into(),
                forged_user.into(),
                group.into(),
                prev.into(),
                hash.into(),
            ],
        )
        .await;
    assert_eq!(
        verify(&app).await.finding,
        Some(Finding::Inserted { id: before_gap + 1 })
    );
}

#[tokio::test]
async fn a_swapped_pair_is_named() {
    let app = app_with_history().await;
    allow_tampering(&app).await;
    let ids = ids(&app).await;
    let (a, b) = (ids[5], ids[6]);
    let (ea, eb) = (entry(&app, a).await, entry(&app, b).await);
    overwrite(&app, a, &eb).await;
    overwrite(&app, b, &ea).await;
    assert_eq!(
        verify(&app).await.finding,
        Some(Finding::Reordered {
            first: a,
            second: b
        })
    );
}

#[tokio::test]
async fn the_command_exits_non_zero_and_prints_the_head() {
    let app = app_with_history().await;
    let run = |head: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tsunagu-server"));
        cmd.args(["audit", "verify", "--database-url", &app.database_url]);
        if let Some(head) = head {
            cmd.args(["--head", head]);
        }
        cmd.output().unwrap()
    };
    let intact = run(None);
    let out = String::from_utf8_lossy(&intact.stdout).into_owned();
    assert!(intact.status.success(), "{out}");
    let head = verify(&app).await.head.unwrap();
    assert!(
        out.contains(&format!("head: entry {} {}", head.0, head.1)),
        "{out}"
    );
    assert!(out.contains("chain intact"), "{out}");

    allow_tampering(&app).await;
    let target = ids(&app).await[3];
    app.db
        .exec(
            "UPDATE audit_log SET client_ip = '203.0.113.9' WHERE id = $1",
            &[target.into()],
        )
        .await;
    let tampered = run(Some(&head.1));
    let out = String::from_utf8_lossy(&tampered.stdout).into_owned();
    assert_eq!(tampered.status.code(), Some(1), "{out}");
    assert!(
        out.contains(&format!("TAMPERED: entry {target} was altered")),
        "{out}"
    );
}
