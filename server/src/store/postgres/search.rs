//! Searching posts by a substring of their folded text, on PostgreSQL.

use tsunagu_api::SearchHit;
use uuid::Uuid;

use super::posts::{GROUP_NAME_COLUMN, SELECT_POSTS_FROM};
use super::PgStore;
use crate::cursor::Cursor;
use crate::store::like_pattern;
use crate::store::rows::PostInGroupRow;
use crate::store::StoreError;

/// Whether pg_trgm finds a trigram in the query: three word characters in a row (it splits
/// text into words at anything that is not a letter or digit, under a UTF-8 ctype kana and
/// kanji included). Without one the trigram index cannot narrow anything down.
fn has_trigram(folded: &str) -> bool {
    let mut run = 0;
    for c in folded.chars() {
        run = if c.is_alphanumeric() { run + 1 } else { 0 };
        if run >= 3 {
            return true;
        }
    }
    false
}

/// The search. Binds: `$1` the caller (group name, `acked_by_me`, membership), `$2` the LIKE
/// pattern, then [group id], [cursor ms, id], limit.
///
/// Only live, person-written posts of groups the caller is in now, in timelines the caller may
/// read (SQLite's rules). Every post has its `search_text` (a CHECK), so there is no fallback
/// to the body, which no index could serve. Two shapes, by `trigram`:
///
/// * with a trigram: `p.system IS NULL AND p.deleted_at_ms IS NULL` are spelled as the partial
///   index `posts_search_trgm` says, so the planner answers from the trigram index and keeps
///   the caller's groups by the join (see README.md, *Search*, for what that costs).
/// * without (1-2 characters): each of the caller's groups' posts, newest first, through
///   `posts_timeline`, at most `limit` per group, then merged, as SQLite reads every query.
///   Written as a LATERAL join because the planner, estimating a `LIKE '%x%'` as very
///   selective, otherwise prefers to read every post of every group once (a sequential scan)
///   over an index scan per group, making the time grow with the whole database.
fn search_sql(trigram: bool, in_group: bool, before: bool) -> String {
    let mut n = 2;
    let group = if in_group {
        n += 1;
        format!(" AND m.group_id = ${n}")
    } else {
        String::new()
    };
    let cursor = if before {
        let (ms, id) = (n + 1, n + 2);
        n += 2;
        format!(" AND (p.created_at_ms < ${ms} OR (p.created_at_ms = ${ms} AND p.id < ${id}))")
    } else {
        String::new()
    };
    let limit = n + 1;
    let matches = "p.search_text LIKE $2 ESCAPE '\\'
           AND p.system IS NULL AND p.deleted_at_ms IS NULL
           AND (m.role <> 'family' OR p.timeline = 'family')";
    let select = SELECT_POSTS_FROM.replacen("SELECT ", &format!("SELECT {GROUP_NAME_COLUMN}, "), 1);
    if trigram {
        format!(
            "{select} JOIN groups g ON g.id = p.group_id
             JOIN group_members m ON m.group_id = p.group_id AND m.user_id = $1
             WHERE {matches}{group}{cursor}
             ORDER BY p.created_at_ms DESC, p.id DESC LIMIT ${limit}"
        )
    } else {
        let per_group = format!(
            "FROM group_members m CROSS JOIN LATERAL (
                 SELECT * FROM posts p
                 WHERE p.group_id = m.group_id AND {matches}{cursor}
                 ORDER BY p.created_at_ms DESC, p.id DESC LIMIT ${limit}) p"
        );
        format!(
            "{} JOIN groups g ON g.id = p.group_id
             WHERE m.user_id = $1{group}
             ORDER BY p.created_at_ms DESC, p.id DESC LIMIT ${limit}",
            select.replacen("FROM posts p", &per_group, 1)
        )
    }
}

impl PgStore {
    pub async fn search_posts(
        &self,
        user: Uuid,
        folded: &str,
        group_id: Option<Uuid>,
        before: Option<Cursor>,
        limit: i64,
    ) -> Result<Vec<(SearchHit, Cursor)>, StoreError> {
        // The fold drops control characters, NUL included, which PostgreSQL text cannot hold.
        let sql = search_sql(has_trigram(folded), group_id.is_some(), before.is_some());
        let mut query = sqlx::query_as::<_, PostInGroupRow>(&sql)
            .bind(user)
            .bind(like_pattern(folded));
        if let Some(group_id) = group_id {
            query = query.bind(group_id);
        }
        if let Some(c) = before {
            query = query.bind(c.ms).bind(c.id);
        }
        let rows = query.bind(limit).fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let cursor = r.post.cursor();
                let post = r.post.into_post();
                let hit = SearchHit {
                    group_id: post.group_id,
                    group_name: r.group_name,
                    post,
                };
                (hit, cursor)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
    use sqlx::{Connection, Executor, PgConnection, PgPool};

    use super::*;

    #[test]
    fn short_queries_read_group_by_group() {
        for (q, trigram) in [
            ("熱", false),
            ("褥瘡", false),
            ("かろなーる", true),
            ("12/80", false),
            ("血圧120/80", true),
            ("%_\\", false),
            ("a b", false),
            ("abc", true),
        ] {
            assert_eq!(has_trigram(q), trigram, "{q}");
        }
        for (in_group, before) in [(false, false), (true, true)] {
            assert!(search_sql(false, in_group, before).contains("CROSS JOIN LATERAL"));
            assert!(!search_sql(true, in_group, before).contains("LATERAL"));
        }
    }

    /// The plan of the search as `me` for `q` (all of my groups or one, first page or later).
    async fn plan(db: &PgPool, me: Uuid, q: &str, group: Option<Uuid>, before: bool) -> String {
        let folded = tsunagu_api::kana::fold(q);
        let sql = format!(
            "EXPLAIN {}",
            search_sql(has_trigram(&folded), group.is_some(), before)
        );
        let mut query = sqlx::query_scalar::<_, String>(&sql)
            .bind(me)
            .bind(like_pattern(&folded));
        if let Some(group) = group {
            query = query.bind(group);
        }
        if before {
            query = query.bind(i64::MAX).bind(Uuid::max());
        }
        let lines = query.bind(51_i64).fetch_all(db).await.unwrap();
        lines.join("\n")
    }

    async fn insert_user(db: &PgPool, login_id: &str) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO users (id, login_id, password_hash, display_name, display_name_kana,
                                profession, created_at_ms)
             VALUES ($1, $2, 'x', '中村 さくら', 'なかむら さくら', 'nurse', 0)",
        )
        .bind(id)
        .bind(login_id)
        .execute(db)
        .await
        .unwrap();
        id
    }

    /// Groups of which `member` is the one member, each with `posts` everyday notes.
    async fn groups_with_posts(db: &PgPool, member: Uuid, groups: i64, posts: i64) -> Vec<Uuid> {
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "INSERT INTO groups (id, kind, name, created_by, created_at_ms)
             SELECT gen_random_uuid(), 'patient', '山田 花子さん', $1, 0
             FROM generate_series(1, $2)
             RETURNING id",
        )
        .bind(member)
        .bind(groups)
        .fetch_all(db)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
             SELECT g, $2, 'member', 0 FROM unnest($1::uuid[]) g",
        )
        .bind(&ids)
        .bind(member)
        .execute(db)
        .await
        .unwrap();
        // Already folded as the store would (no spaces, full-width colon as ASCII).
        sqlx::query(
            "INSERT INTO posts (id, group_id, author_id, body, search_text, created_at_ms)
             SELECT gen_random_uuid(), g, $2, t, t, i
             FROM unnest($1::uuid[]) g, generate_series(1, $3) i,
                  LATERAL (SELECT (ARRAY['本日の訪問:バイタル安定、食事は全量摂取。',
                                         'でいさーびすより帰宅、表情おだやか。',
                                         '入浴介助を実施しました。皮膚とらぶるなし。',
                                         '服薬確認済み。夜間の睡眠良好とのこと。'])[1 + i % 4]
                                  || '記録' || i AS t) body",
        )
        .bind(&ids)
        .bind(member)
        .bind(posts)
        .execute(db)
        .await
        .unwrap();
        ids
    }

    /// On a real PostgreSQL (`TSUNAGU_TEST_POSTGRES_URL`, set by `make pg-test`; skipped
    /// without it): the store's own search statement can use the partial trigram index, so a
    /// 3+ character query does not read every post of the caller's groups.
    #[tokio::test]
    async fn a_long_query_is_answered_from_the_trigram_index() {
        let url = match std::env::var("TSUNAGU_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => url,
            _ => {
                println!("skipping: TSUNAGU_TEST_POSTGRES_URL is not set");
                return;
            }
        };
        let name = format!("tsunagu_search_plan_{}", std::process::id());
        let mut admin = PgConnection::connect(&url).await.unwrap();
        admin
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await
            .unwrap();
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        let options = PgConnectOptions::from_str(&url).unwrap().database(&name);
        let db = PgPoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .unwrap();
        sqlx::migrate!("./src/store/postgres/migrations")
            .run(&db)
            .await
            .unwrap();

        let me = insert_user(&db, "ns.nakamura").await;
        let other = insert_user(&db, "ns.other").await;
        // A caller in a few groups among many (60,000 posts in all).
        let mine = groups_with_posts(&db, me, 5, 100).await;
        groups_with_posts(&db, other, 300, 200).await;
        db.execute("ANALYZE").await.unwrap();

        let long = plan(&db, me, "ｶﾛﾅｰﾙ", None, false).await;
        let later = plan(&db, me, "ｶﾛﾅｰﾙ", None, true).await;
        let one_group = plan(&db, me, "ｶﾛﾅｰﾙ", Some(mine[0]), false).await;
        let short = plan(&db, me, "熱", None, false).await;
        let short_later = plan(&db, me, "熱", None, true).await;
        let short_one_group = plan(&db, me, "熱", Some(mine[0]), false).await;
        println!("3+ characters:\n{long}\n\nlater page:\n{later}\n\none group:\n{one_group}");
        println!("\n1 character:\n{short}\n\nlater page:\n{short_later}");
        println!("\none group:\n{short_one_group}");
        db.close().await;
        admin
            .execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
            .await
            .unwrap();

        for plan in [&long, &later] {
            assert!(
                plan.contains("Bitmap Index Scan on posts_search_trgm"),
                "the trigram index is not used:\n{plan}"
            );
        }
        // Never a scan of every post of every group: a short query (no trigram) reads the
        // caller's groups' posts, one group after the other, as on SQLite.
        for plan in [&short, &short_later, &short_one_group] {
            // posts_timeline or posts_by_timeline, a range per group.
            assert!(
                plan.contains("Index Cond: (group_id = m.group_id)"),
                "{plan}"
            );
        }
        for plan in [
            &long,
            &later,
            &one_group,
            &short,
            &short_later,
            &short_one_group,
        ] {
            assert!(!plan.contains("Seq Scan on posts p"), "{plan}");
        }
    }
}
