//! Searching posts by a substring of their folded text, on PostgreSQL.

use tsunagu_api::SearchHit;
use uuid::Uuid;

use super::posts::{GROUP_NAME_COLUMN, SELECT_POSTS_FROM};
use super::PgStore;
use crate::cursor::Cursor;
use crate::store::like_pattern;
use crate::store::rows::PostInGroupRow;
use crate::store::StoreError;

/// The search. Binds: `$1` the caller (group name, `acked_by_me`, membership), `$2` the LIKE
/// pattern, then [group id], [cursor ms, id], limit.
///
/// Only live, person-written posts of groups the caller is in now, in timelines the caller may
/// read (SQLite's rules). `p.system IS NULL AND p.deleted_at_ms IS NULL` are spelled as the
/// partial index `posts_search_trgm` says, so the planner may answer a 3+ character query from
/// the trigram index and keep the caller's groups by the join; for 1-2 characters (no trigram)
/// it reads the caller's groups' posts, as SQLite does. Every post has its `search_text` (a
/// CHECK), so there is no fallback to the body, which the index could not serve.
fn search_sql(in_group: bool, before: bool) -> String {
    let mut sql = format!(
        "{} JOIN groups g ON g.id = p.group_id
         JOIN group_members m ON m.group_id = p.group_id AND m.user_id = $1
         WHERE p.search_text LIKE $2 ESCAPE '\\'
           AND p.system IS NULL AND p.deleted_at_ms IS NULL
           AND (m.role <> 'family' OR p.timeline = 'family')",
        SELECT_POSTS_FROM.replacen("SELECT ", &format!("SELECT {GROUP_NAME_COLUMN}, "), 1)
    );
    let mut n = 2;
    if in_group {
        n += 1;
        sql.push_str(&format!(" AND p.group_id = ${n}"));
    }
    if before {
        let (ms, id) = (n + 1, n + 2);
        n += 2;
        sql.push_str(&format!(
            " AND (p.created_at_ms < ${ms} OR (p.created_at_ms = ${ms} AND p.id < ${id}))"
        ));
    }
    sql.push_str(&format!(
        " ORDER BY p.created_at_ms DESC, p.id DESC LIMIT ${}",
        n + 1
    ));
    sql
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
        let sql = search_sql(group_id.is_some(), before.is_some());
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

    /// The plan of the search as `me` for `q` (all of my groups or one, first page or later).
    async fn plan(db: &PgPool, me: Uuid, q: &str, group: Option<Uuid>, before: bool) -> String {
        let sql = format!("EXPLAIN {}", search_sql(group.is_some(), before));
        let mut query = sqlx::query_scalar::<_, String>(&sql)
            .bind(me)
            .bind(like_pattern(&tsunagu_api::kana::fold(q)));
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
    async fn groups_with_posts(db: &PgPool, member: Uuid, groups: usize, posts: i64) -> Vec<Uuid> {
        let filler = [
            "本日の訪問：バイタル安定、食事は全量摂取。",
            "デイサービスより帰宅、表情おだやか。",
            "入浴介助を実施しました。皮膚トラブルなし。",
            "服薬確認済み。夜間の睡眠良好とのこと。",
        ];
        let mut ids = Vec::new();
        let mut tx = db.begin().await.unwrap();
        for _ in 0..groups {
            let group = Uuid::now_v7();
            sqlx::query(
                "INSERT INTO groups (id, kind, name, created_by, created_at_ms)
                 VALUES ($1, 'patient', '山田 花子さん', $2, 0)",
            )
            .bind(group)
            .bind(member)
            .execute(&mut *tx)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
                 VALUES ($1, $2, 'member', 0)",
            )
            .bind(group)
            .bind(member)
            .execute(&mut *tx)
            .await
            .unwrap();
            for i in 0..posts {
                let body = format!("{} 記録{i}", filler[i as usize % filler.len()]);
                sqlx::query(
                    "INSERT INTO posts (id, group_id, author_id, body, search_text, created_at_ms)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(Uuid::now_v7())
                .bind(group)
                .bind(member)
                .bind(&body)
                .bind(tsunagu_api::kana::fold(&body))
                .bind(i)
                .execute(&mut *tx)
                .await
                .unwrap();
            }
            ids.push(group);
        }
        tx.commit().await.unwrap();
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
        // A caller in many groups, each with a few hundred notes; others' groups as well.
        let mine = groups_with_posts(&db, me, 20, 200).await;
        groups_with_posts(&db, other, 20, 200).await;
        db.execute("ANALYZE").await.unwrap();

        let long = plan(&db, me, "ｶﾛﾅｰﾙ", None, false).await;
        let later = plan(&db, me, "ｶﾛﾅｰﾙ", None, true).await;
        let one_group = plan(&db, me, "ｶﾛﾅｰﾙ", Some(mine[0]), false).await;
        let short = plan(&db, me, "熱", None, false).await;
        println!("3+ characters:\n{long}\n\nlater page:\n{later}\n\none group:\n{one_group}");
        println!("\n1 character:\n{short}");
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
        // Never a scan of every post of every group.
        for plan in [&long, &later, &one_group, &short] {
            assert!(!plan.contains("Seq Scan on posts p"), "{plan}");
        }
    }
}
