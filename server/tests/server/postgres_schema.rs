//! The PostgreSQL schema (src/store/postgres/migrations) on a real PostgreSQL: the audit log is
//! append-only, Japanese substring search uses the trigram index and still finds 1-2 character
//! queries, event ids never let a reader skip one, login IDs are unique ignoring ASCII case, a
//! database whose locale would defeat the index is refused, and the group list and the adoption
//! dashboard read posts through indexes.
//!
//! Runs against `TSUNAGU_TEST_POSTGRES_URL` (`make pg-test` starts a throwaway cluster through
//! scripts/with-postgres.sh and sets it); each test migrates a database of its own, created for
//! it and dropped afterwards. Without the variable every test prints a skip line and passes.

use std::collections::BTreeSet;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use rand::Rng;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, Executor, PgConnection, PgPool};
use uuid::Uuid;

static MIGRATOR: Migrator = sqlx::migrate!("./src/store/postgres/migrations");

const URL_VAR: &str = "TSUNAGU_TEST_POSTGRES_URL";

fn server_url(test: &str) -> Option<String> {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            println!("skipping {test}: {URL_VAR} is not set (make pg-test sets it)");
            None
        }
    }
}

/// A database name no other test or run uses.
fn unique_name(test: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "tsunagu_test_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        test
    )
}

/// Creates a database (with `options`, e.g. a locale), runs `body` with a pool on it, and drops
/// it again, also when `body` panics (the panic is then resumed).
async fn with_database<F, Fut>(url: &str, test: &str, options: &str, body: F)
where
    F: FnOnce(PgPool) -> Fut,
    Fut: Future<Output = ()>,
{
    let name = unique_name(test);
    let mut admin = PgConnection::connect(url)
        .await
        .expect("connect to PostgreSQL");
    admin
        .execute(format!("CREATE DATABASE {name} {options}").as_str())
        .await
        .expect("create the test database");
    let options = PgConnectOptions::from_str(url).unwrap().database(&name);
    let pool = PgPoolOptions::new()
        .max_connections(12)
        .connect_with(options)
        .await
        .expect("connect to the test database");
    let outcome = AssertUnwindSafe(body(pool.clone())).catch_unwind().await;
    pool.close().await;
    admin
        .execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
        .await
        .expect("drop the test database");
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// A migrated database, as the server would have it.
async fn with_migrated<F, Fut>(test: &str, body: F)
where
    F: FnOnce(PgPool) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(url) = server_url(test) else { return };
    with_database(&url, test, "", |pool| async move {
        MIGRATOR.run(&pool).await.expect("migrations apply");
        // A second run finds nothing to do (and checks the recorded checksums).
        MIGRATOR
            .run(&pool)
            .await
            .expect("migrations are idempotent");
        body(pool).await;
    })
    .await;
}

async fn insert_user(db: &PgPool, login_id: &str) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO users (id, login_id, password_hash, display_name, display_name_kana,
                            profession, created_at_ms)
         VALUES ($1, $2, 'x', '佐藤 健一', 'さとう けんいち', 'physician', 0)",
    )
    .bind(id)
    .bind(login_id)
    .execute(db)
    .await?;
    Ok(id)
}

async fn insert_group(db: &PgPool, created_by: Uuid) -> Uuid {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO groups (id, kind, name, created_by, created_at_ms)
         VALUES ($1, 'patient', '山田 花子さん', $2, 0)",
    )
    .bind(id)
    .bind(created_by)
    .execute(db)
    .await
    .unwrap();
    id
}

async fn add_member(db: &PgPool, group_id: Uuid, user_id: Uuid) {
    sqlx::query(
        "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
         VALUES ($1, $2, 'member', 0)",
    )
    .bind(group_id)
    .bind(user_id)
    .execute(db)
    .await
    .unwrap();
}

fn sql_state(err: &sqlx::Error) -> Option<String> {
    err.as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.into_owned())
}

#[tokio::test]
async fn the_audit_log_and_post_revisions_are_append_only() {
    with_migrated("append_only", |db| async move {
        sqlx::query("INSERT INTO audit_log (at_ms, action) VALUES (1, 'post.read')")
            .execute(&db)
            .await
            .unwrap();
        for statement in [
            "UPDATE audit_log SET action = 'nothing'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ] {
            let err = sqlx::query(statement).execute(&db).await.unwrap_err();
            assert!(
                err.to_string().contains("audit_log is append-only"),
                "{statement}: {err}"
            );
        }
        let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM audit_log")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(count, 1);

        // A post's revisions are written by the triggers, and stay.
        let user = insert_user(&db, "dr.sato").await.unwrap();
        let group = insert_group(&db, user).await;
        let post = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO posts (id, group_id, author_id, body, search_text, created_at_ms)
             VALUES ($1, $2, $3, '熱 38.2℃', '熱38.2℃', 1)",
        )
        .bind(post)
        .bind(group)
        .bind(user)
        .execute(&db)
        .await
        .unwrap();
        sqlx::query(
            "UPDATE posts SET body = '熱 37.5℃', search_text = '熱37.5℃', edited_at_ms = 2,
                              version = version + 1 WHERE id = $1",
        )
        .bind(post)
        .execute(&db)
        .await
        .unwrap();
        let revisions: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT version, kind, body FROM post_revisions WHERE post_id = $1 ORDER BY version",
        )
        .bind(post)
        .fetch_all(&db)
        .await
        .unwrap();
        assert_eq!(
            revisions,
            [
                (1, "created".to_owned(), "熱 38.2℃".to_owned()),
                (2, "edited".to_owned(), "熱 37.5℃".to_owned())
            ]
        );
        let err = sqlx::query("DELETE FROM post_revisions")
            .execute(&db)
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("post_revisions is append-only"),
            "{err}"
        );

        // A person-written post without its fold is refused: search would never find it.
        let err = sqlx::query(
            "INSERT INTO posts (id, group_id, author_id, body, created_at_ms)
             VALUES ($1, $2, $3, 'unfolded', 3)",
        )
        .bind(Uuid::now_v7())
        .bind(group)
        .bind(user)
        .execute(&db)
        .await
        .unwrap_err();
        assert_eq!(sql_state(&err).as_deref(), Some("23514"), "{err}");
    })
    .await;
}

/// The search's shape on PostgreSQL: the caller's memberships joined, live person-written posts,
/// the folded query as a LIKE pattern.
const SEARCH: &str = "SELECT p.id FROM posts p
     JOIN group_members m ON m.group_id = p.group_id AND m.user_id = $1
     WHERE p.search_text LIKE $2 ESCAPE '\\'
       AND p.system IS NULL AND p.deleted_at_ms IS NULL
     ORDER BY p.created_at_ms DESC, p.id DESC LIMIT 50";

fn like_pattern(q: &str) -> String {
    let mut pattern = String::from("%");
    for c in tsunagu_api::kana::fold(q).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[tokio::test]
async fn japanese_search_uses_the_trigram_index_and_finds_short_queries() {
    with_migrated("search", |db| async move {
        let me = insert_user(&db, "ns.nakamura").await.unwrap();
        let other = insert_user(&db, "dr.other").await.unwrap();
        let mine = insert_group(&db, me).await;
        let theirs = insert_group(&db, other).await;
        add_member(&db, mine, me).await;
        add_member(&db, theirs, other).await;

        // Everyday notes as filler, so the table is big enough for the planner to care.
        let filler = [
            "本日の訪問：バイタル安定、食事は全量摂取。",
            "デイサービスより帰宅、表情おだやか。",
            "入浴介助を実施しました。皮膚トラブルなし。",
            "服薬確認済み。夜間の睡眠良好とのこと。",
        ];
        let mut tx = db.begin().await.unwrap();
        for i in 0..4000_i64 {
            let body = format!("{} 記録{i}", filler[i as usize % filler.len()]);
            sqlx::query(
                "INSERT INTO posts (id, group_id, author_id, body, search_text, created_at_ms)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(Uuid::now_v7())
            .bind(if i % 2 == 0 { mine } else { theirs })
            .bind(if i % 2 == 0 { me } else { other })
            .bind(&body)
            .bind(tsunagu_api::kana::fold(&body))
            .bind(i)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        // The needles: full-width digits and katakana, found by half-width and hiragana queries.
        let needles = [
            (mine, me, "カロナール２００ｍｇを頓用で処方しました"),
            (mine, me, "血圧１２０/80、熱なし"),
            (mine, me, "発熱あり。かろなーる服用"),
            (theirs, other, "カロナール（他グループ）"),
            (theirs, other, "血圧測定（他グループ）"),
        ];
        let mut needle_ids = Vec::new();
        for (n, (group, author, body)) in needles.iter().enumerate() {
            let id = Uuid::now_v7();
            sqlx::query(
                "INSERT INTO posts (id, group_id, author_id, body, search_text, created_at_ms)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(group)
            .bind(author)
            .bind(body)
            .bind(tsunagu_api::kana::fold(body))
            .bind(10_000 + n as i64)
            .execute(&mut *tx)
            .await
            .unwrap();
            needle_ids.push(id);
        }
        tx.commit().await.unwrap();
        db.execute("ANALYZE posts").await.unwrap();

        let search = |q: &'static str| {
            let db = db.clone();
            async move {
                let rows: Vec<(Uuid,)> = sqlx::query_as(SEARCH)
                    .bind(me)
                    .bind(like_pattern(q))
                    .fetch_all(&db)
                    .await
                    .unwrap();
                rows.into_iter().map(|(id,)| id).collect::<BTreeSet<_>>()
            }
        };
        let expect = |indexes: &[usize]| -> BTreeSet<Uuid> {
            indexes.iter().map(|&i| needle_ids[i]).collect()
        };
        // Same folding as SQLite: half-width katakana finds full-width and hiragana, and
        // half-width digits find full-width ones. Never a post of a group I am not in.
        assert_eq!(search("ｶﾛﾅｰﾙ").await, expect(&[0, 2]));
        assert_eq!(search("カロナール200").await, expect(&[0]));
        assert_eq!(search("120/80").await, expect(&[1]));
        // 1-2 characters: no trigram to look up, found all the same.
        assert_eq!(search("血圧").await, expect(&[1]));
        assert_eq!(search("熱").await, expect(&[1, 2]));
        assert_eq!(search("ｍｇ").await, expect(&[0]));
        // LIKE's operators in the query are literal characters.
        assert_eq!(search("%").await, BTreeSet::new());

        // A 3+ character query is answered from the trigram index.
        let plan = explain(&db, me, "ｶﾛﾅｰﾙ", false).await;
        println!("plan of a 5-character query:\n{plan}");
        assert!(
            plan.contains("Bitmap Index Scan on posts_search_trgm"),
            "the trigram index is not used:\n{plan}"
        );
        // Also when the planner is told to avoid sequential scans, the short query still works
        // (it cannot use trigrams; whatever plan is chosen must find the rows).
        let plan = explain(&db, me, "熱", true).await;
        println!("plan of a 1-character query (enable_seqscan off):\n{plan}");
    })
    .await;
}

async fn explain(db: &PgPool, me: Uuid, q: &str, no_seqscan: bool) -> String {
    let mut conn = db.acquire().await.unwrap();
    if no_seqscan {
        conn.execute("SET enable_seqscan = off").await.unwrap();
    }
    let lines: Vec<(String,)> = sqlx::query_as(&format!("EXPLAIN {SEARCH}"))
        .bind(me)
        .bind(like_pattern(q))
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    if no_seqscan {
        conn.execute("RESET enable_seqscan").await.unwrap();
    }
    lines
        .into_iter()
        .map(|(l,)| l)
        .collect::<Vec<_>>()
        .join("\n")
}

const WRITERS: usize = 8;
const EVENTS_PER_WRITER: usize = 200;

/// Writers insert events concurrently, each holding its transaction open a random moment after
/// the insert (some roll back), while a reader polls `id > last` as the event stream does.
/// Returns (ids the reader saw, ids committed).
async fn race_events(db: &PgPool, group: Uuid) -> (Vec<i64>, Vec<i64>) {
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let db = db.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let mut last = 0_i64;
            let mut seen = Vec::new();
            loop {
                // Read whether the writers are done before reading: a read after they are
                // done is final.
                let finished = done.load(Ordering::SeqCst);
                let rows: Vec<(i64,)> =
                    sqlx::query_as("SELECT id FROM events WHERE id > $1 ORDER BY id")
                        .bind(last)
                        .fetch_all(&db)
                        .await
                        .unwrap();
                for (id,) in rows {
                    seen.push(id);
                    last = id;
                }
                if finished {
                    return seen;
                }
                tokio::time::sleep(Duration::from_micros(200)).await;
            }
        })
    };
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let db = db.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..EVENTS_PER_WRITER {
                let mut tx = db.begin().await.unwrap();
                sqlx::query(
                    "INSERT INTO events (at_ms, group_id, timeline, name, data)
                     VALUES ($1, $2, 'care', 'post.created', $3)",
                )
                .bind(i as i64)
                .bind(group)
                .bind(format!(r#"{{"writer":{w},"n":{i}}}"#))
                .execute(&mut *tx)
                .await
                .unwrap();
                let (pause, roll_back) = {
                    let mut rng = rand::thread_rng();
                    (rng.gen_range(0..1500_u64), rng.gen_bool(0.05))
                };
                tokio::time::sleep(Duration::from_micros(pause)).await;
                if roll_back {
                    tx.rollback().await.unwrap();
                } else {
                    tx.commit().await.unwrap();
                }
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    done.store(true, Ordering::SeqCst);
    let seen = reader.await.unwrap();
    let committed: Vec<(i64,)> = sqlx::query_as("SELECT id FROM events ORDER BY id")
        .fetch_all(db)
        .await
        .unwrap();
    (seen, committed.into_iter().map(|(id,)| id).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reader_of_new_event_ids_never_skips_one() {
    with_migrated("events", |db| async move {
        let user = insert_user(&db, "dr.sato").await.unwrap();
        let group = insert_group(&db, user).await;

        let started = std::time::Instant::now();
        let (seen, committed) = race_events(&db, group).await;
        println!(
            "{} events committed by {WRITERS} writers in {:.2?}; the reader saw {}",
            committed.len(),
            started.elapsed(),
            seen.len()
        );
        assert!(committed.len() > WRITERS * EVENTS_PER_WRITER * 8 / 10);
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "ids out of order");
        let missed: Vec<i64> = committed
            .iter()
            .copied()
            .filter(|id| seen.binary_search(id).is_err())
            .collect();
        assert!(missed.is_empty(), "the reader skipped ids {missed:?}");
        assert_eq!(seen, committed);

        // The same race without the lock, to show the test can see what the lock prevents
        // (printed, not asserted: whether a skip happens is up to the scheduler).
        db.execute("ALTER TABLE events DISABLE TRIGGER events_ids_in_commit_order")
            .await
            .unwrap();
        db.execute("DELETE FROM events").await.unwrap();
        let (seen, committed) = race_events(&db, group).await;
        let missed = committed
            .iter()
            .filter(|id| seen.binary_search(id).is_err())
            .count();
        println!(
            "without the lock the reader missed {missed} of {} committed events",
            committed.len()
        );
        db.execute("ALTER TABLE events ENABLE TRIGGER events_ids_in_commit_order")
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn login_ids_are_unique_ignoring_ascii_case_like_sqlite_nocase() {
    with_migrated("login", |db| async move {
        let sato = insert_user(&db, "Dr.Sato").await.unwrap();
        let err = insert_user(&db, "dr.sato").await.unwrap_err();
        assert_eq!(sql_state(&err).as_deref(), Some("23505"), "{err}");
        // NOCASE folds ASCII only: full-width letters are another login ID there, and here.
        insert_user(&db, "Ｄｒ.Ｓａｔｏ").await.unwrap();
        insert_user(&db, "ｄｒ.ｓａｔｏ").await.unwrap();

        let found: Option<(Uuid,)> =
            sqlx::query_as("SELECT id FROM users WHERE login_key(login_id) = login_key($1)")
                .bind("DR.SATO")
                .fetch_optional(&db)
                .await
                .unwrap();
        assert_eq!(found, Some((sato,)));

        // The lookup is an index lookup, not a scan of every account.
        let mut conn = db.acquire().await.unwrap();
        conn.execute("SET enable_seqscan = off").await.unwrap();
        let plan: Vec<(String,)> = sqlx::query_as(
            "EXPLAIN SELECT id FROM users WHERE login_key(login_id) = login_key($1)",
        )
        .bind("DR.SATO")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        let plan = plan
            .into_iter()
            .map(|(l,)| l)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(plan.contains("users_login_key"), "{plan}");
        drop(conn);

        // Registrations racing for one login ID in different cases: exactly one wins, the
        // others get unique_violation (which the store maps to login_id_taken).
        let tasks: Vec<_> = [
            "Ns.Kato", "ns.kato", "NS.KATO", "ns.Kato", "nS.kAtO", "NS.kato",
        ]
        .into_iter()
        .map(|login| {
            let db = db.clone();
            tokio::spawn(async move { insert_user(&db, login).await })
        })
        .collect();
        let mut won = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => won += 1,
                Err(err) => assert_eq!(sql_state(&err).as_deref(), Some("23505"), "{err}"),
            }
        }
        assert_eq!(won, 1);
    })
    .await;
}

#[tokio::test]
async fn a_database_whose_locale_defeats_japanese_trigrams_is_refused() {
    let Some(url) = server_url("locale") else {
        return;
    };
    with_database(
        &url,
        "locale",
        "TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'",
        |pool| async move {
            let err = MIGRATOR.run(&pool).await.unwrap_err();
            assert!(err.to_string().contains("UTF-8 locale"), "{err}");
        },
    )
    .await;
}

/// The group list (`rows::select_my_groups`, as the PostgreSQL store spells it) is one
/// statement whose per-group parts are index lookups: each group's posts are reached through
/// an index by group (the unread counts start at the read marker), never by a scan of `posts`.
#[tokio::test]
async fn the_group_list_reads_posts_through_indexes() {
    with_migrated("group_list", |db| async move {
        let me = insert_user(&db, "ns.list").await.unwrap();
        let other = insert_user(&db, "dr.list").await.unwrap();
        let mut tx = db.begin().await.unwrap();
        let mut mine = Vec::new();
        for g in 0..200_i64 {
            let group = Uuid::now_v7();
            sqlx::query(
                "INSERT INTO groups (id, kind, name, created_by, created_at_ms)
                 VALUES ($1, 'workplace', '連絡', $2, $3)",
            )
            .bind(group)
            .bind(other)
            .bind(g)
            .execute(&mut *tx)
            .await
            .unwrap();
            let mut members = vec![other];
            if g % 10 == 0 {
                members.push(me);
                mine.push(group);
            }
            for user in members {
                sqlx::query(
                    "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
                     VALUES ($1, $2, 'member', 0)",
                )
                .bind(group)
                .bind(user)
                .execute(&mut *tx)
                .await
                .unwrap();
            }
            for i in 0..60_i64 {
                sqlx::query(
                    "INSERT INTO posts (id, group_id, author_id, body, search_text, timeline,
                                        created_at_ms)
                     VALUES ($1, $2, $3, '記録', '記録', $4, $5)",
                )
                .bind(Uuid::now_v7())
                .bind(group)
                .bind(other)
                .bind(if i % 3 == 0 { "family" } else { "care" })
                .bind(g * 1000 + i)
                .execute(&mut *tx)
                .await
                .unwrap();
            }
        }
        for group in &mine {
            sqlx::query(
                "INSERT INTO read_markers (group_id, user_id, timeline, up_to_ms, up_to_id)
                 SELECT group_id, $2, 'care', created_at_ms, id FROM posts
                 WHERE group_id = $1 AND timeline = 'care'
                 ORDER BY created_at_ms, id OFFSET 20 LIMIT 1",
            )
            .bind(group)
            .bind(me)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        db.execute("ANALYZE").await.unwrap();

        let sql = format!(
            "EXPLAIN {} ORDER BY activity_ms DESC, id DESC LIMIT $2",
            tsunagu_server::store::rows::select_my_groups("$1", "(lp.system::json ->> 'kind')")
        );
        let lines: Vec<(String,)> = sqlx::query_as(&sql)
            .bind(me)
            .bind(51_i64)
            .fetch_all(&db)
            .await
            .unwrap();
        let plan = lines
            .into_iter()
            .map(|(l,)| l)
            .collect::<Vec<_>>()
            .join("\n");
        println!("plan of the group list:\n{plan}");
        assert!(!plan.contains("Seq Scan on posts"), "{plan}");
        // Unread counts start at the read marker instead of reading the group's posts.
        assert!(
            plan.contains("using posts_by_timeline on posts")
                && plan.contains("created_at_ms >= COALESCE(r.up_to_ms"),
            "{plan}"
        );
    })
    .await;
}

/// A timeline page is a range scan of an index of the group's posts in page order, also for a
/// later page: no sort of the group's posts, no scan of other groups' (the store's own query,
/// not a copy).
#[tokio::test]
async fn a_timeline_page_is_a_range_scan_of_its_index() {
    use tsunagu_api::Importance;
    use tsunagu_server::cursor::Cursor;
    use tsunagu_server::store::postgres::posts::timeline_sql;
    use tsunagu_server::store::PageAt;

    with_migrated("timeline_plan", |db| async move {
        let me = insert_user(&db, "ns.timeline").await.unwrap();
        let mut groups = Vec::new();
        for _ in 0..20 {
            let group = insert_group(&db, me).await;
            add_member(&db, group, me).await;
            groups.push(group);
        }
        // 20 groups of 500 posts, a tenth in the family timeline.
        sqlx::query(
            "INSERT INTO posts (id, group_id, author_id, body, search_text, created_at_ms,
                                timeline)
             SELECT gen_random_uuid(), g, $1, '記録', '記録', n,
                    CASE WHEN n % 10 = 0 THEN 'family' ELSE 'care' END
             FROM unnest($2::uuid[]) AS g, generate_series(1, 500) AS n",
        )
        .bind(me)
        .bind(&groups)
        .execute(&db)
        .await
        .unwrap();
        sqlx::query("ANALYZE posts").execute(&db).await.unwrap();
        let cursor = Cursor {
            ms: 250,
            id: Uuid::max(),
        };
        for (at, name) in [
            (PageAt::Newest, "newest"),
            (PageAt::Before(cursor), "before"),
            (PageAt::After(cursor), "after"),
        ] {
            let sql = format!("EXPLAIN {}", timeline_sql(&at, Importance::Normal));
            let mut query = sqlx::query_as::<_, (String,)>(&sql)
                .bind(me)
                .bind(groups[3])
                .bind("care");
            if let PageAt::Before(c) | PageAt::After(c) = at {
                query = query.bind(c.ms).bind(c.id);
            }
            let plan: Vec<(String,)> = query.bind(50_i64).fetch_all(&db).await.unwrap();
            let plan = plan
                .into_iter()
                .map(|(l,)| l)
                .collect::<Vec<_>>()
                .join("\n");
            let top = plan.lines().take(3).collect::<Vec<_>>().join("\n");
            // Either index of the group's posts in time order serves it (the planner may
            // filter the timeline on `posts_timeline` when nearly all posts are of it).
            assert!(
                plan.lines().any(|l| l.contains("Index Scan")
                    && (l.contains("using posts_by_timeline on posts p")
                        || l.contains("using posts_timeline on posts p"))),
                "{name}:\n{plan}"
            );
            assert!(
                !top.contains("Sort"),
                "{name}: sorts the group's posts\n{plan}"
            );
            assert!(!plan.contains("Seq Scan on posts"), "{name}:\n{plan}");
        }
    })
    .await;
}

/// A member's digest counts each group's unread posts of the digest's period through the
/// index of the group's posts by time, never by a scan of `posts` (it runs for every member
/// in digest mode, every period).
#[tokio::test]
async fn a_digest_reads_posts_through_indexes() {
    with_migrated("digest", |db| async move {
        let me = insert_user(&db, "ns.digest").await.unwrap();
        let other = insert_user(&db, "dr.digest").await.unwrap();
        let mut tx = db.begin().await.unwrap();
        for g in 0..200_i64 {
            let group = Uuid::now_v7();
            sqlx::query(
                "INSERT INTO groups (id, kind, name, created_by, created_at_ms)
                 VALUES ($1, 'workplace', '連絡', $2, 0)",
            )
            .bind(group)
            .bind(other)
            .execute(&mut *tx)
            .await
            .unwrap();
            let members = if g % 10 == 0 {
                vec![other, me]
            } else {
                vec![other]
            };
            for user in members {
                sqlx::query(
                    "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
                     VALUES ($1, $2, 'member', 0)",
                )
                .bind(group)
                .bind(user)
                .execute(&mut *tx)
                .await
                .unwrap();
            }
            sqlx::query(
                "INSERT INTO posts (id, group_id, author_id, body, search_text, timeline,
                                    created_at_ms)
                 SELECT gen_random_uuid(), $1, $2, '記録', '記録', 'care', i
                 FROM generate_series(1, 60) i",
            )
            .bind(group)
            .bind(other)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        db.execute("ANALYZE").await.unwrap();
        let sql = format!(
            "EXPLAIN {}",
            tsunagu_server::store::rows::digest_groups_sql("$1", "$2", "$3")
        );
        let lines: Vec<(String,)> = sqlx::query_as(&sql)
            .bind(me)
            .bind(50_i64)
            .bind(60_i64)
            .fetch_all(&db)
            .await
            .unwrap();
        let plan = lines
            .into_iter()
            .map(|(l,)| l)
            .collect::<Vec<_>>()
            .join("\n");
        println!("plan of a digest:\n{plan}");
        assert!(!plan.contains("Seq Scan on posts"), "{plan}");
        assert!(plan.contains("on posts"), "{plan}");
    })
    .await;
}

/// The adoption dashboard's hot parts read through their indexes on PostgreSQL too: posts of
/// the last weeks and activity days of the last weeks are index range scans of years of data,
/// never a sequential scan of posts or activity days.
#[tokio::test]
async fn the_dashboard_reads_recent_rows_through_indexes() {
    use tsunagu_server::store::postgres::dashboard::pg;
    use tsunagu_server::store::sqlite::dashboard as q;
    with_migrated("dashboard", |db| async move {
        let author = insert_user(&db, "ns.dashboard").await.unwrap();
        let facility = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO facilities (id, name, name_kana, kind, created_at_ms)
             VALUES ($1, '訪問看護', 'ほうもんかんご', 'home_nursing_station', 0)",
        )
        .bind(facility)
        .execute(&db)
        .await
        .unwrap();
        sqlx::query("UPDATE users SET facility_id = $1 WHERE id = $2")
            .bind(facility)
            .bind(author)
            .execute(&db)
            .await
            .unwrap();
        let group = insert_group(&db, author).await;
        let day_ms: i64 = 86_400_000;
        // Three years of posts (one an hour) and of daily activity of 200 accounts.
        sqlx::query(
            "INSERT INTO posts (id, group_id, author_id, body, search_text, created_at_ms)
             SELECT gen_random_uuid(), $1, $2, '記録', '記録', i::bigint * 3600000
             FROM generate_series(1, 26280) i",
        )
        .bind(group)
        .bind(author)
        .execute(&db)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO activity_days (user_id, day)
             SELECT gen_random_uuid(), d FROM generate_series(1, 200) u, generate_series(1, 1095) d",
        )
        .execute(&db)
        .await
        .unwrap();
        db.execute("VACUUM ANALYZE").await.unwrap();
        let explain = |sql: String, param: i64| {
            let db = db.clone();
            async move {
                let lines: Vec<(String,)> = sqlx::query_as(&format!("EXPLAIN {sql}"))
                    .bind(param)
                    .fetch_all(&db)
                    .await
                    .unwrap();
                lines
                    .into_iter()
                    .map(|(l,)| l)
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        };
        let end_ms = 26_280 * 3_600_000_i64;
        let posts = explain(pg(q::FACILITY_POSTS), end_ms - 7 * day_ms).await;
        println!("posts of the last 7 days:\n{posts}");
        assert!(posts.contains("posts_by_time"), "{posts}");
        assert!(!posts.contains("Seq Scan on posts"), "{posts}");
        let weeks = explain(pg(q::WEEK_POSTS), end_ms - 84 * day_ms).await;
        println!("posts of 12 weeks:\n{weeks}");
        assert!(weeks.contains("posts_by_time"), "{weeks}");
        assert!(!weeks.contains("Seq Scan on posts"), "{weeks}");
        let active = explain(pg(q::WEEK_ACTIVE), 1095 - 84).await;
        println!("active accounts of 12 weeks:\n{active}");
        assert!(active.contains("activity_days"), "{active}");
        assert!(!active.contains("Seq Scan on activity_days"), "{active}");
    })
    .await;
}
